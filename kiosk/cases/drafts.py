"""Intake drafts: saved as the officer types, so that a lock, a crash or a restart loses nothing.

Drafts are local (never synced) and hold the answers as typed, valid or not.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete

from db.base import utcnow
from db.cases import IntakeDraft
from db.store import Store


@dataclass(frozen=True)
class Draft:
    """A draft as the wizard resumes it."""

    draft_id: uuid.UUID
    answers: dict[str, object]
    step: int
    ticket_id: uuid.UUID | None
    person_id: uuid.UUID | None
    language: str


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
