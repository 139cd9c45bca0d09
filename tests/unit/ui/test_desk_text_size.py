"""The desk's text size: an officer with low vision makes it larger on the Settings page, the
desk takes it at once (its dialogs too), and the computer keeps it for the next start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_pages import SettingsPage
from ui.tasks import Tasks

from .conftest import OFFICER, LogIn


def settings_page(desk: DeskWindow) -> SettingsPage:
    assert desk.main_page is not None
    desk.main_page.show_section("settings")
    page = desk.main_page.section_pages["settings"]
    assert isinstance(page, SettingsPage)
    return page


def test_an_officer_makes_the_text_larger_at_once_and_this_computer_keeps_it(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)  # an officer: no supervisor needed for their own screen
    page = settings_page(desk)
    qtbot.waitUntil(lambda: page.loaded)
    assert page.text_size_combo.currentText() == "100 %"
    assert page.title_label.font().pointSizeF() == 16  # desk.qss's page title
    assert page.intro_label.font().pointSizeF() == 11  # the interface's text

    page.text_size_combo.setFocus()
    qtbot.keyClick(page.text_size_combo, Qt.Key.Key_End)  # the largest: 150 %

    assert page.title_label.font().pointSizeF() == 24  # at once, before it is saved
    assert page.intro_label.font().pointSizeF() == 16.5
    assert desk.statusBar().findChild(QLabel, "currentUser").font().pointSizeF() == 16.5
    qtbot.waitUntil(lambda: office.settings.get("desk.text_size") == 150)
    qtbot.waitUntil(lambda: page.table.item(3, 1).text() == "150 %")
    assert page.table.item(3, 0).text() == "Taille du texte du bureau sur ce poste (%)"

    box = QMessageBox(QMessageBox.Icon.Question, "?", "Question", parent=page)
    box.show()  # a dialog of the desk: larger too
    QApplication.processEvents()
    assert box.findChild(QLabel, "qt_msgbox_label").font().pointSizeF() == 16.5
    box.close()

    again = DeskWindow(office, tasks)  # the next start on this computer
    qtbot.addWidget(again)
    again.show()
    assert again.text_size == 150
    assert again.login_page.title_label.font().pointSizeF() == 24


def test_a_size_the_computer_could_not_keep_still_holds_and_is_said(
    qtbot: QtBot,
    office: OfficeContext,
    desk: DeskWindow,
    log_in: LogIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_in(desk, *OFFICER)
    page = settings_page(desk)
    qtbot.waitUntil(lambda: page.loaded)

    def refuse(*_args: object) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(type(office.settings), "set", refuse)
    page.text_size_combo.setFocus()
    qtbot.keyClick(page.text_size_combo, Qt.Key.Key_Down)  # 110 %

    assert desk.text_size == 110
    qtbot.waitUntil(page.message_label.isVisible)
    assert page.message_label.text() == (
        "Cette taille vaut pour maintenant, mais ce poste ne l'a pas gardée "
        "(read-only file system)."
    )
