"""One case: who, its needs, a timeline of everything in order, and what the officer does next.

Every read and write runs on the worker (``kiosk.cases.work``); the page reads the case again
after each of its own writes and whenever the database changes elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.accounts import Permission, has_permission
from kiosk.cases import work as case_work
from kiosk.clock import office_time
from kiosk.directory.profile import commune_label
from kiosk.erasure import Erased, erase, restrict
from kiosk.forms.countries import country_name
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from kiosk.persons.export import export_person
from kiosk.retention import hold
from printing.jobs import SlipQueued, print_slip_message
from printing.person_export import write_person_pdf
from ui.accessibility import announce, name_tab_scrollers, name_widget
from ui.case_dialogs import (
    CloseCaseDialog,
    EraseDialog,
    HoldDialog,
    LiftDialog,
    NeedNotMetDialog,
    OutcomeDialog,
    RestrictDialog,
    office_date,
)
from ui.case_itinerary import ItineraryPanel
from ui.intake_duplicates import display_name
from ui.language import LanguageState, isolate
from ui.print_fallback import show_slip_not_printed
from ui.styles import named, text_scale
from ui.tasks import Follow, FollowingWidget, Tasks

OPEN_REFERRAL_STATES = ("created", "sent", "accepted")


def local_time(stamp: str | None) -> str:
    """An ISO moment (naive means UTC) as the office's local date and time.

    The text is isolated left to right, so that an Arabic line keeps "date time" in order.
    """
    if not stamp:
        return ""
    return "\u2066" + office_time(datetime.fromisoformat(stamp), "%Y-%m-%d %H:%M") + "\u2069"


def field_names(fields: list[str], tr: Translator) -> str:
    """The names of a person's fields, listed in the officer's language."""
    comma = "\u060c " if tr.language == "ar" else ", "
    return comma.join(tr(f"desk.person_field.{field}") for field in fields)


def need_text(need: dict[str, Any], tr: Translator) -> str:
    """One need with its state (and why it was not met) in the officer's language."""
    name = tr(f"directory.category.{need['need']}")
    state = tr(f"desk.need_state.{need['state']}")
    if need.get("reason"):
        reason = tr(f"desk.need_reason.{need['reason']}")
        return tr("desk.case.need_line_reason", need=name, state=state, reason=reason)
    return tr("desk.case.need_line", need=name, state=state)


def timeline_text(item: dict[str, Any], tr: Translator) -> str:
    """The detail of one timeline line in the officer's language."""
    kind, text = item["kind"], item.get("text") or ""
    if kind == "person_corrected":
        when = "\u2066" + office_time(datetime.fromisoformat(item["at"]), "%H:%M") + "\u2069"
        line = tr(
            "desk.timeline.corrected",
            author=isolate(item["author"]),
            time=when,
            fields=field_names(item["fields"], tr),
        )
        if item.get("reason"):
            return tr("desk.timeline.corrected_reason", line=line, reason=isolate(item["reason"]))
        return line
    if kind == "intake":
        return tr(f"desk.timeline.consent_{text}")
    if kind == "closed":
        return tr(f"desk.close_reason.{text}") if text else ""
    if kind == "step_skipped" and item.get("reason"):
        return " — ".join([text, tr(f"desk.step_skip_reason.{item['reason']}")])
    if kind.startswith("need_"):
        reason = item.get("reason")
        need = tr(f"directory.category.{text}")
        return " — ".join([need, tr(f"desk.need_reason.{reason}")]) if reason else need
    if kind.startswith("referral_"):
        extra = [part for part in (item.get("reason"), item.get("detail")) if part]
        if item.get("reason") and kind == "referral_declined":
            extra[0] = tr(f"desk.decline_reason.{item['reason']}")
        if item.get("source") == "phone":
            extra.append(tr("desk.timeline.by_phone"))
        return " — ".join([text, *extra])
    return text


def ask_export_path(parent: QWidget, language: LanguageState, name: str) -> str:
    """Ask where to save a person's export (the documents folder first, a PDF unless the
    officer picks JSON); "" when the officer cancels."""
    tr = language.translator
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, chosen = QFileDialog.getSaveFileName(
        parent,
        tr("desk.case.export_title"),
        str(Path(folder) / f"{name}.pdf"),
        ";;".join((tr("desk.case.export_pdf"), tr("desk.case.export_json"))),
    )
    if path and not Path(path).suffix:
        path += ".json" if chosen == tr("desk.case.export_json") else ".pdf"
    return path


CASE_TABLES = frozenset(
    {
        "person",
        "person_change",
        "case",
        "case_entry",
        "case_need",
        "case_need_event",
        "accompaniment_step",
        "case_itinerary",
        "referral",
        "referral_event",
        "visit",
        "intake",
    }
)
"""The tables a case page shows."""


class CasePage(FollowingWidget):
    """The case: header, needs, timeline, steps and referrals, and the officer's actions.

    Signals:
        case_loaded(str): the case was read and shown; carries its id.
        intake_requested(str): a new intake for this case's person; carries the person id.
        done(): the officer goes back to the search.
        erased(str, bool): the case's person was erased; carries the case's code and whether
            anonymous facts were kept (the case is then anonymous, else gone).

    ``sync_soon`` (None when the desk does not sync) is called once a referral is saved.
    """

    case_loaded = Signal(str)
    intake_requested = Signal(str)
    done = Signal()
    erased = Signal(str, bool)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sync_soon: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self._now = now
        self.sync_soon = sync_soon
        self.choose_export_path: Callable[[QWidget, LanguageState, str], str] = ask_export_path
        self.case_id: str | None = None
        self.detail: dict[str, Any] | None = None
        self.referral_dialog: QWidget | None = None
        self.not_printed: QWidget | None = None  # the slip no printer could take
        self._message: tuple[str, dict[str, Any]] | None = None
        self._build()
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.follow = Follow(self, tasks, CASE_TABLES, self.refresh)
        language.language_changed.connect(self.follow.changed)  # services named anew

    def _build(self) -> None:
        self.back_button = named(QPushButton(), "caseBack")
        self.header_label = named(QLabel(), "pageTitle")
        self.person_label = named(QLabel(wordWrap=True), "casePerson")
        self.suggestion = named(QFrame(), "needSuggestion")
        self.suggestion_label = named(QLabel(wordWrap=True), "needSuggestionText")
        self.suggestion_button = named(QPushButton(), "confirmNeedMet")
        suggestion_layout = QHBoxLayout(self.suggestion)
        suggestion_layout.addWidget(self.suggestion_label, 1)
        suggestion_layout.addWidget(self.suggestion_button)
        self.suggestion.hide()
        self._suggested: str | None = None
        # the person's wish about calls, on the header's row: every officer may record it
        self.no_call_button = named(QPushButton(), "noCall")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.header_label, 1)
        top.addWidget(self.no_call_button)
        self.needs_title = named(QLabel(), "caseHeading")
        self.needs = named(QListWidget(), "caseNeeds")
        self.needs.setWordWrap(True)
        self.needs.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.need_met_button = named(QPushButton(), "needMet")
        self.need_not_met_button = named(QPushButton(), "needNotMet")
        self.need_open_button = named(QPushButton(), "needOpen")
        need_actions = QHBoxLayout()
        for button in (self.need_met_button, self.need_not_met_button, self.need_open_button):
            need_actions.addWidget(button)
        self.timeline_title = named(QLabel(), "caseHeading")
        self.timeline = named(QTreeWidget(), "caseTimeline")
        self.timeline.setColumnCount(3)
        self.timeline.setRootIsDecorated(False)
        self.timeline.setWordWrap(True)
        self._fit_timeline()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.needs_title)
        left_layout.addWidget(self.needs)
        left_layout.addLayout(need_actions)
        left_layout.addWidget(self.timeline_title)
        left_layout.addWidget(self.timeline, 1)
        self.needs_title.setBuddy(self.needs)  # each list is named after its heading
        self.timeline_title.setBuddy(self.timeline)
        self.steps_title = named(QLabel(), "caseHeading")
        self.steps = named(QListWidget(), "caseSteps")
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.step_done_button = named(QPushButton(), "stepDone")
        self.referrals_title = named(QLabel(), "caseHeading")
        self.referrals = named(QListWidget(), "caseReferrals")
        self.referrals.setWordWrap(True)
        self.referrals.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.steps_title, self.steps, self.step_done_button):
            right_layout.addWidget(widget)
        self.slip_button = named(QPushButton(), "caseSlip")
        right_layout.addWidget(self.referrals_title)
        right_layout.addWidget(self.referrals)
        right_layout.addWidget(self.slip_button)
        self.steps_title.setBuddy(self.steps)
        self.referrals_title.setBuddy(self.referrals)
        for view in (self.steps, self.referrals):  # with the tabs' bar, 800 pixels hold
            view.setMinimumHeight(2 * view.fontMetrics().lineSpacing() + 8)
        self.itinerary = ItineraryPanel(self._language)
        self.side_tabs = named(QTabWidget(), "caseSideTabs")
        self.side_tabs.addTab(self.itinerary, "")
        self.side_tabs.addTab(right, "")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.side_tabs)
        splitter.setSizes([640, 360])
        splitter.setChildrenCollapsible(False)

        self.entry_label = QLabel()
        self.entry_kind = named(QComboBox(), "entryKind")
        self.entry_label.setBuddy(self.entry_kind)  # "write:" names the kind chosen
        self.entry_kind.addItem("", "information")
        self.entry_kind.addItem("", "note")
        self.entry_edit = named(QLineEdit(), "entryText")
        self.entry_edit.setMaxLength(500)
        self.entry_button = named(QPushButton(), "addEntry")
        self.reminder_label = named(QLabel(wordWrap=True), "sensitiveReminder")
        self.step_label = QLabel()
        self.step_edit = named(QLineEdit(), "stepText")
        self.step_edit.setMaxLength(200)
        self.due_label = QLabel()
        self.due_edit = named(QDateEdit(), "stepDue")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.step_button = named(QPushButton(), "addStep")
        self.step_label.setBuddy(self.step_edit)
        self.due_label.setBuddy(self.due_edit)
        entry = QHBoxLayout()
        entry.setContentsMargins(0, 0, 0, 0)
        entry.addWidget(self.entry_label)
        entry.addWidget(self.entry_kind)
        grid = QGridLayout()
        grid.addLayout(entry, 0, 0)
        grid.addWidget(self.entry_edit, 0, 1, 1, 3)
        grid.addWidget(self.entry_button, 0, 4)
        grid.addWidget(self.reminder_label, 1, 0, 1, 5)
        grid.addWidget(self.step_label, 2, 0)
        grid.addWidget(self.step_edit, 2, 1)
        grid.addWidget(self.due_label, 2, 2)
        grid.addWidget(self.due_edit, 2, 3)
        grid.addWidget(self.step_button, 2, 4)
        grid.setColumnStretch(1, 1)

        self.refer_button = named(QPushButton(), "referButton")
        self.outcome_button = named(QPushButton(), "outcomeButton")
        self.close_button = named(QPushButton(), "closeCase")
        self.reopen_button = named(QPushButton(), "reopenCase")
        self.intake_button = named(QPushButton(), "newVisit")
        self.export_button = named(QPushButton(), "exportPerson")
        self.export_button.setVisible(has_permission(self._actor, Permission.EXPORT_PERSONS))
        self.restrict_button = named(QPushButton(), "restrictPerson")
        self.hold_button = named(QPushButton(), "holdCase")
        self.erase_button = named(QPushButton(), "erasePerson")
        supervisor = has_permission(self._actor, Permission.ERASE_PERSONS)
        actions = QHBoxLayout()
        for button in (
            self.refer_button,
            self.outcome_button,
            self.intake_button,
            self.close_button,
            self.reopen_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        # the supervisor's acts on the person's record, on a row of their own: with the
        # officer's, they would not fit a 1280-pixel screen in Arabic or Tamazight
        record_actions = QHBoxLayout()
        for button in (
            self.export_button,
            self.restrict_button,
            self.hold_button,
            self.erase_button,
        ):
            record_actions.addWidget(button)
        for button in (self.restrict_button, self.hold_button, self.erase_button):
            button.setVisible(supervisor)
        record_actions.addStretch(1)
        self.message_label = named(QLabel(wordWrap=True), "caseMessage")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.person_label)
        layout.addWidget(self.suggestion)
        layout.addWidget(splitter, 1)
        layout.addLayout(grid)
        layout.addLayout(actions)
        layout.addLayout(record_actions)
        layout.addWidget(self.message_label)

        self.back_button.clicked.connect(self.done)
        self.entry_button.clicked.connect(self.on_add_entry_clicked)
        self.entry_edit.returnPressed.connect(self.on_add_entry_clicked)
        self.step_button.clicked.connect(self.on_add_step_clicked)
        self.step_done_button.clicked.connect(self.on_step_done_clicked)
        self.slip_button.clicked.connect(self.on_slip_clicked)
        self.steps.itemActivated.connect(lambda _item: self.on_step_done_clicked())
        self.refer_button.clicked.connect(lambda: self.on_refer_clicked())
        self.outcome_button.clicked.connect(self.on_outcome_clicked)
        self.close_button.clicked.connect(self.on_close_clicked)
        self.reopen_button.clicked.connect(self.on_reopen_clicked)
        self.intake_button.clicked.connect(self.on_intake_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.restrict_button.clicked.connect(self.on_restrict_clicked)
        self.hold_button.clicked.connect(self.on_hold_clicked)
        self.erase_button.clicked.connect(self.on_erase_clicked)
        self.no_call_button.clicked.connect(self.on_no_call_clicked)
        self.needs.currentRowChanged.connect(lambda _row: self._enable_need_buttons())
        self.itinerary.start_requested.connect(self.on_itinerary_start)
        self.itinerary.replan_requested.connect(self.on_itinerary_replan)
        self.itinerary.step_requested.connect(self.on_itinerary_step)
        self.itinerary.refer_requested.connect(self.on_itinerary_refer)
        self.need_met_button.clicked.connect(lambda: self.on_need_clicked("met"))
        self.need_not_met_button.clicked.connect(lambda: self.on_need_clicked("not_met"))
        self.need_open_button.clicked.connect(lambda: self.on_need_clicked("open"))
        self.suggestion_button.clicked.connect(self.on_suggestion_confirmed)

    def _fit_timeline(self) -> None:
        """The timeline's date and kind columns, wider with the desk's text."""
        scale = text_scale(self)
        self.timeline.setColumnWidth(0, round(130 * scale))
        self.timeline.setColumnWidth(1, round(190 * scale))

    def changeEvent(self, event: QEvent) -> None:
        """The desk's text size changed: the timeline's columns follow it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "timeline"):
            self._fit_timeline()

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        self.back_button.setText(tr("desk.case.back"))
        self.timeline_title.setText(tr("desk.case.timeline"))
        self.timeline.setHeaderLabels(
            [
                tr("desk.case.column_when"),
                tr("desk.case.column_what"),
                tr("desk.case.column_detail"),
            ]
        )
        self.needs_title.setText(tr("desk.case.needs_title"))
        self.need_met_button.setText(tr("desk.case.need_met"))
        self.need_not_met_button.setText(tr("desk.case.need_not_met"))
        self.need_open_button.setText(tr("desk.case.need_open"))
        self.suggestion_button.setText(tr("desk.case.confirm_met"))
        self.side_tabs.setTabText(0, tr("desk.itinerary.tab"))
        self.side_tabs.setTabText(1, tr("desk.itinerary.others_tab"))
        name_tab_scrollers(self.side_tabs)
        self.steps_title.setText(tr("desk.case.steps"))
        self.step_done_button.setText(tr("desk.case.step_done"))
        self.referrals_title.setText(tr("desk.case.referrals"))
        self.slip_button.setText(tr("desk.referral.print_slip"))
        self.entry_kind.setItemText(0, tr("desk.case.add_information"))
        self.entry_kind.setItemText(1, tr("desk.case.add_note"))
        self.entry_edit.setPlaceholderText(tr("desk.case.entry_placeholder"))
        self.entry_label.setText(tr("desk.case.entry_kind"))
        name_widget(self.entry_kind, tr("desk.case.entry_kind"))
        name_widget(self.entry_edit, tr("desk.case.entry_text"))
        self.entry_button.setText(tr("desk.case.write"))
        self._show_no_call((self.detail or {}).get("person") or {})
        self.reminder_label.setText(tr("desk.case.sensitive_reminder"))
        self.step_label.setText(tr("desk.case.new_step"))
        self.step_edit.setPlaceholderText(tr("desk.case.step_placeholder"))
        self.due_label.setText(tr("desk.case.due_on"))
        self.step_button.setText(tr("desk.case.plan_step"))
        self.refer_button.setText(tr("desk.case.refer"))
        self.outcome_button.setText(tr("desk.case.outcome"))
        self.close_button.setText(tr("desk.case.close"))
        self.reopen_button.setText(tr("desk.case.reopen"))
        self.intake_button.setText(tr("desk.case.new_visit"))
        self.export_button.setText(tr("desk.case.export"))
        self.erase_button.setText(tr("desk.case.erase"))
        self._show_detail()
        self._show_message()

    # --- reading -------------------------------------------------------------------------

    def load(self, case_id: str) -> None:
        """Read case ``case_id`` (on the worker) and show it."""
        if case_id != self.case_id:
            self.detail = None
            self._set_message(None)
        self.case_id = case_id
        self.due_edit.setDate(office_date(7))
        self.follow.stale = False  # read now, not again when the page is shown
        self._read(self._actor)

    def refresh(self) -> None:
        """Read the case shown again (not audited: the officer opened it already)."""
        self._read(None)

    def _read(self, reader: Actor | None) -> None:
        """Read the case on the worker; a ``reader`` opening it is audited."""
        if self.case_id is None:
            return
        language = self._language.code
        work = partial(
            case_work.read_case, self._context, self.case_id, self._now(), language, reader
        )
        case_id = self.case_id
        self._tasks.run(
            work,
            partial(self.on_case_read, case_id),
            partial(self.on_failed, case_id),
            latest="case page",
        )

    def on_case_read(self, case_id: str, detail: dict[str, Any]) -> None:
        """Show the case just read."""
        self.detail = detail
        self._show_detail()
        self.case_loaded.emit(case_id)

    def _show_detail(self) -> None:
        tr, code = self._language.translator, self._language.code
        detail = self.detail
        if detail is None:
            self.header_label.setText(tr("desk.loading"))
            self.restrict_button.setText(tr("desk.case.restrict"))
            self.hold_button.setText(tr("desk.case.hold"))
            return
        person = detail.get("person") or {}
        name = display_name(person, tr)
        status = tr(f"desk.case.status_{detail['status']}")
        self.header_label.setText(
            tr("desk.case.header", code=detail["code"], name=isolate(name), status=status)
        )
        facts = [
            tr(f"desk.case.{kind}", reason=tr(f"desk.case.reason.{reason}"))
            for kind, reason in (("restricted", person.get("restricted")), ("held", detail["held"]))
            if reason
        ]
        if person.get("category"):
            facts.append(tr(f"desk.case.category_{person['category']}"))
        if person.get("birth_year"):
            facts.append(tr("desk.cases.born", year=person["birth_year"]))
        if person.get("nationality"):
            facts.append(country_name(person["nationality"], code))
        commune = person.get("commune") or ""
        no_call = bool(person.get("no_call"))
        facts += [
            commune_label(commune, code) if commune else "",
            "\u2066" + (person.get("phone") or "") + "\u2069",
            tr("desk.case.no_call_mark") if no_call else "",
        ]
        self._show_no_call(person)
        self.person_label.setText(" · ".join(f for f in facts if f.strip("\u2066\u2069")))
        self._show_needs(detail["needs"])
        self.timeline.clear()
        for item in detail["timeline"]:
            row = QTreeWidgetItem(
                [
                    local_time(item["at"]),
                    tr(f"desk.timeline.{item['kind']}"),
                    timeline_text(item, tr),
                ]
            )
            row.setToolTip(2, row.text(2))
            self.timeline.addTopLevelItem(row)
        self.itinerary.show_case(detail)
        self.steps.clear()
        for step in detail["steps"]:
            if step["itinerary_id"]:
                continue  # on the itinerary's tab
            done = tr("desk.case.done_mark") if step["done_at"] else ""
            due = "\u2066" + step["due_on"] + "\u2069"
            item = QListWidgetItem(f"{due} — {isolate(step['description'])} {done}".strip())
            item.setData(Qt.ItemDataRole.UserRole, step["step_id"])
            if step["done_at"]:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.steps.addItem(item)
        self.referrals.clear()
        for referral in detail["referrals"]:
            state = tr(f"desk.referral_state.{referral['state']}")
            late = " ⚠ " + tr("desk.home.overdue") if referral["overdue"] else ""
            service = isolate(referral["service"])
            item = QListWidgetItem(f"{referral['code']} — {service} — {state}{late}")
            item.setData(Qt.ItemDataRole.UserRole, referral["code"])
            if referral["state"] not in OPEN_REFERRAL_STATES:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.referrals.addItem(item)
        is_open = detail["status"] == "open"
        for widget in (self.entry_button, self.step_button, self.refer_button, self.close_button):
            widget.setEnabled(is_open)
        self.outcome_button.setEnabled(
            any(r["state"] in OPEN_REFERRAL_STATES for r in detail["referrals"])
        )
        self.reopen_button.setVisible(not is_open)
        self.close_button.setVisible(is_open)
        restricted = bool((detail.get("person") or {}).get("restricted"))
        self.restrict_button.setText(
            tr("desk.case.unrestrict" if restricted else "desk.case.restrict")
        )
        self.hold_button.setText(tr("desk.case.release" if detail["held"] else "desk.case.hold"))
        self._enable_need_buttons()

    def _show_needs(self, needs: list[dict[str, Any]]) -> None:
        """The needs with their states, the one chosen kept chosen, and the first open need
        a service reported done as a suggestion the officer confirms."""
        tr = self._language.translator
        chosen = self._chosen_need()
        self.needs.clear()
        for need in needs:
            item = QListWidgetItem(need_text(need, tr))
            item.setData(Qt.ItemDataRole.UserRole, need)
            self.needs.addItem(item)
            if need["need"] == chosen:
                self.needs.setCurrentItem(item)
        # Up to three needs seen without scrolling where there is room, two at least: the
        # timeline keeps the height left (an Arabic case page at 1280x800 is tight).
        row, frame = max(self.needs.sizeHintForRow(0), 20), 2 * self.needs.frameWidth()
        self.needs.setMaximumHeight(max(1, min(len(needs), 3)) * row + frame)
        self.needs.setMinimumHeight(max(1, min(len(needs), 2)) * row + frame)
        suggested = next((need for need in needs if need.get("suggest_met")), None)
        self._suggested = suggested["need"] if suggested else None
        if suggested is not None:
            self.suggestion_label.setText(
                tr(
                    "desk.case.suggest_met",
                    code=isolate(suggested["suggest_met"]),
                    need=tr(f"directory.category.{suggested['need']}"),
                )
            )
        self.suggestion.setVisible(suggested is not None)

    def _chosen_need(self) -> str | None:
        item = self.needs.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)["need"]) if item is not None else None

    def _enable_need_buttons(self) -> None:
        """A need's state can change only on an open case, to another state than its own."""
        item = self.needs.currentItem()
        is_open = self.detail is not None and self.detail["status"] == "open"
        state = item.data(Qt.ItemDataRole.UserRole)["state"] if item is not None else None
        for button, target in (
            (self.need_met_button, "met"),
            (self.need_not_met_button, "not_met"),
            (self.need_open_button, "open"),
        ):
            button.setEnabled(is_open and state is not None and state != target)
        self.suggestion_button.setEnabled(is_open)

    # --- writing -------------------------------------------------------------------------

    def _write(self, work: Callable[[], object], done_key: str | None = None) -> None:
        """Run ``work``; then say ``done_key``, or the message key ``work`` returned."""
        case_id = self.case_id
        self._tasks.run(
            work, partial(self.on_written, case_id, done_key), partial(self.on_failed, case_id)
        )

    def on_written(self, case_id: str | None, done_key: str | None, result: object = None) -> None:
        """A write went through: say so (the case is read again as it changed)."""
        if case_id != self.case_id:
            return
        self._set_message(done_key or str(result))

    def on_failed(self, case_id: str | None, error: BaseException) -> None:
        """Say what went wrong with case ``case_id``, if it is still the one shown."""
        if case_id == self.case_id:
            self._set_message("desk.case.failed", detail=error)

    def on_add_entry_clicked(self) -> None:
        """Write the information given or the note typed."""
        text = self.entry_edit.text().strip()
        if not text or self.case_id is None:
            return
        kind = str(self.entry_kind.currentData())
        self.entry_edit.clear()
        work = partial(case_work.write_entry, self._context, self._actor, self.case_id, kind, text)
        self._write(work, "desk.case.entry_added")

    def on_add_step_clicked(self) -> None:
        """Plan the step typed for the day chosen."""
        text = self.step_edit.text().strip()
        if not text or self.case_id is None:
            return
        day = self.due_edit.date()
        self.step_edit.clear()
        due = date(day.year(), day.month(), day.day())
        work = partial(case_work.write_step, self._context, self._actor, self.case_id, text, due)
        self._write(work, "desk.case.step_planned")

    def on_step_done_clicked(self) -> None:
        """Mark the chosen step done."""
        item = self.steps.currentItem()
        if item is None:
            self._set_message("desk.case.choose_step")
            return
        step_id = str(item.data(Qt.ItemDataRole.UserRole))
        self._write(
            partial(case_work.finish_step, self._context, self._actor, step_id),
            "desk.case.step_marked",
        )

    def on_need_clicked(self, state: str) -> None:
        """Mark the chosen need ``state``; not met asks why."""
        need = self._chosen_need()
        if need is None or self.case_id is None:
            self._set_message("desk.case.choose_need")
            return
        reason = ""
        if state == "not_met":
            reason = NeedNotMetDialog.ask(self, self._language) or ""
            if not reason:
                return
        self._mark_need(need, state, reason)

    def on_suggestion_confirmed(self) -> None:
        """The officer confirms the suggestion: the need a service reported done was met."""
        if self._suggested is not None:
            self._mark_need(self._suggested, "met")

    def _mark_need(self, need: str, state: str, reason: str = "") -> None:
        if self.case_id is None:
            return
        work = partial(
            case_work.set_need_state,
            self._context,
            self._actor,
            self.case_id,
            need,
            state,
            reason,
        )
        self._write(work, "desk.case.need_marked")

    def on_itinerary_start(self, need: str, template: str) -> None:
        """Start a template on a need of the case."""
        self._apply_itinerary(need, template, "desk.itinerary.started")

    def on_itinerary_replan(self, need: str) -> None:
        """Plan a need's itinerary again with today's facts (a deadline that passed)."""
        view = self.itinerary.itinerary
        if view is not None:
            self._apply_itinerary(need, view["template"], "desk.itinerary.updated")

    def _apply_itinerary(self, need: str, template: str, done_key: str) -> None:
        if self.case_id is None:
            return
        work = partial(
            case_work.apply_itinerary,
            self._context,
            self._actor,
            self.case_id,
            need,
            template,
            now=self._now(),
            language=self._language.code,
        )
        self._write(work, done_key)

    def on_itinerary_step(self, step_id: str, reason: str) -> None:
        """Mark a step of an itinerary done, or skipped for ``reason``."""
        if self.case_id is None:
            return
        work = partial(
            case_work.step_done,
            self._context,
            self._actor,
            self.case_id,
            step_id,
            reason,
            now=self._now(),
            language=self._language.code,
        )
        self._write(work, "desk.itinerary.step_marked")

    def on_itinerary_refer(self, step: dict[str, Any]) -> None:
        """Refer for a step: the referral dialog with its need, its service's category and
        its priority chosen."""
        service = step["service"]
        self.on_refer_clicked(step["need"], service["category"], service["priority"])

    def on_slip_clicked(self) -> None:
        """Print the slip of the chosen referral again (or for the first time)."""
        item = self.referrals.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self._set_message("desk.case.choose_referral")
            return
        code = str(item.data(Qt.ItemDataRole.UserRole))
        case_id = self.case_id
        work = partial(print_slip_message, self._context, self._actor, code)
        self._tasks.run(
            work, partial(self.on_slip_queued, case_id), partial(self.on_failed, case_id)
        )

    def on_slip_queued(self, case_id: str | None, queued: SlipQueued) -> None:
        """Say that the slip went to the printer; when no printer could take it, say why and
        offer it on A4 or as a PDF."""
        if case_id != self.case_id:
            return
        self._set_message(queued.message)
        if queued.unprintable:
            self.not_printed = show_slip_not_printed(
                self._context, self._language, self._actor, self._tasks, queued, self
            )

    def on_refer_clicked(
        self, need: str | None = None, category: str | None = None, priority: str = "normal"
    ) -> None:
        """Open the referral dialog for this case (for ``need``, the directory showing
        ``category``, with ``priority`` chosen, when a step of an itinerary asks)."""
        from ui.referral_dialog import ReferralDialog

        if self.detail is None:
            return
        dialog = ReferralDialog(
            self._context,
            self._language,
            self._actor,
            self._tasks,
            self.detail,
            self,
            sync_soon=self.sync_soon,
        )
        if need is not None:
            dialog.choose(need, category or need, priority)
        dialog.referral_created.connect(lambda _code: self.refresh())
        dialog.slip_printed.connect(lambda _summary: self.refresh())
        self.referral_dialog = dialog
        dialog.open()

    def on_outcome_clicked(self) -> None:
        """Record what a service said by phone."""
        if self.detail is None:
            return
        open_ones = [r for r in self.detail["referrals"] if r["state"] in OPEN_REFERRAL_STATES]
        answer = OutcomeDialog.ask(self, self._language, open_ones)
        if answer:
            work = partial(case_work.set_referral_state, self._context, self._actor, **answer)
            self._write(work, "desk.case.outcome_recorded")

    def on_close_clicked(self) -> None:
        """Close the case, with a reason."""
        reason = CloseCaseDialog.ask(self, self._language)
        if reason and self.case_id:
            work = partial(case_work.close_case, self._context, self._actor, self.case_id, reason)
            self._write(work, "desk.case.closed")

    def on_reopen_clicked(self) -> None:
        """Open the case again."""
        if self.case_id:
            work = partial(case_work.reopen_case, self._context, self._actor, self.case_id)
            self._write(work, "desk.case.reopened")

    def on_restrict_clicked(self) -> None:
        """Restrict the person (hidden from search and lists), or lift it, with a reason."""
        person = (self.detail or {}).get("person") or {}
        if not person.get("person_id"):
            return
        lift = bool(person.get("restricted"))
        reason = (LiftDialog if lift else RestrictDialog).ask(self, self._language)
        if reason:
            person_id = uuid.UUID(person["person_id"])
            work = partial(restrict, self._context, self._actor, person_id, reason, lift=lift)
            self._write(work, "desk.case.restriction_changed")

    def _show_no_call(self, person: dict[str, Any]) -> None:
        """The "do not call" button says what a press would do to the person shown."""
        tr = self._language.translator
        no_call = bool(person.get("no_call"))
        self.no_call_button.setText(tr("desk.case.allow_calls" if no_call else "desk.case.no_call"))
        self.no_call_button.setEnabled(bool(person.get("person_id")))

    def on_no_call_clicked(self) -> None:
        """The person asks not to be called (or may be called again)."""
        person = (self.detail or {}).get("person") or {}
        if not person.get("person_id"):
            return
        wanted = not person.get("no_call")
        work = partial(
            case_work.set_no_call, self._context, self._actor, person["person_id"], wanted
        )
        self._write(work, "desk.case.no_call_changed")

    def on_hold_clicked(self) -> None:
        """Hold the case from the retention schedule, with a reason, or release it."""
        if self.case_id is None or self.detail is None:
            return
        reason = None
        if not self.detail["held"]:
            reason = HoldDialog.ask(self, self._language)
            if reason is None:
                return
        work = partial(hold, self._context, self._actor, self.case_id, reason)
        self._write(work, "desk.case.hold_changed")

    def on_erase_clicked(self) -> None:
        """Erase the person, once the supervisor chose a reason and confirmed."""
        person = (self.detail or {}).get("person") or {}
        if not person.get("person_id") or self.detail is None:
            return
        name, code = display_name(person, self._language.translator), self.detail["code"]
        reason = EraseDialog.ask(self, self._language, isolate(name), isolate(code))
        if not reason:
            return
        person_id = uuid.UUID(person["person_id"])
        work = partial(erase, self._context, self._actor, person_id, reason)
        case_id = self.case_id
        self._tasks.run(
            work, partial(self.on_erased, case_id, code), partial(self.on_failed, case_id)
        )

    def on_erased(self, case_id: str | None, code: str, erased: Erased) -> None:
        """The person is gone: leave their case (deleted, or kept anonymous) for the search."""
        if case_id != self.case_id:
            return
        self.case_id, self.detail = None, None
        self._set_message(None)
        self.erased.emit(code, erased.facts_kept)

    def on_intake_clicked(self) -> None:
        """A new visit of this person: the intake, with the person known."""
        person = (self.detail or {}).get("person") or {}
        if person.get("person_id"):
            self.intake_requested.emit(person["person_id"])

    def on_export_clicked(self) -> None:
        """Ask where, then write everything the office holds about the case's person there,
        in the person's language (a supervisor's act: the core refuses anyone else)."""
        person = (self.detail or {}).get("person") or {}
        if not person.get("person_id") or self.detail is None:
            return
        path = self.choose_export_path(self, self._language, self.detail["code"])
        if not path:
            return
        work = partial(
            export_person,
            self._context,
            self._actor,
            person["person_id"],
            Path(path),
            pdf_writer=write_person_pdf,
        )
        case_id = self.case_id
        self._tasks.run(work, partial(self.on_exported, case_id), partial(self.on_failed, case_id))

    def on_exported(self, case_id: str | None, answer: dict[str, str]) -> None:
        """Say where the export is."""
        if case_id == self.case_id:
            self._set_message("desk.case.exported", path=f"\u2066{answer['path']}\u2069")

    def _set_message(self, key: str | None, **params: Any) -> None:
        self._message = (key, params) if key else None
        self._show_message()
        announce(self, self.message_label.text(), urgent=key == "desk.case.failed")

    def _show_message(self) -> None:
        if self._message is None:
            self.message_label.clear()
        else:
            self.message_label.setText(
                self._language.translator(self._message[0], **self._message[1])
            )

    @property
    def message(self) -> str:
        """The message shown under the actions."""
        return self.message_label.text()
