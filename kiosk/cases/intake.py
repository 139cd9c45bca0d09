"""Saving an intake: the consent, the person, the case, the visit and the needs, in one go.

The answers are checked against the form definition first (``kiosk.forms``); when any is
wrong nothing is saved and every error names its field. A visitor who refuses a local
record is still served: only an anonymous statistical contact is kept (category, sex, age
band and needs, no personal field).

Before saving, the desk's wizard pre-fills answers from a known person or the kiosk's ticket
(``person_answers``, ``ticket_answers``), looks for a person already known
(``find_duplicates``) and compares a known person with the answers
(``person_differences``); ``save_intake`` saves the wizard's draft state. A known person
keeps every value but those of the fields the request names (``IntakeRequest.update``,
``kiosk.cases.corrections``). A child born recently whose birth is not declared yet
(``household.newborn_birth_date``) makes the case a civil registration need and starts its
itinerary, whose legal deadline counts from the birth (``kiosk.itineraries``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from db.base import new_id, utcnow
from db.cases import Case, CaseEntry, CaseEntryKind, CaseNeed, CaseStatus, Intake, Person, Visit
from db.models import Ticket
from db.store import Store
from db.uow import Actor, UnitOfWork
from kiosk.audit import PERSON_READ, record_read, record_search
from kiosk.cases.codes import new_case_code
from kiosk.cases.corrections import Correction, correct_person, differences
from kiosk.cases.drafts import DraftState, discard_draft
from kiosk.cases.persons import index_person, likely_duplicates, person_view
from kiosk.forms import FieldError, FormDefinition, load_form, validate_answers, validate_one
from kiosk.forms.coerce import coerce, is_empty
from kiosk.itineraries.casework import start_for_newborn
from kiosk.office import OfficeContext
from kiosk.settings import SPOKEN_LANGUAGES

PERSON_FIELDS = {
    "person.given_name": "given_name",
    "person.family_name": "family_name",
    "person.given_name_ar": "given_name_ar",
    "person.family_name_ar": "family_name_ar",
    "person.sex": "sex",
    "person.birth_year": "birth_year",
    "person.nationality": "nationality",
    "person.category": "category",
    "person.commune": "commune",
    "person.phone": "phone",
    "person.language": "language",
    "household.size": "household_size",
    "person.minor_caregiver": "minor_caregiver",
    "person.disability": "disability",
}


class IntakeInvalid(Exception):
    """Answers that do not pass the form; ``errors`` name each field, nothing was saved."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class SavedIntake:
    """What an intake wrote. ``case_id`` and ``person_id`` are None for an anonymous contact.

    For a known person, ``updated`` names the fields the answers changed and ``kept`` those
    whose answer differed but which kept the person's value (not named to be updated).
    """

    intake_id: uuid.UUID
    case_id: uuid.UUID | None
    person_id: uuid.UUID | None
    case_code: str | None
    form_version: int
    updated: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The ids as JSON (``baom intake submit``), with the fields updated and kept."""
        return {
            "intake_id": str(self.intake_id),
            "case_id": str(self.case_id) if self.case_id else None,
            "person_id": str(self.person_id) if self.person_id else None,
            "case_code": self.case_code,
            "anonymous": self.case_id is None,
            "updated": list(self.updated),
            "kept": list(self.kept),
        }


@dataclass(frozen=True)
class IntakeRequest:
    """An intake to save: the answers, the officer's language, and what it belongs to.

    ``update`` names the fields (columns of ``PERSON_FIELDS``) of a known person that the
    answers may change; every other field keeps the person's value.
    """

    answers: Mapping[str, object]
    language: str = "fr"
    ticket_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    form_id: str = "intake"
    update: frozenset[str] = frozenset()


def _stored(values: Mapping[str, object]) -> dict[str, object]:
    """The answers kept with the intake: JSON-ready; the notes go on the case instead."""
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in values.items()
        if key != "notes"
    }


NEWBORN_NEED = "civil_registration"
"""The need of a child's birth not declared yet."""


def _undeclared_birth(values: Mapping[str, object]) -> date | None:
    """The birth date of a child born recently whose birth is not declared yet (not
    answered counts as not declared), if the intake gives one."""
    birth = values.get("household.newborn_birth_date")
    if not isinstance(birth, date) or values.get("household.newborn_declared") is True:
        return None
    return birth


def _with_need(values: Mapping[str, object], need: str) -> dict[str, object]:
    """The answers with ``need`` among the needs (the intake records the needs the case
    got: a birth not declared is a civil registration need)."""
    needs = values.get("needs")
    listed = [str(item) for item in needs] if isinstance(needs, list) else []
    return {**values, "needs": listed if need in listed else [*listed, need]}


def _unused_case_code(uow: UnitOfWork) -> str:
    while True:
        code = new_case_code()
        if uow.session.scalar(select(Case.id).where(Case.code == code)) is None:
            return code


def person_values(values: Mapping[str, object]) -> dict[str, object]:
    """The person's fields (column → value) among checked answers."""
    return {column: values[key] for key, column in PERSON_FIELDS.items() if key in values}


def _person(
    uow: UnitOfWork, values: Mapping[str, object], request: IntakeRequest
) -> tuple[Person, Correction]:
    """The new person of the answers, or the known one corrected as ``request`` says."""
    if request.person_id is None:
        person = uow.add(Person(id=new_id(), **person_values(values)))
        correction = Correction()
    else:
        known = uow.session.get(Person, request.person_id)
        if known is None:
            raise IntakeInvalid([FieldError("person", f"no person {request.person_id}")])
        person = known
        correction = correct_person(uow, person, person_values(values), request.update)
    index_person(uow.session, person)
    return person, correction


def _as_kept(values: Mapping[str, object], person: Person) -> dict[str, object]:
    """The answers with the person's fields as the person has them now (a value kept
    rather than the one answered), for the intake to say what the record holds."""
    kept = dict(values)
    for key, column in PERSON_FIELDS.items():
        if key in kept:
            value = getattr(person, column)
            if value is None or value == "":
                del kept[key]
            else:
                kept[key] = value
    return kept


def _check_update(request: IntakeRequest) -> None:
    unknown = sorted(request.update - set(PERSON_FIELDS.values()))
    if unknown:
        fields = ", ".join(sorted(PERSON_FIELDS.values()))
        message = f"{', '.join(unknown)}: not a field of the person (one of {fields})"
        raise IntakeInvalid([FieldError("update", message)])


def _open_case(uow: UnitOfWork, person: Person) -> Case:
    case = uow.session.scalar(
        select(Case)
        .where(Case.person_id == person.id, Case.status == CaseStatus.OPEN)
        .order_by(Case.opened_at.desc())
        .limit(1)
    )
    if case is None:
        case = uow.add(
            Case(
                id=new_id(),
                code=_unused_case_code(uow),
                person_id=person.id,
                officer_id=uow.actor.user_id,
            )
        )
    return case


def _add_needs(uow: UnitOfWork, case: Case, needs: list[str]) -> None:
    existing = set(
        uow.session.scalars(select(CaseNeed.need_key).where(CaseNeed.case_id == case.id))
    )
    for need in needs:
        if need not in existing:
            uow.add(CaseNeed(case_id=case.id, need_key=need))


def submit_intake(store: Store, actor: Actor, request: IntakeRequest) -> SavedIntake:
    """Check the answers and save them in one transaction, or raise :class:`IntakeInvalid`.

    A known person (``person_id``) keeps every value but those of the fields named in
    ``request.update`` (``kiosk.cases.corrections``); the intake then records the person's
    values. A person with an open case gets a new visit on it; otherwise a new case is
    opened.
    """
    _check_update(request)
    form = load_form(request.form_id)
    result = validate_answers(form, request.answers, request.language)
    if not result.ok:
        raise IntakeInvalid(result.errors)
    values = result.values
    with store.unit_of_work(actor) as uow:
        case: Case | None = None
        person: Person | None = None
        correction = Correction()
        if not result.anonymous:
            person, correction = _person(uow, values, request)
            values = _as_kept(values, person)
            case = _open_case(uow, person)
            uow.add(Visit(case_id=case.id, ticket_id=request.ticket_id, officer_id=actor.user_id))
            birth = _undeclared_birth(values)
            if birth is not None:
                values = _with_need(values, NEWBORN_NEED)
            needs = values.get("needs", [])
            _add_needs(uow, case, [str(need) for need in needs] if isinstance(needs, list) else [])
            if birth is not None:
                start_for_newborn(uow, case, birth, utcnow())
            if values.get("notes"):
                note = str(values["notes"])
                uow.add(
                    CaseEntry(
                        case_id=case.id, kind=CaseEntryKind.NOTE, text=note, author=actor.name
                    )
                )
        intake = uow.add(
            Intake(
                id=new_id(),
                case_id=case.id if case else None,
                ticket_id=request.ticket_id,
                form_id=form.id,
                form_version=form.version,
                language=request.language,
                consent_record=not result.anonymous,
                consent_share=bool(values.get("consent.share", False)),
                consent_stats=bool(values.get("consent.stats", result.anonymous)),
                consent_method=str(values.get("consent.method", "")),
                answers=json.dumps(_stored(values), ensure_ascii=False, sort_keys=True),
            )
        )
        return SavedIntake(  # read before the commit expires the records
            intake_id=intake.id,
            case_id=case.id if case else None,
            person_id=person.id if person else None,
            case_code=case.code if case else None,
            form_version=form.version,
            updated=correction.changed,
            kept=correction.kept,
        )


def save_intake(
    context: OfficeContext,
    actor: Actor,
    state: DraftState,
    language: str,
    update: frozenset[str] = frozenset(),
) -> SavedIntake:
    """Save the intake of the wizard's ``state`` (empty answers left out), then forget its
    draft; :class:`IntakeInvalid` when an answer is wrong (the draft is kept). ``update``
    names the fields of a known person that the officer chose to change."""
    answers = {key: value for key, value in state.answers.items() if value not in (None, "", [])}
    request = IntakeRequest(
        answers=answers,
        language=language,
        ticket_id=state.ticket_id,
        person_id=state.person_id,
        update=update,
    )
    saved = submit_intake(context.store, actor, request)
    discard_draft(context.store, state.draft_id)
    return saved


DUPLICATE_KEYS = (
    "person.given_name",
    "person.family_name",
    "person.given_name_ar",
    "person.family_name_ar",
    "person.birth_year",
    "person.phone",
)
"""The answers :func:`find_duplicates` looks for a person by."""


def find_duplicates(
    context: OfficeContext,
    form: FormDefinition,
    answers: Mapping[str, object],
    searcher: Actor | None = None,
) -> list[dict[str, Any]]:
    """Known persons who may be the one the answers are about to create (five at most);
    a ``searcher``'s search is audited (how many found, never the name)."""
    values = validate_answers(form, answers).values
    year = values.get("person.birth_year")
    arabic = (values.get("person.given_name_ar"), values.get("person.family_name_ar"))
    with context.store.session() as session:
        hits = likely_duplicates(
            session,
            str(values.get("person.given_name") or ""),
            str(values.get("person.family_name") or ""),
            year if isinstance(year, int) else None,
            str(values.get("person.phone") or ""),
            " ".join(str(part) for part in arabic if part),
        )
        found = [hit.as_json() for hit in hits[:5]]
    if searcher is not None:
        record_search(context, searcher, len(found))
    return found


def person_differences(
    context: OfficeContext,
    form: FormDefinition,
    answers: Mapping[str, object],
    person_id: str,
    reader: Actor | None = None,
) -> dict[str, Any]:
    """A known person as JSON (``person``) and the fields whose answer differs from the
    record (``differences``: field, existing and new value; an empty answer is none), for
    the officer to pick, field by field, what the record keeps; audited for a ``reader``
    (``person.read``)."""
    values = validate_answers(form, answers).values
    with context.store.session() as session:
        person = session.get(Person, uuid.UUID(person_id))
        if person is None:
            raise IntakeInvalid([FieldError("person", f"no person {person_id}")])
        found = differences(person, person_values(values))
        answer = {"person": person_view(person), "differences": [item.as_json() for item in found]}
    if reader is not None:
        record_read(context, reader, PERSON_READ, person)
    return answer


def person_value(person: Person, field: str, raw: object, language: str = "fr") -> object:
    """``raw`` as the new value of the person's ``field`` (a column of ``PERSON_FIELDS``),
    checked as the intake checks that answer beside the person's other values; an
    :class:`IntakeInvalid` naming the field, in ``language``, when it is not one (an
    empty value is one: a correction never erases)."""
    keys = {column: key for key, column in PERSON_FIELDS.items()}
    form = load_form(IntakeRequest({}).form_id)
    if field not in keys:
        message = f"{form.message('unknown_field', language)} ({', '.join(keys)})"
        label = form.message("field_error", language, label=field, message=message)
        raise IntakeInvalid([FieldError(field, label)])
    item = form.field(keys[field])
    answers: dict[str, object] = {
        key: getattr(person, column)
        for key, column in PERSON_FIELDS.items()
        if getattr(person, column) not in (None, "")
    }
    answers["consent.record"] = True
    error: FieldError | None
    if is_empty(raw):
        never = form.message("never_erases", language)
        label = item.label(language)
        error = FieldError(
            item.key, form.message("field_error", language, label=label, message=never)
        )
    else:
        error = validate_one(form, item.key, raw, answers, language)
    if error is not None:
        raise IntakeInvalid([FieldError(field, error.message)])
    value, _ = coerce(item, raw)
    return value


def person_answers(
    context: OfficeContext, person_id: str, reader: Actor | None = None
) -> dict[str, object]:
    """What the intake form already knows of a person, as answers (to pre-fill a new
    visit); audited for a ``reader`` (``person.read``)."""
    with context.store.session() as session:
        person = session.get(Person, uuid.UUID(person_id))
        view = person_view(person) if person is not None else {}
    if reader is not None and person is not None:
        record_read(context, reader, PERSON_READ, person)
    answers: dict[str, object] = {}
    for key, column in PERSON_FIELDS.items():
        value = view.get(column)
        if value not in (None, ""):
            answers[key] = str(value) if isinstance(value, int) else value
    return answers


def ticket_answers(context: OfficeContext, ticket_id: str) -> dict[str, object]:
    """What the kiosk learnt with a ticket, as answers: the language the visitor took it in,
    and the need of its reason (a reason of visit is a need of the intake's taxonomy)."""
    with context.store.session() as session:
        ticket = session.get(Ticket, uuid.UUID(ticket_id))
        if ticket is None:
            return {}
        language = SPOKEN_LANGUAGES.get(ticket.language, ticket.language)  # Darija: ar
        return {"person.language": language, "needs": [ticket.reason_key]}
