"""Everything the office holds about one person, for the person (the right of access).

:func:`person_record` gathers, with stable keys (``docs/person-export.md``), the person's
identity, consents, cases with their visits, needs, notes, steps and referrals, the
corrections of their record with the values replaced, and who recorded what and when
(the accounts named by the audit trail). Only the person's own records are read: their
cases by ``person_id``, and what hangs from those cases; household members appear only as
the person gave them (the intake's answers, free text). :func:`export_person` writes it
to a JSON file here, or to a PDF through the writer handed in by the layer that draws
(``printing.person_export``), and audits the export with its format, never its content.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import SyncedRecord, json_value
from db.cases import (
    AccompanimentStep,
    Case,
    CaseEntry,
    CaseEntryKind,
    CaseItinerary,
    CaseNeed,
    CaseNeedEvent,
    CaseStatus,
    Intake,
    ItineraryState,
    NeedState,
    Person,
    PersonChange,
    Referral,
    ReferralEvent,
    ReferralPriority,
    ReferralState,
)
from db.cases import Visit as VisitRecord
from db.models import AuditEntry
from db.uow import Actor
from kiosk.accounts import Permission, require
from kiosk.audit import PERSON_EXPORT
from kiosk.cases.errors import CaseWorkError
from kiosk.cases.persons import find_person
from kiosk.cases.work import name_services
from kiosk.office import OfficeContext
from kiosk.settings import LANGUAGE_CODES
from protocol.communes import commune_name

FORMAT = "baom.person_export"
VERSION = 1
"""The audit action of an export (its detail is the format, ``json`` or ``pdf``)."""
FORMATS = ("json", "pdf")
IDENTITY = (
    "given_name",
    "family_name",
    "given_name_ar",
    "family_name_ar",
    "sex",
    "birth_year",
    "nationality",
    "category",
    "commune",
    "phone",
    "no_call",
    "language",
    "household_size",
    "minor_caregiver",
    "disability",
)
"""The person's fields, in the order the export lists them."""
RECORDED = (
    ("intakes", "intake_id"),
    ("visits", "visit_id"),
    ("needs", "need_id"),
    ("notes", "note_id"),
    ("itineraries", "itinerary_id"),
    ("steps", "step_id"),
    ("referrals", "referral_id"),
)
"""The lists of a case whose items say who recorded them, and the key of their ids."""

_T = TypeVar("_T")
PdfWriter = Callable[[dict[str, Any], Path], object]
"""Draws a :func:`person_record` as an A4 PDF at a path (``printing.person_export``)."""


class ExportError(CaseWorkError):
    """An export that cannot be made (a file name, a language); the message says why."""


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _history(session: Session, ids: Iterable[uuid.UUID]) -> list[AuditEntry]:
    """The audit entries about these records, oldest first."""
    wanted = list(ids)
    entries: list[AuditEntry] = []
    for start in range(0, len(wanted), 500):  # SQLite's limit on a statement's parameters
        batch = wanted[start : start + 500]
        entries += session.scalars(select(AuditEntry).where(AuditEntry.entity_id.in_(batch)))
    return sorted(entries, key=lambda entry: (entry.at, str(entry.id)))


def _case(session: Session, case: Case, language: str, ids: list[uuid.UUID]) -> dict[str, Any]:
    """One case as exported; the ids of its records are added to ``ids`` (to find in the
    audit trail who recorded them)."""
    visits = session.scalars(
        select(VisitRecord).where(VisitRecord.case_id == case.id).order_by(VisitRecord.at)
    ).all()
    needs = session.scalars(select(CaseNeed).where(CaseNeed.case_id == case.id)).all()
    events = session.scalars(
        select(CaseNeedEvent)
        .where(CaseNeedEvent.need_id.in_([need.id for need in needs]))
        .order_by(CaseNeedEvent.at)
    ).all()
    entries = session.scalars(
        select(CaseEntry).where(CaseEntry.case_id == case.id).order_by(CaseEntry.at)
    ).all()
    steps = session.scalars(
        select(AccompanimentStep)
        .where(AccompanimentStep.case_id == case.id)
        .order_by(AccompanimentStep.due_on)
    ).all()
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
    ).all()
    referral_events = session.scalars(
        select(ReferralEvent)
        .where(ReferralEvent.referral_id.in_([referral.id for referral in referrals]))
        .order_by(ReferralEvent.at)
    ).all()
    intakes = session.scalars(
        select(Intake).where(Intake.case_id == case.id).order_by(Intake.at)
    ).all()
    itineraries = session.scalars(
        select(CaseItinerary)
        .where(CaseItinerary.case_id == case.id)
        .order_by(CaseItinerary.started_at)
    ).all()
    records: list[SyncedRecord] = [
        case,
        *itineraries,
        *visits,
        *needs,
        *events,
        *entries,
        *steps,
        *referrals,
        *referral_events,
        *intakes,
    ]
    ids += [record.id for record in records]
    view: dict[str, Any] = {
        "case_id": str(case.id),
        "code": case.code,
        "status": CaseStatus(case.status).value,
        "opened_at": _stamp(case.opened_at),
        "closed_at": _stamp(case.closed_at),
        "close_reason": case.close_reason,
        "intakes": [
            {
                "intake_id": str(intake.id),
                "at": _stamp(intake.at),
                "form_version": intake.form_version,
                "language": intake.language,
                "consent_record": intake.consent_record,
                "consent_share": intake.consent_share,
                "consent_stats": intake.consent_stats,
                "consent_method": intake.consent_method,
                "answers": json.loads(intake.answers or "{}"),
            }
            for intake in intakes
        ],
        "visits": [{"visit_id": str(visit.id), "at": _stamp(visit.at)} for visit in visits],
        "needs": [
            {
                "need_id": str(need.id),
                "need": need.need_key,
                "state": NeedState(need.state).value,
                "reason": need.reason,
                "changes": [
                    {
                        "at": _stamp(event.at),
                        "state": NeedState(event.state).value,
                        "reason": event.reason,
                        "by": event.author,
                    }
                    for event in events
                    if event.need_id == need.id
                ],
            }
            for need in needs
        ],
        "notes": [
            {
                "note_id": str(entry.id),
                "at": _stamp(entry.at),
                "kind": CaseEntryKind(entry.kind).value,
                "text": entry.text,
                "by": entry.author,
            }
            for entry in entries
        ],
        "itineraries": [
            {
                "itinerary_id": str(itinerary.id),
                "need": itinerary.need_key,
                "template": itinerary.template_id,
                "template_version": itinerary.template_version,
                "state": ItineraryState(itinerary.state).value,
                "started_at": _stamp(itinerary.started_at),
                "anchor_on": itinerary.anchor_on.isoformat() if itinerary.anchor_on else None,
                "choices": json.loads(itinerary.choices or "{}"),
                "ended_at": _stamp(itinerary.ended_at),
                "outcome": itinerary.outcome,
                "stopped_step": itinerary.stopped_step,
            }
            for itinerary in itineraries
        ],
        "steps": [
            {
                "step_id": str(step.id),
                "description": step.description,
                "due_on": step.due_on.isoformat(),
                "done_at": _stamp(step.done_at),
                "itinerary_id": str(step.itinerary_id) if step.itinerary_id else None,
                "step": step.step_key or None,
                "deadline_on": step.deadline_on.isoformat() if step.deadline_on else None,
                "skip_reason": step.skip_reason,
            }
            for step in steps
        ],
        "referrals": [
            {
                "referral_id": str(referral.id),
                "code": referral.code,
                "need": referral.need_key,
                "service_id": str(referral.service_id),
                "service": referral.service_name,
                "organization": referral.organization_name,
                "priority": ReferralPriority(referral.priority).value,
                "state": ReferralState(referral.state).value,
                "made_at": _stamp(referral.created_at),
                "due": _stamp(referral.due_at),
                "sent_at": _stamp(referral.sent_at),
                "consent_share": referral.consent_share,
                "override_reason": referral.override_reason,
                "reason": referral.reason,
                "provided": referral.provided,
                "outcome_on": referral.outcome_on.isoformat() if referral.outcome_on else None,
                "changes": [
                    {
                        "at": _stamp(event.at),
                        "state": ReferralState(event.state).value,
                        "source": event.source,
                        "reason": event.reason,
                        "detail": event.detail,
                        "by": event.author,
                    }
                    for event in referral_events
                    if event.referral_id == referral.id
                ],
            }
            for referral in referrals
        ],
    }
    name_services(session, view["referrals"], language)
    return view


def _identity(person: Person) -> dict[str, Any]:
    return {field: json_value(getattr(person, field)) for field in IDENTITY}


def person_record(
    session: Session, person: Person, language: str, office: dict[str, str], now: datetime
) -> dict[str, Any]:
    """Everything the office holds about ``person``, JSON-ready (``docs/person-export.md``);
    services named in ``language``."""
    cases = session.scalars(
        select(Case).where(Case.person_id == person.id).order_by(Case.opened_at)
    ).all()
    merged = session.scalars(
        select(Person).where(Person.merged_into_id == person.id).order_by(Person.created_at)
    ).all()
    changes = session.scalars(
        select(PersonChange)
        .where(PersonChange.person_id.in_([person.id, *(twin.id for twin in merged)]))
        .order_by(PersonChange.at)
    ).all()
    ids = [person.id, *(twin.id for twin in merged), *(change.id for change in changes)]
    case_views = [_case(session, case, language, ids) for case in cases]
    history = _history(session, ids)
    created = {
        entry.entity_id: entry.user_name
        for entry in history
        if entry.action == "create" and entry.entity_id is not None
    }
    person_view = {
        "recorded_at": _stamp(person.created_at),
        "recorded_by": created.get(person.id, ""),
    }
    for view in case_views:
        view["opened_by"] = created.get(uuid.UUID(view["case_id"]), "")
        for key, id_key in RECORDED:
            for item in view[key]:
                item["recorded_by"] = created.get(uuid.UUID(item[id_key]), "")
    return {
        "format": FORMAT,
        "version": VERSION,
        "language": language,
        "exported_at": now.isoformat(),
        "office": office,
        "person": {"person_id": str(person.id), **_identity(person), **person_view},
        "merged_records": [
            {"person_id": str(twin.id), **_identity(twin), "recorded_at": _stamp(twin.created_at)}
            for twin in merged
        ],
        "corrections": [
            {
                "at": _stamp(change.at),
                "fields": change.fields.split(),
                "previous": json.loads(change.previous or "{}"),
                "reason": change.reason,
                "by": change.author,
            }
            for change in changes
        ],
        "cases": case_views,
        "history": [
            {
                "at": _stamp(entry.at),
                "by": entry.user_name,
                "action": entry.action,
                "record": entry.entity_type,
            }
            for entry in history
        ],
    }


def export_language(person: Person, language: str | None) -> str:
    """``language`` if given (one of the interface's), else the person's preferred language
    when the office writes in it, else French; :class:`ExportError` for another language."""
    if language is None:
        return person.language if person.language in LANGUAGE_CODES else "fr"
    if language not in LANGUAGE_CODES:
        raise ExportError(
            f"no export in {language!r}: one of {', '.join(LANGUAGE_CODES)}",
            "export_language",
            language=language,
            languages=", ".join(LANGUAGE_CODES),
        )
    return language


def export_format(path: Path) -> str:
    """``json`` or ``pdf``, from the file's suffix; :class:`ExportError` for another one."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(
            f"{path.name}: the export is a .json or a .pdf file", "export_suffix", file=path.name
        )
    if path.is_dir():
        raise ExportError(f"{path} is a folder: name a file", "export_write", file=path.name)
    if not path.parent.is_dir():
        raise ExportError(
            f"there is no folder {path.parent} to write the export in",
            "export_folder",
            folder=path.parent,
        )
    return suffix


def _private_file(path: Path) -> Path:
    """A new empty file beside ``path``, readable by its owner only, to write it in."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    return partial


def _writable(path: Path, write: Callable[[Path], _T]) -> _T:
    """``write(path)``, an :class:`ExportError` saying why when the file cannot be written."""
    try:
        return write(path)
    except OSError as error:
        raise ExportError(
            f"cannot write {path}: {error.strerror or error}", "export_write", file=path.name
        ) from None


def _write_json(record: dict[str, Any], path: Path) -> None:
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


def export_person(
    context: OfficeContext,
    actor: Actor,
    person_id: str,
    path: Path,
    language: str | None = None,
    pdf_writer: PdfWriter | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Write everything about the person ``person_id`` to ``path`` (``.json``, or ``.pdf``
    drawn by ``pdf_writer``) in ``language`` (default: the person's), for a supervisor;
    audited as ``person.export`` with the format. Returns ``{"person_id", "format",
    "language", "path"}``."""
    require(actor, Permission.EXPORT_PERSONS)
    kind = export_format(path)
    draw = _write_json if kind == "json" else pdf_writer
    if draw is None:
        raise ExportError("this installation cannot draw PDF files", "export_no_pdf")
    office = {"name": context.office_name, "commune": commune_name(context.office_commune, "fr")}
    partial = _writable(path, _private_file)
    try:
        with context.store.unit_of_work(actor) as uow:
            person = find_person(uow.session, person_id)
            chosen = export_language(person, language)
            record = person_record(uow.session, person, chosen, office, now or datetime.now(UTC))
            draw(record, partial)
            uow.audit(PERSON_EXPORT, person, detail=kind)
            answer = {"person_id": str(person.id), "format": kind, "language": chosen}
        _writable(path, lambda target: os.replace(partial, target))  # once audited
    finally:
        partial.unlink(missing_ok=True)
    return {**answer, "path": str(path)}
