"""Leaving the kiosk: a long press in the corner, then a supervisor's name and password."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from db.models import Role
from kiosk.office import OfficeContext
from ui.kiosk_window import KioskWindow
from ui.tasks import Tasks

from .conftest import OFFICER

SUPERVISOR = ("hassan", "long-password-1")
HOLD_MS = 200


@pytest.fixture
def guarded_kiosk(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> Iterator[KioskWindow]:
    """A kiosk with a short corner hold, in an office with a supervisor."""
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    window = KioskWindow(office, tasks, idle_after_ms=60_000, exit_hold_ms=HOLD_MS)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    yield window
    window.allow_close = True


def hold_corner(qtbot: QtBot, kiosk: KioskWindow) -> None:
    target = kiosk.language_screen
    where = target.mapFrom(kiosk, QPoint(10, 10))
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.exit_screen, timeout=3000)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=where)


def submit(qtbot: QtBot, kiosk: KioskWindow, name: str, password: str) -> None:
    screen = kiosk.exit_screen
    screen.name_edit.setText(name)
    screen.password_edit.setText(password)
    screen.leave_button.click()
    qtbot.waitUntil(
        lambda: screen.leave_button.isEnabled() or not kiosk.isVisible(), timeout=10_000
    )


def test_a_short_press_or_a_press_elsewhere_does_nothing(
    qtbot: QtBot, guarded_kiosk: KioskWindow
) -> None:
    kiosk = guarded_kiosk
    qtbot.mouseClick(kiosk.language_screen, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    middle = kiosk.rect().center()
    with qtbot.assertNotEmitted(kiosk.corner.held, wait=HOLD_MS * 2):
        qtbot.mousePress(kiosk.language_screen, Qt.MouseButton.LeftButton, pos=middle)
    qtbot.mouseRelease(kiosk.language_screen, Qt.MouseButton.LeftButton, pos=middle)
    assert kiosk.stack.currentWidget() is kiosk.language_screen


def test_an_officer_cannot_close_the_kiosk_a_supervisor_can(
    qtbot: QtBot, guarded_kiosk: KioskWindow
) -> None:
    kiosk = guarded_kiosk
    hold_corner(qtbot, kiosk)
    submit(qtbot, kiosk, *OFFICER)
    assert kiosk.isVisible()
    assert kiosk.exit_screen.message_label.text() == (
        "Seul un superviseur ou un administrateur peut fermer la borne."
    )
    submit(qtbot, kiosk, SUPERVISOR[0], "wrong-password")
    assert kiosk.isVisible()
    assert kiosk.exit_screen.message_label.text() == "Nom ou mot de passe incorrect."

    with qtbot.waitSignal(kiosk.exit_confirmed, timeout=10_000):
        submit(qtbot, kiosk, *SUPERVISOR)
    assert not kiosk.isVisible()


def test_cancel_goes_back_to_the_start(qtbot: QtBot, guarded_kiosk: KioskWindow) -> None:
    kiosk = guarded_kiosk
    hold_corner(qtbot, kiosk)
    kiosk.exit_screen.name_edit.setText(SUPERVISOR[0])
    qtbot.mouseClick(kiosk.exit_screen.cancel_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget() is kiosk.language_screen
    assert kiosk.exit_screen.name_edit.text() == ""
    assert kiosk.close() is False
