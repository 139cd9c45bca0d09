"""The kiosk without sight or reading: the keypad mode, what is said, the spoken languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from db.models import Ticket
from kiosk.office import OfficeContext
from kiosk.prompts import ticket_words
from kiosk.queue.service import QueueService
from tests.helpers.sounds import record_every_prompt
from ui.kiosk_voice import KioskSpeaker, Played, PromptPlayer, Said
from ui.kiosk_window import KioskWindow
from ui.tasks import Tasks


def press(window: KioskWindow, key: Qt.Key, keypad: bool = False) -> None:
    modifiers = Qt.KeyboardModifier.KeypadModifier if keypad else Qt.KeyboardModifier.NoModifier
    target = QApplication.focusWidget() or window
    QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))


def focused() -> QAbstractButton:
    widget = QApplication.focusWidget()
    assert isinstance(widget, QAbstractButton)
    return widget


@pytest.fixture
def speaking_kiosk(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> Iterator[KioskWindow]:
    """A kiosk whose speaker has no text-to-speech voice: what it says is in ``said``."""
    window = KioskWindow(office, tasks, idle_after_ms=60_000, speaker=KioskSpeaker(PromptPlayer()))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    yield window
    window.allow_close = True


def test_a_visitor_takes_a_ticket_with_the_keys_alone_and_hears_each_step(
    qtbot: QtBot, office: OfficeContext, speaking_kiosk: KioskWindow
) -> None:
    kiosk = speaking_kiosk
    said = kiosk.speaker.said
    press(kiosk, Qt.Key.Key_Down)  # the first key: the keypad mode, the first tile
    assert focused() is kiosk.language_screen.buttons["fr"]
    assert said[-1] == Said("fr", "Français")
    press(kiosk, Qt.Key.Key_Down)
    assert focused() is kiosk.language_screen.buttons["ar"]
    assert said[-1] == Said("ar", "العربية")
    press(kiosk, Qt.Key.Key_Up)
    press(kiosk, Qt.Key.Key_Return)

    assert kiosk.stack.currentWidget() is kiosk.reason_screen
    first = kiosk.reason_screen.buttons["pensions_social_security"]
    assert focused() is first
    assert said[-3:] == [
        Said("fr", "Français"),  # the tile chosen
        Said("fr", "Pourquoi venez-vous ?"),  # the screen's question
        Said("fr", first.label()),  # the tile focused
    ]
    press(kiosk, Qt.Key.Key_6, keypad=True)  # the numeric keypad's "right"
    health = focused()
    assert health is kiosk.reason_screen.buttons["civil_registration"]
    press(kiosk, Qt.Key.Key_2, keypad=True)  # "down": the tile below
    assert focused() is kiosk.reason_screen.buttons["education"]
    press(kiosk, Qt.Key.Key_Plus, keypad=True)  # the big key: help
    assert Said("fr", kiosk.language.translator("kiosk.keys.help")) in said[-3:]
    press(kiosk, Qt.Key.Key_5, keypad=True)  # "choose"

    priority = kiosk.priority_screen
    assert kiosk.stack.currentWidget() is priority
    assert focused() is priority.buttons["elderly"]  # the choices first, the toggle after
    assert kiosk.tiles()[-2:] == [priority.back_button, priority.woman_button]
    for _ in range(3):
        press(kiosk, Qt.Key.Key_Right)
    assert focused() is priority.buttons["disability"]
    press(kiosk, Qt.Key.Key_Down)  # the toggle, beside "back"
    assert focused() is priority.woman_button
    assert said[-1] == Said("fr", "Être reçue par une femme : non")
    press(kiosk, Qt.Key.Key_Return)  # chosen: said with its new state, the screen stays
    assert priority.woman_preferred and focused() is priority.woman_button
    assert said[-1] == Said("fr", "Être reçue par une femme : oui")
    assert priority.woman_button.accessibleName() == "Être reçue par une femme : oui"
    press(kiosk, Qt.Key.Key_Up)
    press(kiosk, Qt.Key.Key_Left)
    press(kiosk, Qt.Key.Key_Down)
    assert focused() is priority.buttons["none"]
    with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000) as shown:
        press(kiosk, Qt.Key.Key_Enter)
    taken = shown.args[0]
    with office.store.session() as session:
        ticket = session.get(Ticket, taken.ticket.id)
        assert ticket is not None and ticket.woman_preferred
    assert said[-1] == Said(
        "fr",
        f"Votre numéro E {int(taken.ticket.number[1:])}. Personnes avant vous : 0. "
        "Asseyez-vous : votre numéro s'affichera à l'écran.",
    )
    assert not any("femme" in text for text in kiosk.ticket_screen.texts)  # never shown
    assert focused() is kiosk.ticket_screen.finish_button
    press(kiosk, Qt.Key.Key_Space)
    assert kiosk.stack.currentWidget() is kiosk.language_screen
    assert not kiosk.keys.active and not kiosk.property("keypad")


def test_in_arabic_left_is_still_left_and_touch_shows_no_outline(
    qtbot: QtBot, speaking_kiosk: KioskWindow
) -> None:
    kiosk = speaking_kiosk
    qtbot.mouseClick(kiosk.language_screen.buttons["ar"], Qt.MouseButton.LeftButton)
    assert not kiosk.property("keypad") and kiosk.speaker.said == []  # touch: no outline, silent
    press(kiosk, Qt.Key.Key_Down)
    first = focused()
    press(kiosk, Qt.Key.Key_Left)
    assert (
        focused().mapToGlobal(focused().rect().center()).x()
        < first.mapToGlobal(first.rect().center()).x()
    )
    assert kiosk.speaker.said[-1] == Said("ar", focused().accessibleName())


def test_every_tile_has_a_name_and_the_pictograms_are_decoration(
    speaking_kiosk: KioskWindow,
) -> None:
    kiosk = speaking_kiosk
    kiosk.on_language_chosen("fr")
    for screen in (kiosk.reason_screen, kiosk.priority_screen, kiosk.browse_screen):
        kiosk.stack.setCurrentWidget(screen)
        for tile in kiosk.tiles():
            assert tile.accessibleName() or tile.text(), tile.objectName()
            assert tile.focusPolicy() == Qt.FocusPolicy.TabFocus  # keys, never a touch
            icon = getattr(tile, "icon_label", None)
            if icon is not None:
                assert icon.accessibleName() == "" and icon.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_darija_is_offered_once_every_prompt_is_recorded_and_the_ticket_is_said_in_it(
    qtbot: QtBot, office: OfficeContext, speaking_kiosk: KioskWindow
) -> None:
    kiosk = speaking_kiosk
    darija = kiosk.language_screen.spoken_buttons["ary"]
    assert not darija.isVisibleTo(kiosk)
    record_every_prompt(office, "ary")
    qtbot.waitUntil(lambda: darija.isVisibleTo(kiosk), timeout=5000)
    assert not kiosk.language_screen.spoken_buttons["shi"].isVisibleTo(kiosk)
    assert darija.pictogram_name == "speaker"

    press(kiosk, Qt.Key.Key_Down)
    while focused() is not darija:
        press(kiosk, Qt.Key.Key_Down)
    assert kiosk.speaker.said[-1] == Played("ary", ("welcome",))
    press(kiosk, Qt.Key.Key_Return)
    assert kiosk.language.code == "ar"  # Darija is written in Arabic script
    assert kiosk.speaker.said[-2:] == [
        Played("ary", ("choose_reason",)),
        Played("ary", ("reason.pensions_social_security",)),
    ]
    kiosk.reason_screen.buttons["health"].click()
    assert kiosk.speaker.said[-2:] == [
        Played("ary", ("priority",)),  # the question, then the tile the keypad focuses
        Played("ary", ("priority.elderly",)),
    ]
    kiosk.keys.focus(kiosk.priority_screen.woman_button)
    assert kiosk.speaker.said[-1] == Played("ary", ("woman",))
    press(kiosk, Qt.Key.Key_Return)
    assert kiosk.speaker.said[-1] == Played("ary", ("woman_chosen",))
    with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000) as shown:
        kiosk.priority_screen.buttons["none"].click()
    taken = shown.args[0]
    assert taken.ticket.language == "ary"  # the display calls it in Darija
    assert kiosk.speaker.said[-1] == Played(
        "ary", tuple(ticket_words(taken.ticket.number, taken.position))
    )
    queue = QueueService.for_office(office)
    assert queue.config.reason(taken.ticket.reason).key == "health"


def test_a_recorded_prompt_reaches_the_audio_output(qtbot: QtBot, office: OfficeContext) -> None:
    """Played for real where the PC has an audio output (a PulseAudio null sink will do)."""
    from kiosk.prompts import read_sound
    from tests.helpers.sounds import tone_wav

    player = PromptPlayer()
    if not player.available:
        pytest.skip(f"this PC has no audio output ({player.problem})")
    player.load("shi", {"welcome": read_sound(tone_wav(0.2), "welcome.wav")})
    with qtbot.waitSignal(player.sound_started, timeout=3000):
        player.play("shi", ["welcome"])
    with qtbot.waitSignal(player.finished, timeout=5000):
        pass


def test_a_ticket_not_printed_is_said_again_with_remember_your_number_in_tachelhit(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    def broken_printer(taken: object, language: str) -> None:
        assert language == "zgh"  # printed in Tifinagh for a Tachelhit speaker
        raise OSError("printer out of paper")

    record_every_prompt(office, "shi")
    kiosk = KioskWindow(
        office,
        tasks,
        idle_after_ms=60_000,
        print_ticket=broken_printer,
        speaker=KioskSpeaker(PromptPlayer()),
    )
    qtbot.addWidget(kiosk)
    kiosk.show()
    tachelhit = kiosk.language_screen.spoken_buttons["shi"]
    qtbot.waitUntil(lambda: tachelhit.isVisibleTo(kiosk), timeout=5000)
    tachelhit.click()
    assert kiosk.language.code == "zgh"
    kiosk.reason_screen.buttons["housing"].click()
    with qtbot.waitSignal(kiosk.print_finished, timeout=5000):
        kiosk.priority_screen.buttons["none"].click()
    number = kiosk.ticket_screen.ticket.ticket.number
    assert kiosk.speaker.said[-2:] == [
        Played("shi", ("remember_number",)),
        Played("shi", tuple(ticket_words(number, 0))),
    ]
    kiosk.allow_close = True


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_focus_is_a_thick_red_outline_in_keypad_mode_only(
    qtbot: QtBot, speaking_kiosk: KioskWindow, language: str
) -> None:
    """Set ``BAOM_SHOTS_DIR`` to keep the reasons screen in keypad mode (to look at it)."""
    import os
    from pathlib import Path

    from PySide6.QtGui import QColor

    kiosk = speaking_kiosk
    kiosk.resize(1920, 1080)
    qtbot.mouseClick(kiosk.language_screen.buttons[language], Qt.MouseButton.LeftButton)
    outline = QColor("#c4001a")

    def left_edge(tile: QAbstractButton) -> QColor:
        QApplication.processEvents()
        return tile.grab().toImage().pixelColor(3, tile.height() // 2)

    touched = kiosk.reason_screen.buttons["health"]
    touched.setFocus()  # as Qt may give it: no outline for a touch user
    assert left_edge(touched) != outline
    press(kiosk, Qt.Key.Key_Down)
    press(kiosk, Qt.Key.Key_Down)
    assert focused() is kiosk.reason_screen.buttons["health"]
    assert left_edge(focused()) == outline
    folder = os.environ.get("BAOM_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert kiosk.grab().save(str(Path(folder) / f"kiosk_keypad_{language}.png"))
