"""Intake drafts: saved as the officer types, so that a lock, a crash or a restart loses nothing.

Drafts are local (never synced) and hold the answers as typed, valid or not. A draft is
its officer's: another officer never resumes it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select

from db.base import utcnow
from db.cases import IntakeDraft
from db.store import Store
from kiosk.forms import FormDefinition
from kiosk.office import OfficeContext


@dataclass(frozen=True)
class Draft:
    """A draft as the wizard resumes it."""

    draft_id: uuid.UUID
    answers: dict[str, object]
    step: int
    ticket_id: uuid.UUID | None
    person_id: uuid.UUID | None
    language: str


@dataclass(frozen=True)
class DraftState:
    """Where an intake is: its draft, the answers so far, the section, what it belongs to."""

    draft_id: uuid.UUID
    answers: dict[str, object]
    step: int
    ticket_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    language: str = "fr"


def save_draft(
    store: Store,
    draft_id: uuid.UUID,
    answers: Mapping[str, object],
    step: int,
    *,
    user_id: uuid.UUID | None = None,
    ticket_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    form: tuple[str, int] = ("intake", 1),
    language: str = "fr",
) -> None:
    """Create or overwrite the draft ``draft_id`` (one small transaction)."""
    text = json.dumps(dict(answers), ensure_ascii=False, default=str)
    with store.session() as session, session.begin():
        draft = session.get(IntakeDraft, draft_id)
        if draft is None:
            draft = IntakeDraft(id=draft_id, form_id=form[0], form_version=form[1])
            session.add(draft)
        draft.user_id = user_id
        draft.ticket_id = ticket_id
        draft.person_id = person_id
        draft.language = language
        draft.step = step
        draft.answers = text
        draft.updated_at = utcnow()


def load_draft(store: Store, draft_id: uuid.UUID) -> Draft | None:
    """The draft ``draft_id``, or None when it was finished or discarded."""
    with store.session() as session:
        draft = session.get(IntakeDraft, draft_id)
        if draft is None:
            return None
        return Draft(
            draft_id=draft.id,
            answers=json.loads(draft.answers or "{}"),
            step=draft.step,
            ticket_id=draft.ticket_id,
            person_id=draft.person_id,
            language=draft.language,
        )


def discard_draft(store: Store, draft_id: uuid.UUID) -> None:
    """Forget a draft (once its intake is saved, or when the officer discards it)."""
    with store.session() as session, session.begin():
        session.execute(delete(IntakeDraft).where(IntakeDraft.id == draft_id))


def store_draft(context: OfficeContext, form: FormDefinition, state: DraftState) -> uuid.UUID:
    """Save the intake ``state`` of ``form`` as its draft; returns the draft's id."""
    save_draft(
        context.store,
        state.draft_id,
        state.answers,
        state.step,
        user_id=state.user_id,
        ticket_id=state.ticket_id,
        person_id=state.person_id,
        form=(form.id, form.version),
        language=state.language,
    )
    return state.draft_id


def read_draft(
    context: OfficeContext, draft_id: uuid.UUID, user_id: uuid.UUID | None
) -> Draft | None:
    """The draft to resume, or None when it was finished meanwhile or is another officer's."""
    with context.store.session() as session:
        owner = session.scalar(select(IntakeDraft.user_id).where(IntakeDraft.id == draft_id))
    if owner is None or owner != user_id:
        return None
    return load_draft(context.store, draft_id)
