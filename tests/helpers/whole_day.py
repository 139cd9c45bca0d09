"""One day of a demo office, driven through its three windows as the people there would.

The kiosk, the desk and the waiting-room display share one ``Tasks``, built by
``ui.app.build_windows`` as ``baom run --desk --kiosk --display`` builds them, with the print
spool's worker sending to the demo's picture printer (``image:FOLDER``). :func:`the_day`
drives the day through the widgets only: a visitor's touches on the kiosk, the officer's
clicks and typing on the desk, a supervisor reading the day's figures. It yields a
:class:`Step` after each thing done, for a test to check what the screens show
(``tests/unit/ui/test_whole_day.py``) or for a script to photograph them
(``tests/helpers/screenshots.py``). Only the person who came last month is arranged through
the core (:func:`a_visitor_from_last_month`): the windows cannot go back in time.

How the windows are touched is :class:`Hands`: ``QTest`` here, pytest-qt's ``qtbot`` in
the tests (:class:`QtBotHands`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar, cast

from PySide6.QtCore import QPoint, Qt, QTimer, SignalInstance
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QListWidget, QWidget
from sqlalchemy import select

from db.base import utcnow
from db.cases import Case, Intake, Visit
from db.print_spool import PrintJobState
from kiosk.cases.intake import IntakeRequest, SavedIntake, submit_intake
from kiosk.demo import DEMO_ACCOUNTS
from kiosk.office import OfficeContext
from kiosk.queue.views import TakenTicket
from kiosk.windows import WindowRequest
from printing.worker import SpoolWorker
from ui.app import build_windows, start_spool_worker
from ui.case_page import CasePage
from ui.desk import DeskWindow
from ui.desk_queue import QueuePage
from ui.desk_reports import ReportsPage
from ui.desk_spool import SpoolPage
from ui.display import DisplayWindow
from ui.intake_fields import ChoiceField, ComboField, FieldWidget, ManyField, TextField
from ui.intake_wizard import IntakeWizard
from ui.kiosk_window import KioskWindow
from ui.person_reuse import PersonReuseDialog
from ui.referral_dialog import ReferralDialog
from ui.tasks import Tasks

W = TypeVar("W", bound=QWidget)

KIOSK_SIZE = DISPLAY_SIZE = (1920, 1080)
DESK_SIZE = (1280, 800)
"""The screens of an office: the kiosk's and the waiting room's, and the officers' PCs."""
OFFICER = DEMO_ACCOUNTS[0][:2]
SUPERVISOR = DEMO_ACCOUNTS[1][:2]
COUNTER = 1
PRINTED = PrintJobState.PRINTED
WAIT_MS = 10_000

LAST_MONTH = {
    "consent.record": True,
    "consent.share": True,
    "consent.stats": True,
    "consent.method": "verbal",
    "person.category": "mre_returnee",
    "person.sex": "f",
    "person.given_name_ar": "فاطمة",
    "person.family_name_ar": "أيت لحسن",
    "person.birth_year": "1958",
    "person.nationality": "MA",
    "person.commune": "Taliouine",
    "person.phone": "0661234567",
    "person.language": "ar",
    "household.size": "2",
    "needs": ["pensions_social_security"],
}
"""Fatima's first visit, a month ago: her name in Arabic letters only."""
TODAY = {
    "consent.record": True,
    "consent.share": True,
    "consent.stats": True,
    "consent.method": "verbal",
    "person.category": "mre_returnee",
    "person.sex": "f",
    "person.given_name": "Fatima",
    "person.family_name": "Ait Lahcen",
    "person.birth_year": "1958",
    "person.nationality": "MA",
    "person.commune": "09.541.01.07",  # Oulad Berhil, picked in the list
    "person.phone": "0661234567",
    "household.size": "2",
}
"""What the officer types today: her name in Latin letters, the commune she moved to (her
language and her need come with the ticket)."""
PICKED = {"commune"}
"""What the officer takes from today's answers besides what the record lacks."""


def a_visitor_from_last_month(context: OfficeContext) -> SavedIntake:
    """Fatima, who came a month ago (``LAST_MONTH``): her person, case, visit and intake,
    written by the demo's officer and dated back a month."""
    actor, _ = context.accounts.login(*OFFICER)
    saved = submit_intake(context.store, actor, IntakeRequest(LAST_MONTH, language="ar"))
    month_ago = utcnow() - timedelta(days=30)
    with context.store.unit_of_work(actor) as uow:
        case = uow.session.get(Case, saved.case_id)
        assert case is not None
        case.opened_at = month_ago
        for record in uow.session.scalars(select(Visit).where(Visit.case_id == case.id)):
            record.at = month_ago
        for intake in uow.session.scalars(select(Intake).where(Intake.case_id == case.id)):
            intake.at = month_ago
    return saved


class Hands:
    """Touches, clicks and typing on widgets, and waiting for the windows (``QTest``)."""

    def click(self, widget: QWidget, at: QPoint | None = None) -> None:
        """A left click on ``widget`` (at its centre unless ``at``)."""
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at or QPoint())

    def type(self, widget: QWidget, text: str) -> None:
        """Type ``text`` into ``widget``, key by key."""
        QTest.keyClicks(widget, text)

    def key(self, widget: QWidget, key: Qt.Key) -> None:
        """Press and release ``key`` on ``widget``."""
        QTest.keyClick(widget, key)

    def wait_until(self, condition: Callable[[], object], timeout_ms: int = WAIT_MS) -> None:
        """Let the windows work until ``condition()`` holds; TimeoutError after ``timeout_ms``."""
        waited = 0
        while not condition():
            if waited >= timeout_ms:
                raise TimeoutError(f"still waiting after {timeout_ms} ms for {condition}")
            QTest.qWait(10)
            waited += 10


class QtBotHands(Hands):
    """The same hands, through pytest-qt (its clicks, its waits and their messages)."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot

    def click(self, widget: QWidget, at: QPoint | None = None) -> None:
        """A left click with ``qtbot.mouseClick``."""
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=at or QPoint())

    def type(self, widget: QWidget, text: str) -> None:
        """Typing with ``qtbot.keyClicks``."""
        self.qtbot.keyClicks(widget, text)

    def key(self, widget: QWidget, key: Qt.Key) -> None:
        """A key with ``qtbot.keyClick``."""
        self.qtbot.keyClick(widget, key)

    def wait_until(self, condition: Callable[[], object], timeout_ms: int = WAIT_MS) -> None:
        """``qtbot.waitUntil`` (a condition that returns None counts as not yet)."""
        self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout_ms)


@dataclass(frozen=True)
class Step:
    """Something done in the day: its name and the window (or dialog) that shows it;
    ``picture`` for a modal dialog, taken while it was open (it is gone by now)."""

    name: str
    window: QWidget
    picture: QImage | None = None


@dataclass
class ReuseSeen:
    """What the dialog that reuses a known person showed, and its picture."""

    intro: str
    rows: dict[str, tuple[str, str]]  # field -> (the record's value, today's answer) as shown
    summary: str
    picture: QImage


@dataclass
class Day:
    """The office's three windows on one ``Tasks``, the spool worker, and what the day saw."""

    context: OfficeContext
    tasks: Tasks
    hands: Hands
    kiosk: KioskWindow
    desk: DeskWindow
    display: DisplayWindow
    spool: SpoolWorker
    tickets: list[TakenTicket] = field(default_factory=list)
    printed: list[bool] = field(default_factory=list)
    reuse: ReuseSeen | None = None
    saved: SavedIntake | None = None
    referral: str | None = None

    @classmethod
    def open(cls, context: OfficeContext, tasks: Tasks, hands: Hands) -> Day:
        """The windows of ``baom run --desk --kiosk --display``, shown at the offices'
        screen sizes, and the spool worker started."""
        request = WindowRequest(context, ("desk", "kiosk", "display"), {}, False)
        windows = build_windows(request, tasks)
        day = cls(
            context,
            tasks,
            hands,
            cast(KioskWindow, windows["kiosk"]),
            cast(DeskWindow, windows["desk"]),
            cast(DisplayWindow, windows["display"]),
            start_spool_worker(context, tasks),
        )
        for window, size in (
            (day.kiosk, KIOSK_SIZE),
            (day.display, DISPLAY_SIZE),
            (day.desk, DESK_SIZE),
        ):
            window.resize(*size)
            window.show()
        return day

    def close(self) -> None:
        """Close the windows (the kiosk is allowed to) and stop the spool worker."""
        self.kiosk.allow_close = True
        for window in (self.kiosk, self.desk, self.display):
            window.close()
        self.spool.stop(3)

    # --- the pages ---------------------------------------------------------------------

    def page(self, section: str, kind: type[W]) -> W:
        """The desk's page of ``section``."""
        assert self.desk.main_page is not None, "nobody is logged in"
        page = self.desk.main_page.section_pages[section]
        assert isinstance(page, kind)
        return page

    @property
    def queue(self) -> QueuePage:
        """The desk's Queue page."""
        return self.page("queue", QueuePage)

    @property
    def case_page(self) -> CasePage:
        """The case page of the Cases section."""
        assert self.desk.main_page is not None
        return self.desk.main_page.cases_page.case_page

    @property
    def wizard(self) -> IntakeWizard:
        """The intake wizard shown."""
        assert self.desk.main_page is not None
        wizard = self.desk.main_page.cases_page.wizard
        assert wizard is not None, "no intake is open"
        return wizard

    # --- what people do ----------------------------------------------------------------

    def wait_for(self, signal: SignalInstance, action: Callable[[], object]) -> tuple[Any, ...]:
        """Do ``action`` and wait until ``signal`` comes; its arguments."""
        seen: list[tuple[Any, ...]] = []

        def catch(*args: Any) -> None:
            seen.append(args)

        signal.connect(catch)
        try:
            action()
            self.hands.wait_until(lambda: seen)
        finally:
            signal.disconnect(catch)
        return seen[0]

    def take_ticket(self, language: str, reason: str, priority: str) -> Iterator[Step]:
        """A visitor at the kiosk: their language, the reason, priority or not; the ticket
        shown and printed; then "finished"."""
        kiosk, hands = self.kiosk, self.hands
        hands.click(kiosk.language_screen.buttons[language])
        yield Step("kiosk_reasons", kiosk)
        hands.click(kiosk.reason_screen.buttons[reason])
        yield Step("kiosk_priority", kiosk)
        (printed,) = self.wait_for(
            kiosk.print_finished,
            lambda: hands.click(kiosk.priority_screen.buttons[priority]),
        )
        assert kiosk.ticket_screen.ticket is not None
        self.tickets.append(kiosk.ticket_screen.ticket)
        self.printed.append(printed)
        yield Step("kiosk_ticket", kiosk)
        hands.click(kiosk.ticket_screen.finish_button)

    def log_in(self, name: str, password: str, language: str) -> None:
        """Type the name and password on the desk's login page, log in, and speak
        ``language`` (the desk's language menu)."""
        page, hands = self.desk.login_page, self.hands
        page.name_edit.clear()
        hands.type(page.name_edit, name)
        page.password_edit.clear()
        hands.type(page.password_edit, password)
        hands.click(page.submit_button)
        desk = self.desk
        hands.wait_until(
            lambda: (
                desk.actor is not None
                and desk.actor.name == name
                and desk.stack.currentWidget() is desk.main_page
            )
        )
        (chosen,) = (a for a in desk.language_actions.actions() if a.data() == language)
        chosen.trigger()
        hands.wait_until(lambda: self.tasks.pending == 0)

    def log_out(self) -> None:
        """The session menu's "Log out"."""
        self.desk.logout_action.trigger()

    def open_section(self, section: str) -> None:
        """Click ``section`` in the desk's navigation."""
        main = self.desk.main_page
        assert main is not None
        navigation = main.navigation
        item = navigation.item(main.sections.index(section))
        self.hands.click(navigation.viewport(), navigation.visualItemRect(item).center())
        assert main.pages.currentWidget() is main.section_pages[section], section

    def click_row(self, listing: QListWidget, row: int) -> None:
        """Click a row of a list."""
        item = listing.item(row)
        listing.scrollToItem(item)
        self.hands.click(listing.viewport(), listing.visualItemRect(item).center())

    def press(self, command: str) -> None:
        """Press one of the Queue page's buttons; wait until it is done and read again."""
        page = self.queue
        self.hands.click(page.buttons[command])
        self.hands.wait_until(lambda: not page.busy and self.tasks.pending == 0)

    def tick(self, button: QAbstractButton) -> None:
        """Click a radio button or a check box on its box, at its leading edge (a click in
        the middle of a wide one falls beside its text, and does nothing)."""
        x = button.width() - 8 if button.isRightToLeft() else 8
        self.hands.click(button, QPoint(x, button.height() // 2))

    def answer(self, widget: FieldWidget, value: object) -> None:
        """Answer one field of the wizard as the officer would."""
        hands = self.hands
        if isinstance(widget, ChoiceField):
            self.tick(widget.buttons[value])
        elif isinstance(widget, ManyField):
            wanted = set(value) if isinstance(value, list) else set()
            for choice, box in widget.boxes.items():
                if box.isChecked() != (choice in wanted):
                    self.tick(box)
        elif isinstance(widget, ComboField):
            index = widget.combo.findData(value)
            assert index >= 0, (widget.key, value)
            widget.combo.setCurrentIndex(index)  # chosen in its list
        else:
            assert isinstance(widget, TextField)
            widget.edit.clear()
            hands.type(widget.edit, str(value))

    def fill_page(self, answers: dict[str, object]) -> None:
        """Answer the fields of the wizard's page that ``answers`` holds."""
        wizard = self.wizard
        for widget in wizard.pages[wizard.current_section].fields:
            if widget.key in answers and not widget.isHidden():
                self.answer(widget, answers[widget.key])

    def next_page(self) -> None:
        """Press Next; wait until the next page shows."""
        wizard = self.wizard
        section = wizard.current_section
        self.hands.click(wizard.next_button)
        self.hands.wait_until(lambda: wizard.current_section != section)

    def when_shown(self, kind: type[W], answer: Callable[[W], None]) -> QTimer:
        """Answer the modal dialog of ``kind`` once it shows (its own event loop runs the
        answer); the timer that looks for it."""
        timer = QTimer(interval=10)

        def look() -> None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, kind) and widget.isVisible():
                    timer.stop()
                    answer(widget)
                    return

        timer.timeout.connect(look)
        timer.start()
        return timer

    def reuse_known_person(self, dialog: PersonReuseDialog) -> None:
        """Read the dialog side by side, take ``PICKED`` from today's answers, confirm."""
        rows = {
            field: (existing.text(), new.text())
            for field, (existing, new) in dialog.buttons.items()
        }
        for field_name in PICKED:
            self.tick(dialog.buttons[field_name][1])
        self.reuse = ReuseSeen(
            dialog.intro_label.text(), rows, dialog.summary_label.text(), dialog.grab().toImage()
        )
        self.hands.click(dialog.confirm_button)


def the_day(day: Day, language: str) -> Iterator[Step]:
    """The office's day in ``language`` (ar, fr or zgh), a step at a time.

    A visitor takes a ticket in Tifinagh, then Fatima (``a_visitor_from_last_month``) one in
    ``language``, with priority; the officer logs in, calls her first, runs her intake,
    which finds her record and reuses it, refers her to a health service and prints the
    slip on the demo printer; then serves the other visitor; a supervisor reads the day's
    figures. Each window is the one the step shows.
    """
    kiosk, desk, display, hands = day.kiosk, day.desk, day.display, day.hands
    yield Step("kiosk_languages", kiosk)
    yield from _named("tifinagh", day.take_ticket("zgh", "civil_registration", "none"))
    yield from _named("priority", day.take_ticket(language, "health", "elderly"))

    yield Step("desk_login", desk)
    day.log_in(*OFFICER, language)
    day.open_section("queue")
    queue = day.queue
    hands.wait_until(lambda: queue.status is not None)  # the page as the officer sees it
    queue.counter_combo.setCurrentIndex(queue.counter_combo.findData(COUNTER))  # chosen once
    hands.wait_until(lambda: day.tasks.pending == 0)
    yield Step("desk_queue", desk)

    first = day.tickets[1]
    day.press("call_next")
    hands.wait_until(lambda: display.current_texts[:1] == [f"{first.ticket.number} → Guichet 1"])
    yield Step("desk_called", desk)
    yield Step("display_called", display)

    day.press("start")
    hands.click(queue.intake_button)
    wizard = day.wizard
    hands.wait_until(lambda: wizard.fields["needs"].value() is not None)  # what the kiosk knew
    yield Step("intake_prefilled", desk)

    while wizard.current_section < wizard.person_section:
        day.fill_page(TODAY)
        day.next_page()
    day.fill_page(TODAY)
    hands.click(wizard.next_button)  # leaving the person's page looks her up
    hands.wait_until(lambda: wizard.duplicates.isVisible() and not wizard.busy)
    yield Step("intake_known_person", desk)

    looking = day.when_shown(PersonReuseDialog, day.reuse_known_person)
    hands.click(wizard.duplicates.use_button)
    hands.wait_until(lambda: wizard.current_section == wizard.person_section + 1)
    looking.stop()
    assert day.reuse is not None
    yield Step("intake_reuse", wizard, day.reuse.picture)

    while not wizard.on_last_section:
        day.fill_page(TODAY)
        day.next_page()
    yield Step("intake_needs", desk)
    assert desk.main_page is not None
    cases = desk.main_page.cases_page
    (day.saved,) = day.wait_for(cases.intake_finished, lambda: hands.click(wizard.save_button))
    page = day.case_page
    hands.wait_until(lambda: page.detail is not None and page.isVisible())
    yield Step("case", desk)

    hands.click(page.refer_button)
    dialog = page.referral_dialog
    assert isinstance(dialog, ReferralDialog)
    dialog.need_combo.setCurrentIndex(dialog.need_combo.findData("health"))
    directory = dialog.directory
    hands.wait_until(lambda: not directory.searching and directory.results.count() > 0)
    day.wait_for(directory.card_shown, lambda: day.click_row(directory.results, 0))
    (day.referral,) = day.wait_for(
        dialog.referral_created, lambda: hands.click(dialog.create_button)
    )
    yield Step("referral_dialog", dialog)
    hands.key(dialog, Qt.Key.Key_Escape)
    hands.wait_until(lambda: page.referrals.count() == 1)
    day.click_row(page.referrals, 0)
    hands.click(page.slip_button)
    hands.wait_until(lambda: page.message and day.tasks.pending == 0)
    yield Step("case_slip", desk)

    day.open_section("printing")
    spool = day.page("printing", SpoolPage)
    hands.wait_until(
        lambda: any(job.kind == "slip" and job.state is PRINTED for job in spool.jobs or ())
    )
    spool.select_job(next(job.id for job in spool.jobs or () if job.kind == "slip"))
    hands.wait_until(lambda: not spool.preview_label.pixmap().isNull())
    yield Step("desk_printing", desk)

    day.open_section("queue")
    day.press("done")
    second = day.tickets[0]
    day.press("call_next")
    hands.wait_until(lambda: display.current_texts[:1] == [f"{second.ticket.number} → Guichet 1"])
    yield Step("desk_called_second", desk)
    yield Step("display_called_second", display)
    day.press("start")
    day.press("done")
    yield Step("desk_queue_empty", desk)

    day.log_out()
    day.log_in(*SUPERVISOR, language)
    day.open_section("reports")
    reports = day.page("reports", ReportsPage)
    hands.wait_until(lambda: reports.report is not None and day.tasks.pending == 0)
    yield Step("desk_report", desk)


def _named(prefix: str, steps: Iterator[Step]) -> Iterator[Step]:
    for step in steps:
        yield Step(f"{step.name}_{prefix}", step.window, step.picture)
