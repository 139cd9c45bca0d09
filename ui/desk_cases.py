"""The desk's Cases section: find a person, open a case, run an intake.

One page holds three views in a stack: the person search (the start), the case page and
the intake wizard. Other pages (home, referrals, the queue's current ticket) come here
through :meth:`CasesPage.open_case`, :meth:`CasesPage.start_intake` and
:meth:`CasesPage.resume_draft`. The wizard stays as it is while the desk is locked (the
main page is kept for the same officer); its draft is on disk anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from db.uow import Actor
from kiosk.cases.drafts import Draft, DraftState, read_draft
from kiosk.cases.intake import SavedIntake, person_answers, ticket_answers
from kiosk.office import OfficeContext
from ui.accessibility import announce
from ui.case_page import CasePage
from ui.intake_wizard import IntakeWizard
from ui.language import LanguageState
from ui.page_stack import PageStack
from ui.person_search import PersonSearchPage
from ui.styles import named
from ui.tasks import Tasks


class CasesPage(QWidget):
    """Person search, case page and intake wizard, one at a time.

    ``sync_soon`` (None when the desk does not sync) is called once a referral is saved.

    Signals:
        wizard_started(object): an intake wizard is shown; carries the wizard.
        intake_finished(object): an intake was saved; carries the ``SavedIntake``.
    """

    wizard_started = Signal(object)
    intake_finished = Signal(object)

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
        self.section = "cases"
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self._notice: tuple[str, dict[str, Any]] | None = None
        self.wizard: IntakeWizard | None = None
        self.search = PersonSearchPage(context, language, tasks, actor)
        self.case_page = CasePage(context, language, actor, tasks, now, sync_soon)
        self.notice_label = named(QLabel(wordWrap=True), "casesNotice")
        self.notice_label.hide()
        self.stack = PageStack()  # as tall as the view shown needs
        self.stack.addWidget(self.search)
        self.stack.addWidget(self.case_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.stack, 1)
        self.search.case_requested.connect(self.open_case)
        self.search.intake_requested.connect(
            lambda person_id: self.start_intake(person_id=person_id or None)
        )
        self.case_page.done.connect(self.show_search)
        self.case_page.erased.connect(self.on_person_erased)
        self.case_page.intake_requested.connect(
            lambda person_id: self.start_intake(person_id=person_id)
        )
        language.language_changed.connect(self._show_notice)

    # --- views ---------------------------------------------------------------------------

    def show_search(self) -> None:
        """Back to the person search."""
        self.stack.setCurrentWidget(self.search)
        self.search.focus_search()

    def open_case(self, case_id: str) -> None:
        """Show case ``case_id``."""
        self._set_notice(None)
        self.case_page.load(case_id)
        self.stack.setCurrentWidget(self.case_page)

    def start_intake(
        self, ticket_id: uuid.UUID | str | None = None, person_id: uuid.UUID | str | None = None
    ) -> IntakeWizard:
        """A new intake, for the ticket being served and a known person if given."""
        state = DraftState(
            draft_id=uuid.uuid4(),
            answers={},
            step=0,
            ticket_id=_uuid(ticket_id),
            person_id=_uuid(person_id),
            user_id=self._actor.user_id,
            language=self._language.code,
        )
        wizard = self._show_wizard(state)
        if state.ticket_id is not None:  # what the visitor chose at the kiosk, first
            work = partial(ticket_answers, self._context, str(state.ticket_id))
            self._tasks.run(work, wizard.prefill, self.on_read_failed)
        if state.person_id is not None:
            work = partial(person_answers, self._context, str(state.person_id), self._actor)
            self._tasks.run(work, wizard.prefill, self.on_read_failed)
        return wizard

    def resume_draft(self, draft_id: str) -> None:
        """Open a draft (on the worker) and resume it at its section."""
        work = partial(read_draft, self._context, uuid.UUID(draft_id), self._actor.user_id)
        self._tasks.run(work, self.on_draft_read, self.on_read_failed)

    def on_read_failed(self, error: BaseException) -> None:
        """Say that what the page asked for could not be read."""
        self._set_notice("desk.read_failed", detail=error)

    def on_draft_read(self, draft: Draft | None) -> None:
        """Resume the draft just read (it may have been finished meanwhile)."""
        if draft is None:
            self._set_notice("desk.cases.draft_gone")
            return
        if self.wizard is not None and self.wizard.draft_id == draft.draft_id:
            self.stack.setCurrentWidget(self.wizard)
            return
        state = DraftState(
            draft_id=draft.draft_id,
            answers=draft.answers,
            step=draft.step,
            ticket_id=draft.ticket_id,
            person_id=draft.person_id,
            user_id=self._actor.user_id,
            language=draft.language,
        )
        self._show_wizard(state)

    def _show_wizard(self, state: DraftState) -> IntakeWizard:
        self._drop_wizard()
        self._set_notice(None)
        wizard = IntakeWizard(self._context, self._language, self._actor, self._tasks, state)
        wizard.intake_saved.connect(self.on_intake_saved)
        wizard.intake_abandoned.connect(self.on_intake_abandoned)
        self.wizard = wizard
        self.stack.addWidget(wizard)
        self.stack.setCurrentWidget(wizard)
        wizard.show_section(wizard.current_section)
        self.wizard_started.emit(wizard)
        return wizard

    def _drop_wizard(self) -> None:
        if self.wizard is not None:
            if not self.wizard.finished:
                self.wizard.save_draft_now()
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
            self.wizard = None

    def on_intake_saved(self, saved: SavedIntake) -> None:
        """Open the new case, or say that an anonymous contact was counted."""
        self._drop_wizard()
        self.intake_finished.emit(saved)
        if saved.case_id is not None:
            self.open_case(str(saved.case_id))
            self._set_notice("desk.intake.saved", code=saved.case_code or "")
        else:
            self.show_search()
            self._set_notice("desk.intake.anonymous_saved")

    def on_person_erased(self, code: str, facts_kept: bool) -> None:
        """Back to the search, saying that the person of case ``code`` was erased."""
        self.show_search()
        key = "desk.cases.erased_facts_kept" if facts_kept else "desk.cases.erased"
        self._set_notice(key, code=code)

    def on_intake_abandoned(self) -> None:
        """The officer dropped the intake: back to the search."""
        self._drop_wizard()
        self.show_search()

    def hideEvent(self, event: QHideEvent) -> None:
        """Hidden (the desk locks): close the dialogs open on a case, a merge or a notice.

        They are windows of their own and would stay over the lock screen, showing the
        person to whoever comes next. A minimised window (a spontaneous hide) keeps them.
        """
        super().hideEvent(event)
        if event.spontaneous():
            return
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    def _set_notice(self, key: str | None, **params: Any) -> None:
        self._notice = (key, params) if key else None
        self._show_notice()
        if key:  # an intake saved, a person erased: said where the officer's focus went
            announce(self, self.notice_label.text())

    def _show_notice(self, *_: object) -> None:
        if self._notice is None:
            self.notice_label.hide()
            return
        self.notice_label.setText(self._language.translator(self._notice[0], **self._notice[1]))
        self.notice_label.show()


def _uuid(value: uuid.UUID | str | None) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)
