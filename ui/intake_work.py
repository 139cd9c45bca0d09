"""What the intake wizard asks of the worker thread: drafts, duplicates, saving.

Each function takes the office context and plain data, opens its own session and returns
plain data (never a live record), as ``ui.tasks`` wants.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.cases import IntakeDraft
from db.uow import Actor
from kiosk.cases.drafts import Draft, discard_draft, load_draft, save_draft
from kiosk.cases.intake import IntakeRequest, SavedIntake, submit_intake
from kiosk.cases.persons import likely_duplicates
from kiosk.forms import FormDefinition, validate_answers
from kiosk.office import OfficeContext


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


def store_draft(context: OfficeContext, form: FormDefinition, state: DraftState) -> uuid.UUID:
    """Save the draft (worker thread); returns its id."""
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


def drop_draft(context: OfficeContext, draft_id: uuid.UUID) -> None:
    """Forget a draft the officer abandons (worker thread)."""
    discard_draft(context.store, draft_id)


def find_duplicates(
    context: OfficeContext, form: FormDefinition, answers: Mapping[str, object]
) -> list[dict[str, Any]]:
    """Known persons who may be the one about to be created (worker thread)."""
    values = validate_answers(form, answers).values
    year = values.get("person.birth_year")
    with context.store.session() as session:
        hits = likely_duplicates(
            session,
            str(values.get("person.given_name") or ""),
            str(values.get("person.family_name") or ""),
            year if isinstance(year, int) else None,
            str(values.get("person.phone") or ""),
        )
        return [hit.as_json() for hit in hits[:5]]


def save_intake(
    context: OfficeContext, actor: Actor, state: DraftState, language: str
) -> SavedIntake:
    """Save the intake, then forget its draft (worker thread); ``IntakeInvalid`` if wrong."""
    answers = {key: value for key, value in state.answers.items() if value not in (None, "", [])}
    request = IntakeRequest(
        answers=answers,
        language=language,
        ticket_id=state.ticket_id,
        person_id=state.person_id,
    )
    saved = submit_intake(context.store, actor, request)
    discard_draft(context.store, state.draft_id)
    return saved
