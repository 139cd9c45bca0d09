"""The intake wizard: one section of the form a page, checked as the officer goes.

The form is data (``resources/forms/intake.yaml``, read by ``kiosk.forms``): this module
only lays it out. Labels, hints and messages are in the officer's language; relevance is
applied live (a visitor who refuses a record is asked only the anonymous statistical
fields); a field is checked when the officer leaves it, and the whole page on Next, which
stays blocked while the page has errors. The answers are saved as a draft a second after
the last keystroke (on the worker), so a lock, a crash or a restart loses nothing.

Leaving the person's page with Next looks for the person among those known (and Save does
again if the person's answers changed since): a likely same person is offered to use or
not; using a known person shows its record and the answers side by side
(``ui.person_reuse``), and only the fields the officer picks change.

Keyboard: Enter, Page Down or Alt+→ go on; Page Up or Alt+← go back (mirrored in Arabic);
Ctrl+S saves on the last page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.audit import CONSENT_NOTICE_PRINT, record_read
from kiosk.cases.drafts import DraftState, discard_draft, store_draft
from kiosk.cases.intake import (
    DUPLICATE_KEYS,
    PERSON_FIELDS,
    IntakeInvalid,
    SavedIntake,
    find_duplicates,
    person_differences,
    save_intake,
)
from kiosk.clock import office_time
from kiosk.forms import FormDefinition, load_form, validate_answers
from kiosk.forms.validate import relevant_keys, validate_one
from kiosk.office import OfficeContext
from ui.accessibility import announce, name_widget, spoken
from ui.consent_notice import ConsentNoticeDialog
from ui.intake_duplicates import DuplicatesPanel
from ui.intake_fields import FieldWidget
from ui.intake_pages import ConsentTools, SectionPage
from ui.language import LanguageState
from ui.person_reuse import PersonReuseDialog
from ui.styles import named
from ui.tasks import Tasks, ignore_result, log_failure

DRAFT_DELAY_MS = 1000
SAID_HERE = frozenset(
    {"desk.duplicates.title", "desk.intake.reuse_cancelled", "desk.intake.save_failed"}
)
"""The wizard's messages a screen reader is told at once (a refusal says its first error
too; a saved intake is said by the page that shows its case)."""


class IntakeWizard(QWidget):
    """The intake form, a section a page, with progress, checks, drafts and duplicates.

    Signals:
        intake_saved(object): the intake was saved; carries the ``SavedIntake``.
        draft_saved(str): the draft was written; carries its id.
        duplicates_shown(int): known persons like this one are shown; carries how many.
        intake_abandoned(): the officer dropped the draft.
    """

    intake_saved = Signal(object)
    draft_saved = Signal(str)
    duplicates_shown = Signal(int)
    intake_abandoned = Signal()

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
        state: DraftState | None = None,
        form: FormDefinition | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self.form = form or load_form("intake")
        self.state = state or DraftState(uuid.uuid4(), {}, 0, user_id=actor.user_id)
        self.draft_id = self.state.draft_id
        self.busy = False
        self.finished = False
        self.picked: dict[str, object] = {}  # a known person's field -> the value chosen
        self._checked: object = None  # the person's answers when last looked up
        self._checking: object = None
        self._then: Callable[[], object] | None = None
        self._message_key: tuple[str, dict[str, Any]] | None = None
        self._build()
        for widget in self.fields.values():
            if widget.key in self.state.answers:
                widget.set_value(self.state.answers[widget.key])
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.on_draft_due)
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.apply_relevance()
        visible = self.visible_sections()
        step = self.state.step if self.state.step in visible else visible[0]
        self.show_section(step)

    # --- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.progress_label = named(QLabel(), "wizardProgress")
        self.progress_bar = named(QProgressBar(), "wizardProgressBar")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(10)
        self.anonymous_label = named(QLabel(wordWrap=True), "anonymousNote")
        self.message_label = named(QLabel(wordWrap=True), "wizardMessage")
        self.message_label.hide()
        self.consent_tools = ConsentTools(self._language)
        self.consent_tools.notice_button.clicked.connect(self.on_notice_clicked)
        self.stack = QStackedWidget()
        self.pages: list[SectionPage] = []
        self.fields: dict[str, FieldWidget] = {}
        for index, section in enumerate(self.form.sections):
            page = SectionPage(section, self.consent_tools if index == 0 else None)
            self.pages.append(page)
            self.stack.addWidget(page)
            for widget in page.fields:
                self.fields[widget.key] = widget
                widget.value_edited.connect(self.on_value_edited)
                widget.editing_left.connect(self.on_field_left)
        self.duplicates = DuplicatesPanel()
        self.duplicates.hide()
        self.duplicates.person_chosen.connect(self.on_duplicate_chosen)
        self.duplicates.new_chosen.connect(self.on_new_chosen)
        self.discard_button = named(QPushButton(), "discardDraft")
        self.back_button = named(QPushButton(), "wizardBack")
        self.next_button = named(QPushButton(), "wizardNext")
        self.save_button = named(QPushButton(), "wizardSave")
        self.draft_label = named(QLabel(), "draftStatus")
        buttons = QHBoxLayout()
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.draft_label, 1)
        for button in (self.back_button, self.next_button, self.save_button):
            button.setMinimumHeight(40)
            button.setMinimumWidth(130)
            buttons.addWidget(button)
        self.discard_button.clicked.connect(self.on_discard_clicked)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.save_button.clicked.connect(self.save)
        self.next_action = self._action(self.on_enter_pressed)
        self.back_action = self._action(self.go_back)
        self.save_action = self._action(self.save, "Ctrl+S")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.anonymous_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.duplicates)
        layout.addLayout(buttons)

    def _action(self, slot: Any, shortcut: str = "") -> QAction:
        action = QAction(self)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def retranslate(self) -> None:
        """Re-read every text in the officer's language; shown errors are checked again."""
        tr, code = self._language.translator, self._language.code
        self.setLayoutDirection(self._language.direction)
        forward, backward = (
            ("Alt+Left", "Alt+Right") if tr.right_to_left else ("Alt+Right", "Alt+Left")
        )
        self.next_action.setShortcuts(
            [QKeySequence(k) for k in ("Return", "Enter", "PgDown", forward)]
        )
        self.back_action.setShortcuts([QKeySequence("PgUp"), QKeySequence(backward)])
        native = QKeySequence.SequenceFormat.NativeText
        self.title_label.setText(
            tr("desk.intake.title_known" if self.state.person_id else "desk.intake.title")
        )
        self.back_button.setText(tr("desk.intake.back"))
        self.back_button.setToolTip(
            tr("desk.intake.keys", keys="PgUp, " + QKeySequence(backward).toString(native))
        )
        self.next_button.setText(tr("desk.intake.next"))
        self.next_button.setToolTip(
            tr("desk.intake.keys", keys="Enter, PgDown, " + QKeySequence(forward).toString(native))
        )
        self.save_button.setText(tr("desk.intake.save"))
        self.save_button.setToolTip(tr("desk.intake.keys", keys="Ctrl+S, Enter"))
        self.discard_button.setText(tr("desk.intake.discard"))
        self.anonymous_label.setText(tr("desk.intake.anonymous_note"))
        self.consent_tools.language_label.setText(tr("desk.intake.visitor_language"))
        name_widget(self.consent_tools.language_combo, tr("desk.intake.visitor_language"))
        self.consent_tools.notice_button.setText(tr("desk.intake.notice_button"))
        for page in self.pages:
            page.heading.setText(page.section.label(code))
        for widget in self.fields.values():
            widget.retranslate(code, tr)
            if widget.error:
                self.check_field(widget.key)
        self.duplicates.retranslate(tr)
        self._update_progress()
        self._show_message()

    # --- answers, relevance, checks ----------------------------------------------------

    @property
    def answers(self) -> dict[str, object]:
        """Every answer given so far, raw, by field key."""
        return {key: widget.value() for key, widget in self.fields.items()}

    @property
    def current_section(self) -> int:
        """The index (in the form) of the section shown."""
        return self.stack.currentIndex()

    def apply_relevance(self) -> None:
        """Show the fields asked given the answers so far; hide the others."""
        asked = relevant_keys(self.form, self.answers)
        for key, widget in self.fields.items():
            widget.setHidden(key not in asked)
            if key not in asked:
                widget.show_error(None)
        self.anonymous_label.setVisible(self.answers.get("consent.record") is False)
        self._update_progress()

    def visible_sections(self) -> list[int]:
        """The sections with at least one field asked, by index."""
        asked = relevant_keys(self.form, self.answers)
        return [
            index
            for index, section in enumerate(self.form.sections)
            if any(item.key in asked for item in section.fields)
        ]

    def prefill(self, answers: dict[str, object]) -> None:
        """Fill the fields still empty with what is known already (the ticket, a known
        person); the consent notice is shown in the visitor's preferred language."""
        for key, value in answers.items():
            widget = self.fields.get(key)
            if widget is not None and widget.value() is None:
                widget.set_value(value)
        preferred = (
            self.fields["person.language"].value() if "person.language" in self.fields else None
        )
        if isinstance(preferred, str):
            self.consent_tools.show_language(preferred)
        self.apply_relevance()
        self._schedule_draft()

    def check_field(self, key: str) -> str | None:
        """Check one answer and show its error under it; returns the message or None."""
        widget = self.fields[key]
        error = validate_one(self.form, key, widget.value(), self.answers, self._language.code)
        widget.show_error(error.message if error else None)
        return error.message if error else None

    def check_section(self, index: int) -> list[str]:
        """Check every field asked on section ``index``; returns the messages."""
        messages = []
        for widget in self.pages[index].fields:
            if not widget.isHidden():
                message = self.check_field(widget.key)
                if message:
                    messages.append(message)
        return messages

    def on_value_edited(self, key: str) -> None:
        """An answer changed: relevance again, the error cleared once fixed, a draft soon."""
        self.apply_relevance()
        if self.fields[key].error:
            self.check_field(key)
        self.duplicates.hide()
        self._schedule_draft()

    def on_field_left(self, key: str) -> None:
        """The officer left a field: check it."""
        if not self.fields[key].isHidden():
            self.check_field(key)

    # --- navigation ----------------------------------------------------------------------

    def show_section(self, index: int) -> None:
        """Show section ``index`` and put the focus on its first field."""
        self.stack.setCurrentIndex(index)
        self._set_message(None)
        self._update_progress()
        announce(self, self.progress_label.text())  # where the focus now is: "Step 2 of 5"
        first = next((w for w in self.pages[index].fields if not w.isHidden()), None)
        if first is not None:
            first.focus_input()

    def _update_progress(self) -> None:
        if not hasattr(self, "stack"):
            return
        visible = self.visible_sections()
        current = self.current_section
        position = visible.index(current) + 1 if current in visible else 1
        last = bool(visible) and current >= visible[-1]
        section = self.form.sections[max(current, 0)].label(self._language.code)
        self.progress_label.setText(
            self._language.translator(
                "desk.intake.step", number=position, total=len(visible), section=section
            )
        )
        self.progress_bar.setRange(0, len(visible))
        self.progress_bar.setValue(position)
        self.back_button.setEnabled(bool(visible) and current > visible[0])
        self.back_action.setEnabled(self.back_button.isEnabled())
        self.next_button.setVisible(not last)
        self.save_button.setVisible(last)
        self.save_action.setEnabled(last)

    @property
    def on_last_section(self) -> bool:
        """Whether the section shown is the last one asked (where Save is)."""
        visible = self.visible_sections()
        return bool(visible) and self.current_section >= visible[-1]

    @property
    def person_section(self) -> int:
        """The index of the section asking the person's name."""
        return next(
            index
            for index, section in enumerate(self.form.sections)
            if any(item.key == "person.given_name" for item in section.fields)
        )

    def go_next(self) -> bool:
        """Check the page; go to the next section if it holds no error. Leaving the person's
        page first looks the person up (on the worker): then the page changes later, once
        the officer has chosen, and this returns False."""
        if self.busy:
            return False
        if self.check_section(self.current_section):
            self._refuse()
            return False
        if self.current_section == self.person_section and self._person_unchecked():
            self._check_person(self._advance)
            return False
        return self._advance()

    def _advance(self) -> bool:
        later = [index for index in self.visible_sections() if index > self.current_section]
        if not later:
            return False
        self.show_section(later[0])
        self.save_draft_now()
        return True

    def go_back(self) -> None:
        """Go to the previous section (no check: the officer may come back to fix)."""
        earlier = [index for index in self.visible_sections() if index < self.current_section]
        if earlier and not self.busy:
            self.show_section(earlier[-1])
            self.save_draft_now()

    def on_enter_pressed(self) -> None:
        """Enter: the next page, or saving on the last one; on the duplicates, the choice."""
        if self.duplicates.isVisible() and not self.busy:
            self.duplicates.on_enter_pressed()
        elif self.on_last_section:
            self.save()
        else:
            self.go_next()

    def _refuse(self) -> None:
        """The page holds errors: say so, and go to the first one (a screen reader hears
        the refusal and that error, then the field, which its description says wrong)."""
        self._set_message("desk.intake.fix_errors")
        tr, code = self._language.translator, self._language.code
        said = [self.message]
        for widget in self.pages[self.current_section].fields:
            if widget.error:
                label = spoken(widget.field.label(code))
                said.append(tr("a11y.field_error", field=label, error=widget.error))
                widget.focus_input()
                break
        announce(self, " ".join(said), urgent=True)

    def _set_message(self, key: str | None, **params: Any) -> None:
        self._message_key = (key, params) if key else None
        self._show_message()
        if key in SAID_HERE:
            announce(self, self.message)

    def _show_message(self) -> None:
        if self._message_key is None:
            self.message_label.hide()
            return
        key, params = self._message_key
        self.message_label.setText(self._language.translator(key, **params))
        self.message_label.show()

    @property
    def message(self) -> str:
        """The message shown under the page (``""`` when none)."""
        return self.message_label.text() if self._message_key else ""

    # --- the consent notice ------------------------------------------------------------

    def on_notice_clicked(self) -> None:
        """Show (and let print) the consent notice in the visitor's language."""
        visitor = self.consent_tools.visitor_language
        ConsentNoticeDialog.ask(
            self,
            self._language.catalog,
            visitor,
            self._language.code,
            printed=partial(self.on_notice_printed, visitor),
        )

    def on_notice_printed(self, language: str) -> None:
        """Audit the notice printed (``consent_notice.print``), on the worker."""
        work = partial(
            record_read, self._context, self._actor, CONSENT_NOTICE_PRINT, detail=f"lang={language}"
        )
        self._tasks.run(work, ignore_result, log_failure)

    # --- drafts --------------------------------------------------------------------------

    def _draft_state(self) -> DraftState:
        # Only the fields asked: after a refusal, the name typed before stays off the disk.
        answers = self.answers
        asked = relevant_keys(self.form, answers)
        return DraftState(
            draft_id=self.draft_id,
            answers={k: v for k, v in answers.items() if v is not None and k in asked},
            step=self.current_section,
            ticket_id=self.state.ticket_id,
            person_id=self.state.person_id,
            user_id=self._actor.user_id,
            language=self._language.code,
        )

    def _schedule_draft(self) -> None:
        if not self.finished:
            self._draft_timer.start()

    def save_draft_now(self) -> None:
        """Write the draft at once (leaving the page, switching intakes)."""
        self._draft_timer.stop()
        self.on_draft_due()

    def on_draft_due(self) -> None:
        """Write the draft on the worker (later while saving: the save drops the draft)."""
        if self.finished:
            return
        if self.busy:
            self._draft_timer.start()
            return
        work = partial(store_draft, self._context, self.form, self._draft_state())
        self._tasks.run(work, self.on_draft_stored, self.on_draft_failed)

    def on_draft_stored(self, draft_id: uuid.UUID) -> None:
        """Say when the draft was last saved."""
        time = office_time(datetime.now(UTC), "%H:%M:%S")
        self.draft_label.setText(self._language.translator("desk.intake.draft_saved", time=time))
        self.draft_saved.emit(str(draft_id))

    def on_draft_failed(self, error: BaseException) -> None:
        """Say that the draft could not be saved."""
        self.draft_label.setText(
            self._language.translator("desk.intake.draft_failed", detail=error)
        )

    @classmethod
    def ask_discard(cls, parent: QWidget, language: LanguageState) -> bool:
        """Whether the officer confirms dropping an intake with answers in it."""
        tr = language.translator
        answer = QMessageBox.question(
            parent,
            tr("desk.intake.discard"),
            tr("desk.intake.discard_confirm"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def on_discard_clicked(self) -> None:
        """Drop the draft (on the worker) and leave the wizard (not while it is being saved;
        once confirmed when something was typed)."""
        if self.busy:
            return
        typed = any(value not in (None, "", [], ()) for value in self.answers.values())
        if typed and not self.ask_discard(self, self._language):
            return
        self.finished = True
        self._draft_timer.stop()
        work = partial(discard_draft, self._context.store, self.draft_id)
        self._tasks.run(work, self.on_draft_dropped, self.on_drop_failed)

    def on_draft_dropped(self, _result: object) -> None:
        """The draft is gone: leave the wizard."""
        self.intake_abandoned.emit()

    def on_drop_failed(self, error: BaseException) -> None:
        """The draft holds personal data and is still there: stay, and say so."""
        self.finished = False
        self.draft_label.setText(
            self._language.translator("desk.intake.discard_failed", detail=error)
        )

    # --- saving --------------------------------------------------------------------------

    def save(self) -> None:
        """Check everything; look the person up if their answers changed since; then save."""
        if self.busy or not self.on_last_section:
            return
        result = validate_answers(self.form, self.answers, self._language.code)
        if not result.ok:
            self._show_errors({error.field: error.message for error in result.errors})
            return
        if not result.anonymous and self._person_unchecked():
            self._check_person(self._submit)
            return
        self._submit()

    # --- the person: known already? ------------------------------------------------------

    def _person_key(self) -> object:
        """What the person lookup depends on: the person chosen and the answers it reads
        (every field of a known person; the name, year and phone of a new one)."""
        keys = PERSON_FIELDS if self.state.person_id else DUPLICATE_KEYS
        answers = self.answers
        return self.state.person_id, tuple(answers.get(key) for key in keys)

    def _person_unchecked(self) -> bool:
        return self.answers.get("consent.record") is True and self._person_key() != self._checked

    def _check_person(self, then: Callable[[], object]) -> None:
        """Look the person up on the worker, then ``then`` once the officer has chosen: a
        new person among likely same ones, or a known one against their record."""
        self._then, self._checking = then, self._person_key()
        self._set_busy(True, "desk.intake.checking")
        if self.state.person_id is None:
            work = partial(find_duplicates, self._context, self.form, self.answers, self._actor)
            self._tasks.run(work, self.on_duplicates_found, self.on_save_failed)
        else:
            self._compare(str(self.state.person_id))

    def _compare(self, person_id: str) -> None:
        work = partial(
            person_differences, self._context, self.form, self.answers, person_id, self._actor
        )
        self._tasks.run(work, partial(self.on_compared, person_id), self.on_save_failed)

    def _go_on(self) -> None:
        """The person is settled: carry on with what was asked (the next page, saving)."""
        self._checked = self._person_key()
        then, self._then = self._then, None
        if then is not None:
            then()

    def on_duplicates_found(self, hits: list[dict[str, Any]]) -> None:
        """Show the likely same persons, or go on when there is none."""
        self._set_busy(False)
        if self._person_key() != self._checking:  # typed while looking: look again
            self._check_person(self._then or self._advance)
            return
        if not hits:
            self._go_on()
            return
        self.duplicates.show_hits(hits, self._language.translator, self._language.code)
        self._set_message("desk.duplicates.title")
        self.duplicates_shown.emit(len(hits))

    def on_new_chosen(self) -> None:
        """A new person after all: go on."""
        self.duplicates.hide()
        self._set_message(None)
        self._go_on()

    def on_duplicate_chosen(self, person_id: str) -> None:
        """Compare the known person chosen with the answers (on the worker)."""
        self._set_busy(True, "desk.intake.checking")
        self._compare(person_id)

    def on_compared(self, person_id: str, found: dict[str, Any]) -> None:
        """Ask, field by field, what the record keeps (when anything differs that was not
        picked already); confirmed, the intake is the known person's and shows the values
        the record will hold."""
        self._set_busy(False)
        differences = [
            row
            for row in found["differences"]
            if row["field"] not in self.picked or self.picked[row["field"]] != row["new"]
        ]
        picked: set[str] | None = set()
        if differences:
            person = found["person"]
            picked = PersonReuseDialog.ask(self, self._language, self.form, person, differences)
        if picked is None:
            self._set_message("desk.intake.reuse_cancelled")
            return
        self.duplicates.hide()
        self._set_message(None)
        self.state = replace(self.state, person_id=uuid.UUID(person_id))
        keys = {column: key for key, column in PERSON_FIELDS.items()}
        for difference in differences:
            field = difference["field"]
            self.picked.pop(field, None)
            if field in picked:
                self.picked[field] = difference["new"]
            else:
                self.fields[keys[field]].set_value(difference["existing"])
        self.retranslate()
        self._schedule_draft()
        self._go_on()

    def _submit(self) -> None:
        self.duplicates.hide()
        self._draft_timer.stop()
        state = self._draft_state()
        update = frozenset(self.picked)
        self._set_busy(True, "desk.intake.saving")
        self._tasks.run(
            partial(save_intake, self._context, self._actor, state, self._language.code, update),
            self.on_intake_saved,
            self.on_save_failed,
        )

    def on_intake_saved(self, saved: SavedIntake) -> None:
        """Done: the draft is gone; the owner opens the case."""
        self.finished = True
        self._draft_timer.stop()
        self._set_busy(False)
        key = "desk.intake.anonymous_saved" if saved.case_id is None else "desk.intake.saved"
        self._set_message(key, code=saved.case_code or "")
        self.intake_saved.emit(saved)

    def on_save_failed(self, error: BaseException) -> None:
        """Show what is wrong: the fields at fault, or the failure."""
        self._set_busy(False)
        if isinstance(error, IntakeInvalid):
            self._show_errors({item.field: item.message for item in error.errors})
        else:
            self._set_message("desk.intake.save_failed", detail=error)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            if key in self.fields:
                self.fields[key].show_error(message)
        for index in self.visible_sections():
            if any(widget.key in errors for widget in self.pages[index].fields):
                self.stack.setCurrentIndex(index)
                self._update_progress()
                break
        self._refuse()

    def _set_busy(self, busy: bool, key: str | None = None) -> None:
        self.busy = busy
        for button in (self.back_button, self.next_button, self.save_button, self.discard_button):
            button.setEnabled(not busy)
        if busy:
            self._set_message(key)
        else:
            self._update_progress()
