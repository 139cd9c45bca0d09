"""The desk's status bar follows the sync runner; "Sync now" runs a round."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.sync import SyncRunner
from ui.tasks import Tasks


@pytest.fixture
def runner(office: OfficeContext, tasks: Tasks) -> Iterator[SyncRunner]:
    """A sync runner on the test's workers, stopped after the test."""
    sync = SyncRunner(office, tasks, tick_ms=60_000)
    yield sync
    sync.stop()


def test_the_status_bar_shows_the_sync_status(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, runner: SyncRunner
) -> None:
    window = DeskWindow(office, tasks, lock_after_ms=60_000, sync=runner)
    qtbot.addWidget(window)
    assert window.sync_label.text() == "Jamais synchronisé"
    with qtbot.waitSignal(runner.status_changed, timeout=10_000):
        window.sync_action.trigger()
    assert window.sync_label.text() == "Non relié au serveur régional"
    window.language.set_language("en")
    assert window.sync_label.text() == "Not connected to the regional server"
    runner.status_changed.emit({"enrolled": True, "error_kind": "revoked", "last_error": "x"})
    assert "revoked by the region" in window.sync_label.text()


def test_sync_now_is_in_the_session_menu_and_disabled_while_a_round_runs(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, runner: SyncRunner
) -> None:
    window = DeskWindow(office, tasks, lock_after_ms=60_000, sync=runner)
    qtbot.addWidget(window)
    assert window.sync_action in window.session_menu.actions()
    assert window.sync_action.text() == "Synchroniser maintenant"
    assert window.sync_action.isEnabled()
    with qtbot.waitSignal(runner.status_changed, timeout=10_000):
        window.sync_action.trigger()
        assert runner.busy and not window.sync_action.isEnabled()
    assert not runner.busy and window.sync_action.isEnabled()


def test_without_sync_there_is_no_sync_now(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    window = DeskWindow(office, tasks, lock_after_ms=60_000)
    qtbot.addWidget(window)
    assert not window.sync_action.isEnabled()
    assert window.sync_label.text() == "Jamais synchronisé"
