"""Leaving the kiosk: a long press in the corner, then the supervisor PIN on an on-screen pad."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from ui.kiosk_exit import KEY_PX
from ui.kiosk_window import KioskWindow
from ui.tasks import Tasks

PIN = "2580"
HOLD_MS = 200


@pytest.fixture
def guarded_kiosk(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> Iterator[KioskWindow]:
    """A kiosk with a short corner hold, in an office whose supervisor set a PIN."""
    office.exit_pin.set(office.system, PIN)
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


def type_pin(qtbot: QtBot, kiosk: KioskWindow, pin: str) -> None:
    """Touch the digit keys, then OK, and wait for the answer."""
    pad = kiosk.exit_screen
    for digit in pin:
        qtbot.mouseClick(pad.digit_buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: pad.digit_buttons["0"].isEnabled() or not kiosk.isVisible(), timeout=10_000
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


def test_the_long_press_opens_a_pad_of_big_keys_with_a_masked_display(
    qtbot: QtBot, guarded_kiosk: KioskWindow
) -> None:
    kiosk = guarded_kiosk
    hold_corner(qtbot, kiosk)
    pad = kiosk.exit_screen
    assert sorted(pad.digit_buttons) == list("0123456789")
    for button in (*pad.digit_buttons.values(), pad.ok_button, pad.erase_button):
        assert min(button.width(), button.height()) >= KEY_PX >= 90
    assert not pad.ok_button.isEnabled()  # fewer than 4 digits
    for digit in "25809":
        qtbot.mouseClick(pad.digit_buttons[digit], Qt.MouseButton.LeftButton)
    assert pad.display.text() == "●●●●●"
    assert "2580" not in pad.display.text()
    qtbot.mouseClick(pad.erase_button, Qt.MouseButton.LeftButton)
    assert pad.entered == 4
    assert pad.ok_button.isEnabled()


def test_a_wrong_pin_stays_the_right_pin_closes_the_kiosk(
    qtbot: QtBot, guarded_kiosk: KioskWindow
) -> None:
    kiosk = guarded_kiosk
    hold_corner(qtbot, kiosk)
    type_pin(qtbot, kiosk, "1111")
    assert kiosk.isVisible()
    assert kiosk.stack.currentWidget() is kiosk.exit_screen
    assert kiosk.exit_screen.message_label.text() == "Code incorrect."
    assert kiosk.exit_screen.display.text() == ""
    with qtbot.waitSignal(kiosk.exit_confirmed, timeout=10_000):
        type_pin(qtbot, kiosk, PIN)
    assert not kiosk.isVisible()


def test_without_a_pin_the_pad_says_how_to_set_one_and_the_kiosk_stays(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    kiosk = KioskWindow(office, tasks, idle_after_ms=60_000, exit_hold_ms=HOLD_MS)
    qtbot.addWidget(kiosk)
    kiosk.resize(1024, 768)
    kiosk.show()
    try:
        hold_corner(qtbot, kiosk)
        type_pin(qtbot, kiosk, "1234")
        assert kiosk.isVisible()
        assert "baom kiosk set-pin" in kiosk.exit_screen.message_label.text()
    finally:
        kiosk.allow_close = True


def test_cancel_and_idle_go_back_to_the_start(qtbot: QtBot, guarded_kiosk: KioskWindow) -> None:
    kiosk = guarded_kiosk
    hold_corner(qtbot, kiosk)
    qtbot.mouseClick(kiosk.exit_screen.digit_buttons["2"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.exit_screen.cancel_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget() is kiosk.language_screen
    assert kiosk.exit_screen.entered == 0
    assert kiosk.close() is False

    hold_corner(qtbot, kiosk)
    qtbot.mouseClick(kiosk.exit_screen.digit_buttons["2"], Qt.MouseButton.LeftButton)
    kiosk.idle.went_idle.emit()
    assert kiosk.stack.currentWidget() is kiosk.language_screen
    assert kiosk.exit_screen.entered == 0


def test_arabic_mirrors_the_screen_but_keeps_the_key_order(
    qtbot: QtBot, guarded_kiosk: KioskWindow
) -> None:
    kiosk = guarded_kiosk
    kiosk.language.set_language("ar")
    hold_corner(qtbot, kiosk)
    pad = kiosk.exit_screen
    assert pad.ok_button.text() == "تأكيد"
    assert pad.isRightToLeft()
    keys = pad.digit_buttons
    x = {digit: keys[digit].mapTo(kiosk, QPoint(0, 0)).x() for digit in keys}
    y = {digit: keys[digit].mapTo(kiosk, QPoint(0, 0)).y() for digit in keys}
    assert x["7"] < x["8"] < x["9"] and x["1"] < x["2"] < x["3"]
    assert y["7"] < y["4"] < y["1"] < y["0"] and x["0"] == x["8"]
    # the actions stand beside the keys, mirrored: on their left in Arabic, OK first
    ok = pad.ok_button.mapTo(kiosk, QPoint(0, 0))
    assert ok.x() + pad.ok_button.width() < x["7"]
    assert ok.y() < pad.cancel_button.mapTo(kiosk, QPoint(0, 0)).y()


def test_the_pad_shows_no_personal_data(
    qtbot: QtBot, office: OfficeContext, guarded_kiosk: KioskWindow
) -> None:
    kiosk = guarded_kiosk
    hold_corner(qtbot, kiosk)
    type_pin(qtbot, kiosk, "9999")
    texts = " ".join(label.text() for label in kiosk.exit_screen.findChildren(QLabel))
    for private in ("amina", "system", office.office_name, PIN, "9999"):
        assert private not in texts


@pytest.mark.parametrize("language", ["fr", "ar", "zgh", "en"])
def test_the_pad_fits_a_small_kiosk_screen(
    qtbot: QtBot, guarded_kiosk: KioskWindow, language: str
) -> None:
    kiosk = guarded_kiosk
    kiosk.language.set_language(language)
    hold_corner(qtbot, kiosk)
    assert kiosk.exit_screen.sizeHint().height() <= 800  # a 1280x800 touch screen
