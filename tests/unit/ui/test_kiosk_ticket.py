"""The kiosk from the language to the ticket: reasons as pictograms, priority, the number."""

from __future__ import annotations

import re
import time
from functools import partial

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.models import PriorityKind, Ticket
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.views import TakenTicket
from printing.jobs import spool_for
from tests.helpers.escpos import decode
from tests.helpers.printers import loopback_printer
from ui.kiosk_window import UNPRINTED_IDLE_FACTOR, KioskWindow
from ui.pictograms import TOUCH_TARGET_MM, millimetres
from ui.tasks import Tasks
from ui.ticket_print import kiosk_printer

CLICK = Qt.MouseButton.LeftButton
EXPECTED = {
    "fr": ("Pourquoi venez-vous ?", "Votre numéro", "Personnes avant vous : 1"),
    "ar": ("ما سبب زيارتكم؟", "رقمكم", "عدد الأشخاص قبلكم: 1"),
    "en": ("Why are you here?", "Your number", "People before you: 1"),
    "zgh": ("ⵎⴰⵅ ⴷ ⵜⵓⵛⴽⵉⴷ?", "ⵓⵟⵟⵓⵏ ⵏⵏⴽ", "ⵎⵏⵛⴽ ⵏ ⵎⵉⴷⴷⵏ ⴷⴰⵜ ⵏⵏⴽ: 1"),  # noqa: RUF001
}


def take_through_the_screens(
    qtbot: QtBot, kiosk: KioskWindow, language: str, reason: str, priority: str
) -> TakenTicket:
    """Press a language, a reason and a priority choice; wait for the ticket on screen."""
    qtbot.mouseClick(kiosk.language_screen.buttons[language], CLICK)
    assert kiosk.stack.currentWidget() is kiosk.reason_screen
    qtbot.mouseClick(kiosk.reason_screen.buttons[reason], CLICK)
    assert kiosk.stack.currentWidget() is kiosk.priority_screen
    with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000) as shown:
        qtbot.mouseClick(kiosk.priority_screen.buttons[priority], CLICK)
    assert kiosk.stack.currentWidget() is kiosk.ticket_screen
    taken = shown.args[0]
    assert isinstance(taken, TakenTicket)
    return taken


@pytest.mark.parametrize("language", ["fr", "ar", "en", "zgh"])
def test_a_visitor_takes_a_ticket_in_their_language(
    qtbot: QtBot, kiosk: KioskWindow, office: OfficeContext, language: str
) -> None:
    queue = QueueService.for_office(office)
    queue.take(office.system, TicketRequest(reason="health"))  # somebody is already waiting

    qtbot.mouseClick(kiosk.language_screen.buttons[language], CLICK)
    title, caption, before = EXPECTED[language]
    assert kiosk.reason_screen.title_label.text() == title
    health = queue.config.reason("health")
    assert kiosk.reason_screen.buttons["health"].label() == health.labels[language]
    kiosk.reason_screen.back_button.click()
    assert kiosk.stack.currentWidget() is kiosk.language_screen

    taken = take_through_the_screens(qtbot, kiosk, language, "health", "none")

    screen = kiosk.ticket_screen
    assert taken.ticket.number == "D002"
    assert screen.number_label.text() == "D002"
    assert screen.caption_label.text() == caption
    assert screen.reason_label.text() == health.labels[language]
    assert screen.before_label.text() == before
    assert str(taken.estimated_wait_min) in screen.wait_label.text()
    assert not screen.warning_label.isVisible()
    assert not screen.priority_label.isVisible()
    assert taken.ticket.language == language
    # Nothing personal: only the number, the reason, counts and fixed sentences.
    assert not any(re.search(r"amina|@|\+212", text) for text in screen.texts)
    assert queue.find("D002").priority is False


def test_priority_is_recorded_and_the_choices_are_large(
    qtbot: QtBot, kiosk: KioskWindow, office: OfficeContext
) -> None:
    qtbot.mouseClick(kiosk.language_screen.buttons["fr"], CLICK)
    buttons = [*kiosk.reason_screen.buttons.values(), *kiosk.priority_screen.buttons.values()]
    kiosk.resize(1280, 800)
    qtbot.waitUntil(lambda: kiosk.reason_screen.buttons["health"].height() > 100)
    for button in kiosk.reason_screen.buttons.values():
        assert millimetres(min(button.width(), button.height())) >= TOUCH_TARGET_MM
    assert all(button.minimumHeight() >= 150 for button in buttons)
    kiosk.reason_screen.back_button.click()

    taken = take_through_the_screens(qtbot, kiosk, "fr", "pensions_social_security", "elderly")

    ticket = QueueService.for_office(office).find(taken.ticket.number)
    assert ticket.priority is True and ticket.priority_kind is PriorityKind.ELDERLY
    assert kiosk.priority_screen.buttons["elderly"].label() == "Personne âgée"
    priority = kiosk.ticket_screen.priority_label  # the visitor sees the priority was given
    assert priority.isVisible() and priority.text() == "Prioritaire : Personne âgée"


def test_the_ticket_screen_goes_back_to_the_languages(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    kiosk = KioskWindow(office, tasks, idle_after_ms=200)
    qtbot.addWidget(kiosk)
    kiosk.show()
    take_through_the_screens(qtbot, kiosk, "ar", "other", "none")
    assert kiosk.idle.timeout_ms == 200

    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.language_screen, timeout=5000)
    assert kiosk.language.code == "fr"
    assert kiosk.ticket_screen.number_label.text() == ""
    kiosk.allow_close = True


def test_a_slow_ticket_is_still_shown_to_the_visitor_who_waits_for_it(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    """The kiosk does not count the wait for its own database as the visitor's idleness."""
    kiosk = KioskWindow(office, tasks, idle_after_ms=100)
    qtbot.addWidget(kiosk)
    kiosk.show()
    qtbot.mouseClick(kiosk.language_screen.buttons["fr"], CLICK)
    qtbot.mouseClick(kiosk.reason_screen.buttons["other"], CLICK)
    tasks.run(partial(time.sleep, 0.6), lambda _: None, lambda _: None)  # the worker is busy
    with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000):
        qtbot.mouseClick(kiosk.priority_screen.buttons["none"], CLICK)
    assert kiosk.stack.currentWidget() is kiosk.ticket_screen
    assert kiosk.ticket_screen.number_label.text() != ""
    kiosk.allow_close = True


def test_a_printer_failure_keeps_the_ticket_and_asks_to_remember_the_number(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    printed: list[tuple[str, str]] = []

    def broken_printer(taken: TakenTicket, language: str) -> None:
        printed.append((taken.ticket.number, language))
        raise OSError("printer out of paper")

    kiosk = KioskWindow(office, tasks, idle_after_ms=10_000, print_ticket=broken_printer)
    qtbot.addWidget(kiosk)
    kiosk.show()

    with qtbot.waitSignal(kiosk.print_finished, timeout=5000) as finished:
        taken = take_through_the_screens(qtbot, kiosk, "en", "education", "none")

    assert finished.args == [False]
    assert printed == [(taken.ticket.number, "en")]
    screen = kiosk.ticket_screen
    assert screen.number_label.text() == taken.ticket.number
    assert screen.warning_label.isVisible()
    assert "remember your number" in screen.warning_label.text()
    assert kiosk.idle.timeout_ms == 10_000 * UNPRINTED_IDLE_FACTOR
    assert QueueService.for_office(office).find(taken.ticket.number).number == "E001"

    screen.finish_button.click()
    assert kiosk.stack.currentWidget() is kiosk.language_screen
    assert kiosk.idle.timeout_ms == 10_000
    kiosk.allow_close = True


def test_the_kiosk_prints_on_a_real_network_printer(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    """From the language to the ticket, its ESC/POS bytes read back from a loopback printer."""
    with loopback_printer() as printer:
        office.settings.set(office.system, "printer.uri", printer.uri)
        print_ticket = kiosk_printer(office, QueueService.for_office(office).config)
        assert print_ticket is not None
        kiosk = KioskWindow(office, tasks, idle_after_ms=10_000, print_ticket=print_ticket)
        qtbot.addWidget(kiosk)
        kiosk.show()

        with qtbot.waitSignal(kiosk.print_finished, timeout=15_000) as finished:
            taken = take_through_the_screens(qtbot, kiosk, "ar", "health", "baby")
        (received,) = printer.wait_for_jobs(1)
        kiosk.allow_close = True
        kiosk.close()

    assert finished.args == [True]
    assert not kiosk.ticket_screen.warning_label.isVisible()
    decoded = decode(received)
    assert decoded.image.width == 576 and decoded.cut
    assert decoded.image.height > 300  # the number very large, the reason in two languages
    assert taken.ticket.priority_kind is PriorityKind.BABY


def test_a_working_printer_gets_the_ticket_in_the_visitors_language(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    printed: list[tuple[str, str]] = []
    kiosk = KioskWindow(
        office,
        tasks,
        idle_after_ms=10_000,
        print_ticket=lambda taken, language: printed.append((taken.ticket.number, language)),
    )
    qtbot.addWidget(kiosk)
    kiosk.show()
    with qtbot.waitSignal(kiosk.print_finished, timeout=5000) as finished:
        taken = take_through_the_screens(qtbot, kiosk, "zgh", "employment", "none")
    assert finished.args == [True]
    assert printed == [(taken.ticket.number, "zgh")]
    assert not kiosk.ticket_screen.warning_label.isVisible()
    kiosk.allow_close = True
    kiosk.close()


def test_the_kiosk_picks_up_a_printer_chosen_while_it_runs(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    """Issue #13, item 3: the kiosk read the printer once, at start-up."""
    print_ticket = kiosk_printer(office, QueueService.for_office(office).config)
    kiosk = KioskWindow(office, tasks, idle_after_ms=10_000, print_ticket=print_ticket)
    qtbot.addWidget(kiosk)
    kiosk.show()
    with qtbot.waitSignal(kiosk.print_finished, timeout=15_000) as finished:
        take_through_the_screens(qtbot, kiosk, "fr", "health", "none")
    assert finished.args == [False]  # no printer yet: the visitor remembers the number
    assert kiosk.ticket_screen.warning_label.isVisible()
    assert spool_for(office).jobs() == []  # and nothing waits to come out later
    kiosk.ticket_screen.finish_button.click()

    with loopback_printer() as printer:
        office.settings.set(office.system, "printer.uri", printer.uri)  # chosen meanwhile
        with qtbot.waitSignal(kiosk.print_finished, timeout=15_000) as finished:
            take_through_the_screens(qtbot, kiosk, "fr", "health", "none")
        (received,) = printer.wait_for_jobs(1)
    kiosk.allow_close = True
    assert finished.args == [True]
    assert decode(received).cut


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_visitor_asks_to_be_received_by_a_woman_and_the_ticket_screen_never_says_it(
    qtbot: QtBot, kiosk: KioskWindow, office: OfficeContext, language: str
) -> None:
    qtbot.mouseClick(kiosk.language_screen.buttons[language], CLICK)
    qtbot.mouseClick(kiosk.reason_screen.buttons["health"], CLICK)
    woman = kiosk.priority_screen.woman_button
    assert woman.label() == kiosk.language.translator("kiosk.flow.woman")
    assert not woman.isChecked()
    qtbot.mouseClick(woman, CLICK)
    assert woman.isChecked()
    with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000) as shown:
        qtbot.mouseClick(kiosk.priority_screen.buttons["none"], CLICK)
    taken = shown.args[0]
    with office.store.session() as session:
        ticket = session.get(Ticket, taken.ticket.id)
        assert ticket is not None and ticket.woman_preferred
    assert woman.label() not in " ".join(kiosk.ticket_screen.texts)
    kiosk.reason_screen.reason_chosen.emit("health")  # the next visitor
    assert kiosk.stack.currentWidget() is kiosk.priority_screen and not woman.isChecked()
