"""The windows take the day's backup in the background, once a day, log a failure, and a
supervisor's home page says it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from db.models import Role
from db.uow import Actor
from kiosk import backups
from kiosk.office import OfficeContext
from ui.app import DailyBackup
from ui.desk import DeskWindow
from ui.desk_home import HomePage
from ui.tasks import Tasks

from .case_helpers import OFFICER
from .conftest import LogIn


def test_the_windows_take_the_days_backup_once(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    daily = DailyBackup(office, tasks, first_look_ms=0, look_every_ms=50)
    qtbot.waitUntil(lambda: bool(backups.list_backups(office.paths.backups_dir)), timeout=10_000)
    qtbot.wait(300)  # several more looks
    daily.stop()
    qtbot.waitUntil(lambda: tasks.pending == 0)

    (taken,) = backups.list_backups(office.paths.backups_dir)
    assert taken.reason == "daily"
    assert backups.read_status(office.paths)["last_file"] == taken.path.name


@pytest.mark.logs_errors("ui.app")
def test_a_failed_daily_backup_is_logged_and_kept_in_the_status(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    office.paths.backups_dir.write_text("not a folder")  # no backup can be written there
    daily = DailyBackup(office, tasks, first_look_ms=0)
    qtbot.waitUntil(lambda: "last_error" in backups.read_status(office.paths), timeout=10_000)
    daily.stop()
    qtbot.waitUntil(lambda: tasks.pending == 0)

    assert backups.read_status(office.paths)["last_error"].startswith("the backup failed")


def _home(desk: DeskWindow) -> HomePage:
    assert desk.main_page is not None
    home = desk.main_page.pages.currentWidget()
    assert isinstance(home, HomePage)
    return home


def test_a_supervisors_home_page_says_the_last_backup_failed_an_officers_does_not(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    office.paths.backups_dir.write_text("not a folder")  # no backup can be written there
    with pytest.raises(backups.BackupError):
        backups.take_backup(office, Actor.system)
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")

    log_in(desk, *OFFICER)
    home = _home(desk)
    qtbot.waitUntil(lambda: home.data is not None)
    qtbot.wait(200)
    assert home.backup_label.isHidden()

    desk.on_logout_requested()
    log_in(desk, "hassan", "long-password-1")
    home = _home(desk)
    qtbot.waitUntil(lambda: home.backup_label.isVisible())
    assert home.backup_label.text().startswith("La sauvegarde de la base de données a échoué le")
    assert "baom backup list" in home.backup_label.text()
