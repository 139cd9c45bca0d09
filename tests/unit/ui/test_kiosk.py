"""The visitors' kiosk: the language screen, the visitor's language, and no way out."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from ui.kiosk_window import BUTTON_HEIGHT_PX, KioskWindow
from ui.tasks import Tasks


def test_the_language_screen_names_each_language_in_its_own_script(kiosk: KioskWindow) -> None:
    buttons = kiosk.language_screen.buttons
    assert [button.text() for button in buttons.values()] == [
        "Français",
        "العربية",
        "ⵜⴰⵎⴰⵣⵉⵖⵜ",
        "English",
    ]
    assert list(buttons) == ["fr", "ar", "zgh", "en"]
    assert all(button.height() >= BUTTON_HEIGHT_PX >= 90 for button in buttons.values())
    header = {label.text() for label in kiosk.language_screen.header_labels}
    assert {"Bienvenue", "مرحبًا بكم", "ⴰⵏⵙⵓⴼ ⵢⵉⵙⵡⵏ", "Welcome"} <= header


def test_a_visitor_choosing_arabic_gets_a_mirrored_kiosk_in_arabic(
    qtbot: QtBot, kiosk: KioskWindow
) -> None:
    qtbot.mouseClick(kiosk.language_screen.buttons["ar"], Qt.MouseButton.LeftButton)

    assert kiosk.stack.currentWidget() is kiosk.reason_screen
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.reason_screen.title_label.text() == "ما سبب زيارتكم؟"
    assert kiosk.reason_screen.back_button.text() == "رجوع"

    qtbot.mouseClick(kiosk.reason_screen.back_button, Qt.MouseButton.LeftButton)

    assert kiosk.stack.currentWidget() is kiosk.language_screen
    assert kiosk.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_tamazight_is_written_left_to_right(qtbot: QtBot, kiosk: KioskWindow) -> None:
    qtbot.mouseClick(kiosk.language_screen.buttons["zgh"], Qt.MouseButton.LeftButton)
    assert kiosk.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert kiosk.reason_screen.back_button.text() == "ⴰⵖⵓⵍ"


def test_the_kiosk_returns_to_the_languages_when_nobody_touches_it(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    kiosk = KioskWindow(office, tasks, idle_after_ms=150)
    qtbot.addWidget(kiosk)
    kiosk.show()
    qtbot.mouseClick(kiosk.language_screen.buttons["en"], Qt.MouseButton.LeftButton)
    assert kiosk.reason_screen.title_label.text() == "Why are you here?"

    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.language_screen, timeout=5000)
    assert kiosk.language.code == "fr"
    kiosk.allow_close = True


def test_the_idle_delay_comes_from_the_setting(
    office: OfficeContext, qtbot: QtBot, tasks: Tasks
) -> None:
    office.settings.set(office.system, "kiosk.idle_seconds", "45")
    kiosk = KioskWindow(office, tasks)
    qtbot.addWidget(kiosk)
    assert kiosk.idle.timeout_ms == 45_000
    kiosk.allow_close = True


def test_a_visitor_cannot_close_the_kiosk(kiosk: KioskWindow) -> None:
    assert kiosk.close() is False
    assert kiosk.isVisible()

    for key, modifiers in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
    ):
        event = QKeyEvent(QEvent.Type.KeyPress, key, modifiers)
        QApplication.sendEvent(kiosk, event)
        assert event.isAccepted(), key
    assert kiosk.isVisible()

    other = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(kiosk, other)
    assert not other.isAccepted()


def test_the_application_may_close_the_kiosk(kiosk: KioskWindow) -> None:
    kiosk.allow_close = True
    assert kiosk.close() is True
    assert not kiosk.isVisible()


def test_reason_words_are_large_and_tifinagh_larger_still(qtbot: QtBot, kiosk: KioskWindow) -> None:
    sizes = {}
    for language in ("fr", "ar", "zgh"):
        qtbot.mouseClick(kiosk.language_screen.buttons[language], Qt.MouseButton.LeftButton)
        button = next(iter(kiosk.reason_screen.buttons.values()))
        sizes[language] = button.text_label.fontInfo().pixelSize()
        qtbot.mouseClick(kiosk.reason_screen.back_button, Qt.MouseButton.LeftButton)
    assert min(sizes["fr"], sizes["ar"]) >= 32  # read from a metre away, not 18 to 26 px
    assert sizes["zgh"] > sizes["fr"]


def test_no_thanks_is_not_a_tick_and_done_keeps_its_size(qtbot: QtBot, kiosk: KioskWindow) -> None:
    no_thanks = kiosk.priority_screen.buttons["none"]
    assert no_thanks.pictogram_name == "none"  # an empty set: "none of these", not "yes"
    widths = set()
    for language in ("fr", "ar", "zgh", "en"):
        kiosk.language.set_language(language)
        widths.add(kiosk.ticket_screen.finish_button.width())
    assert len(widths) == 1
