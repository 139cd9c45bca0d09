"""The desk's Queue page: counter, waiting tickets, buttons and shortcuts on real tickets."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from db.models import TicketState
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.states import Action
from ui.desk import DeskWindow
from ui.desk_queue import COMMANDS, QueuePage
from ui.language import LanguageState
from ui.tasks import Tasks

from .conftest import OFFICER, LogIn


@pytest.fixture
def queue(office: OfficeContext) -> QueueService:
    """The office's queue, as the kiosk and other desks use it."""
    return QueueService.for_office(office)


def make_page(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    language: str = "fr",
) -> QueuePage:
    """A queue page for the system actor, shown, with its first reading done."""
    state = LanguageState(office.catalog, language)
    page = QueuePage(office, state, office.system, tasks)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    qtbot.waitUntil(lambda: page.status is not None)
    return page


def act(qtbot: QtBot, page: QueuePage, name: str) -> None:
    """Press one of the page's buttons and wait until its operation and reading are done."""
    page.buttons[name].click()
    qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)


def test_the_counter_is_chosen_once_and_remembered_for_the_machine(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, office, tasks)
    assert page.counter is None
    assert not page.buttons["call_next"].isEnabled()
    assert page.counter_combo.currentText() == "Choisissez votre guichet"

    page.counter_combo.setCurrentIndex(2)
    assert page.counter == 2
    assert page.buttons["call_next"].isEnabled()
    qtbot.waitUntil(lambda: office.settings.get("desk.counter") == 2)

    again = make_page(qtbot, office, tasks)
    assert again.counter == 2
    assert again.counter_combo.currentText() == "Guichet 2"


def test_an_officer_choosing_the_counter_has_it_remembered_without_a_refusal(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    officer, _ = office.accounts.login(*OFFICER)
    page = QueuePage(office, LanguageState(office.catalog, "fr"), officer, tasks)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.status is not None)

    page.counter_combo.setCurrentIndex(1)

    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert office.settings.get("desk.counter") == 1
    assert page.message_label.text() == ""  # no "your role does not allow this"


def test_every_button_shows_its_shortcut_and_a_screen_reader_hears_it_as_one(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, office, tasks)
    shortcuts = [command.shortcut for command in COMMANDS]
    assert len(set(shortcuts)) == len(COMMANDS) == 10
    for command in COMMANDS:
        button = page.buttons[command.name]
        assert button.text().endswith(f"[{command.shortcut}]")  # as sighted officers know it
        access = QAccessible.queryAccessibleInterface(button)
        assert "[" not in access.text(QAccessible.Text.Name)  # the name is the words only
        keys = access.actionInterface().keyBindingsForAction("Press")
        assert keys == [command.shortcut]  # a real shortcut, read as such
    assert page.buttons["call_next"].text() == "Appeler le suivant  [F2]"
    assert page.buttons["call_next"].accessibleName() == "Appeler le suivant"


def test_the_buttons_drive_a_visit_from_call_to_done(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    for reason in ("health", "health", "legal_aid"):
        queue.take(office.system, TicketRequest(reason=reason))
    page = make_page(qtbot, office, tasks)
    groups = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert groups == ["Santé (2)", "Aide juridique (1)"]
    first = page.tree.topLevelItem(0).child(0)
    assert first.text(0) == "D001"
    assert first.text(1) == "0 min"
    assert page.current_label.text() == "Aucun ticket en cours à ce guichet."

    act(qtbot, page, "call_next")
    assert page.current is not None and page.current.number == "D001"
    assert page.message_label.text() == "D001 appelé au guichet 1."
    assert page.current_label.text() == "D001 — Santé — appelé · appel 1"

    act(qtbot, page, "recall")
    assert queue.find("D001").call_count == 2
    act(qtbot, page, "start")
    assert queue.find("D001").state is TicketState.SERVING
    act(qtbot, page, "hold")
    assert queue.find("D001").state is TicketState.ON_HOLD
    assert page.current is None

    page.select_ticket("D001")
    act(qtbot, page, "call_this")
    assert queue.find("D001").state is TicketState.CALLED
    act(qtbot, page, "start")
    page.transfer_combo.setCurrentIndex(page.transfer_combo.findData("legal_aid"))
    act(qtbot, page, "transfer")
    moved = queue.find("D001")
    assert (moved.state, moved.reason) == (TicketState.WAITING, "legal_aid")

    act(qtbot, page, "call_next")
    assert page.current is not None and page.current.number == "D001"  # it kept its place
    act(qtbot, page, "start")
    act(qtbot, page, "done")
    assert queue.find("D001").state is TicketState.DONE
    assert page.current is None


def test_a_refused_transition_is_a_translated_sentence(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    queue.take(office.system, TicketRequest(reason="health"))
    page = make_page(qtbot, office, tasks, language="ar")
    act(qtbot, page, "call_next")

    assert not page.buttons["done"].isEnabled()  # not started yet: not offered, and if asked
    page.on_command("done")  # anyway (another desk's change not yet read), refused in words
    qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)
    assert page.message_label.text() == "مرفوض: التذكرة D001 في حالة «تم النداء»، لا يمكن «إنهاء»."
    act(qtbot, page, "no_show")  # called once only
    assert "أعد نداءها" in page.message_label.text()
    assert queue.find("D001").state is TicketState.CALLED


def test_nobody_waiting_is_said_plainly(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> None:
    office.settings.set(office.system, "desk.counter", "2")
    page = make_page(qtbot, office, tasks, language="en")
    act(qtbot, page, "call_next")
    assert page.message_label.text() == "Nobody is waiting for this counter."
    act(qtbot, page, "call_this")
    assert page.message_label.text() == "First choose a ticket in the list."


def test_shortcuts_drive_the_same_transitions(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    queue.take(office.system, TicketRequest(reason="other"))
    page = make_page(qtbot, office, tasks)
    page.activateWindow()
    page.tree.setFocus()
    qtbot.waitUntil(page.tree.hasFocus)

    for key, state in (
        (Qt.Key.Key_F2, TicketState.CALLED),
        (Qt.Key.Key_F4, TicketState.SERVING),
        (Qt.Key.Key_F5, TicketState.DONE),
    ):
        qtbot.keyClick(page, key)
        qtbot.waitUntil(lambda state=state: queue.find("Z001").state is state)
        qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)


def test_the_page_follows_changes_made_elsewhere(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    page = make_page(qtbot, office, tasks)
    assert page.tree.topLevelItemCount() == 0

    queue.take(office.system, TicketRequest(reason="housing"))  # the kiosk, say

    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=3000)
    assert page.tree.topLevelItem(0).child(0).text(0) == "G001"


def test_the_desk_shows_the_queue_page(desk: DeskWindow, log_in: LogIn) -> None:
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    desk.main_page.show_section("queue")  # the follow-up home page comes first
    page = desk.main_page.pages.currentWidget()
    assert isinstance(page, QueuePage)
    assert page.title_label.text() == "File d'attente"


def test_the_shortcuts_work_anywhere_in_the_desk_window(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    queue.take(office.system, TicketRequest(reason="health"))
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    desk.main_page.show_section("queue")
    page = desk.main_page.pages.currentWidget()
    assert isinstance(page, QueuePage)
    qtbot.waitUntil(lambda: page.status is not None)
    desk.main_page.navigation.setFocus()  # the officer's focus is in the navigation list

    qtbot.keyClick(desk.main_page.navigation, Qt.Key.Key_F2)

    qtbot.waitUntil(lambda: queue.find("D001").state is TicketState.CALLED)
    qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)
    assert page.current is not None and page.current.number == "D001"


def test_cancel_and_reactivate_act_on_the_ticket_chosen_in_the_list(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    office.settings.set(office.system, "queue.max_calls", "1")
    for reason in ("health", "health"):
        queue.take(office.system, TicketRequest(reason=reason))
    page = make_page(qtbot, office, tasks)

    act(qtbot, page, "cancel")
    assert page.message_label.text() == "Choisissez d'abord un ticket dans la liste."
    page.select_ticket("D002")
    act(qtbot, page, "cancel")  # the visitor left
    assert queue.find("D002").state is TicketState.CANCELLED
    assert page.message_label.text() == "Ticket D002 annulé."

    act(qtbot, page, "call_next")
    act(qtbot, page, "no_show")
    assert queue.find("D001").state is TicketState.NO_SHOW
    groups = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert groups == ["Absents (1)"]

    page.select_ticket("D001")  # came back
    qtbot.keyClick(page, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: queue.find("D001").state is TicketState.WAITING)
    qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)
    assert page.message_label.text() == "Ticket D001 de nouveau en attente, à sa place."
    assert page.tree.topLevelItem(0).text(0) == "Santé (1)"


def test_a_visit_is_transferred_to_another_counter(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    queue.take(office.system, TicketRequest(reason="legal_aid"))
    page = make_page(qtbot, office, tasks)
    act(qtbot, page, "call_next")
    act(qtbot, page, "start")
    page.transfer_combo.setCurrentIndex(page.transfer_combo.findData(2))
    assert page.transfer_combo.currentText() == "Guichet 2"
    act(qtbot, page, "transfer")
    moved = queue.find("H001")
    assert (moved.state, moved.reason) == (TicketState.WAITING, "legal_aid")
    assert page.current is None
    assert queue.call_next(office.system, 1) is None  # waits for counter 2 only
    called = queue.call_next(office.system, 2)
    assert called is not None and called.ticket.number == "H001"


def test_the_visitor_served_goes_on_to_the_intake_with_the_ticket(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    queue.take(office.system, TicketRequest(reason="health"))
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    desk.main_page.show_section("queue")
    page = desk.main_page.pages.currentWidget()
    assert isinstance(page, QueuePage)
    qtbot.waitUntil(lambda: page.status is not None)
    assert not page.intake_button.isEnabled()  # nobody is served yet
    act(qtbot, page, "call_next")
    act(qtbot, page, "start")
    assert page.intake_button.isEnabled()
    assert page.intake_button.text() == "Commencer l'entretien"
    with qtbot.waitSignal(page.intake_requested) as started:
        page.intake_button.click()
    assert started.args == [queue.find("D001").id]
    wizard = desk.main_page.cases_page.wizard
    assert wizard is not None and wizard.state.ticket_id == queue.find("D001").id


@pytest.mark.logs_errors("ui.desk_queue")  # the database's failure is logged for the admin
def test_a_database_that_refuses_writes_is_said_in_plain_words(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    queue.take(office.system, TicketRequest(reason="health"))
    page = make_page(qtbot, office, tasks, language="ar")

    def read_only(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA query_only = ON")  # as on a disk remounted read-only

    event.listen(office.store.engine, "connect", read_only)
    office.store.engine.dispose()
    try:
        act(qtbot, page, "call_next")
    finally:
        event.remove(office.store.engine, "connect", read_only)
        office.store.engine.dispose()
    assert office.catalog.text("ar", "error.read_only") in page.message_label.text()
    assert "readonly" not in page.message_label.text()
    assert queue.find("D001").state is TicketState.WAITING


def test_call_next_during_a_service_asks_what_becomes_of_the_ticket(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    queue: QueueService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    for _ in range(3):
        queue.take(office.system, TicketRequest(reason="health"))
    page = make_page(qtbot, office, tasks, "ar")
    act(qtbot, page, "call_next")
    act(qtbot, page, "start")
    asked: list[str] = []
    answers = iter([None, Action.DONE])

    def ask(_parent: object, _language: object, number: str) -> Action | None:
        asked.append(number)
        return next(answers)

    monkeypatch.setattr(QueuePage, "ask_after_service", staticmethod(ask))
    act(qtbot, page, "call_next")  # the officer closes the question: nothing changes
    assert asked == ["D001"] and queue.find("D001").state is TicketState.SERVING
    assert queue.find("D002").state is TicketState.WAITING
    act(qtbot, page, "call_next")  # "Done": D001 ends, D002 is called, in one step
    qtbot.waitUntil(lambda: queue.find("D002").state is TicketState.CALLED)
    assert asked == ["D001", "D001"] and queue.find("D001").state is TicketState.DONE
    assert page.current is not None and page.current.number == "D002"
    assert page.message_label.text() == "تم نداء D002 إلى الشباك 1."


@pytest.mark.logs_errors("ui.desk_queue")  # the RuntimeError("disk full") it hands to on_refused
def test_the_page_says_to_pick_a_counter_offers_only_what_the_ticket_allows_and_colours_news(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    queue.take(office.system, TicketRequest(reason="health"))
    page = make_page(qtbot, office, tasks)
    assert (
        page.message_label.text()
        == "Choisissez d'abord votre guichet : les boutons s'activent ensuite."
    )
    page.counter_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.buttons["call_next"].isEnabled())
    on_current = ("recall", "start", "done", "no_show", "transfer", "hold")
    assert [name for name in on_current if page.buttons[name].isEnabled()] == []  # no ticket
    act(qtbot, page, "call_next")
    assert page.message_label.property("kind") == "news"
    offered = [name for name in on_current if page.buttons[name].isEnabled()]
    assert offered == ["recall", "start", "no_show"]
    act(qtbot, page, "start")
    enabled = [name for name in on_current if page.buttons[name].isEnabled()]
    assert enabled == ["done", "no_show", "transfer", "hold"]
    page.on_refused(RuntimeError("disk full"))
    assert page.message_label.property("kind") == "refusal"


def test_a_supervisor_closes_the_day_from_the_desk_and_an_officer_cannot(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    queue: QueueService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from db.models import Role
    from kiosk.accounts import AccountError
    from tests.unit.ui.case_helpers import officer

    for reason in ("housing", "health"):
        queue.take(office.system, TicketRequest(reason=reason))
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")
    boss = office.accounts.login("hassan", "long-password-1")[0]
    state = LanguageState(office.catalog, "fr")
    page = QueuePage(office, state, boss, tasks)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.status is not None and page.tree.topLevelItemCount() == 2)
    assert page.close_day_button.isVisibleTo(page) and page.close_day_button.isEnabled()
    asked: list[str] = []

    def answer(parent: object, title: str, text: str, *_: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    page.close_day_button.click()
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 0)
    assert asked == ["Clore la journée ? Tickets encore ouverts, qui seront clos : 2."]
    assert page.message_label.text() == "Journée close. Tickets clos : 2."
    assert [queue.find(number).state for number in ("G001", "D001")] == [TicketState.CLOSED] * 2

    officer_page = QueuePage(office, state, officer(office), tasks)
    qtbot.addWidget(officer_page)
    officer_page.show()
    assert not officer_page.close_day_button.isVisibleTo(officer_page)
    with pytest.raises(AccountError):
        queue.close_day(officer(office))


def test_a_counter_chosen_before_the_first_reading_is_kept(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    office.settings.set(office.system, "desk.counter", "1")  # this PC's counter until now
    gate = threading.Event()
    tasks.run(gate.wait, lambda _: None, pytest.fail)  # the worker is busy a moment
    state = LanguageState(office.catalog, "fr")
    page = QueuePage(office, state, office.system, tasks)
    qtbot.addWidget(page)
    page.show()  # its first reading waits behind the busy worker
    page.counter_combo.setCurrentIndex(2)  # the officer picks counter 2 at once
    gate.set()
    qtbot.waitUntil(lambda: page.status is not None)
    assert page.counter == 2


def test_an_officer_says_in_their_profile_that_they_receive_visitors_who_ask_for_a_woman(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    officer, _ = office.accounts.login(*OFFICER)
    page = QueuePage(office, LanguageState(office.catalog, "fr"), officer, tasks)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.women_check.isEnabled())
    assert not page.women_check.isChecked()
    assert page.women_check.text() == "Je reçois les visiteuses qui demandent une femme"
    page.women_check.setChecked(True)
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert office.accounts.receives_women(officer)
    queue.take(office.system, TicketRequest("civil_registration"))
    asked = queue.take(office.system, TicketRequest("civil_registration", woman_preferred=True))
    page.counter_combo.setCurrentIndex(1)
    act(qtbot, page, "call_next")
    assert page.current is not None and page.current.number == asked.ticket.number
