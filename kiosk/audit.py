"""The audit trail as a supervisor or an inspector reads it: who did what, when, to which
record; the reads worth auditing; and the check that the trail is whole.

Reads of personal data are audited here, in the core, so that the desk and ``baom`` record
the same: opening a case (:data:`CASE_READ`), a known person's record (:data:`PERSON_READ`),
a search by name (:data:`PERSON_SEARCH`: how many found, never what was searched), printing
a consent notice (:data:`CONSENT_NOTICE_PRINT`), the cases behind a report's figure
(:data:`REPORT_LIST`). An entry names the record by its id,
never by what it holds.

A person's entries (``--person``, the page's person filter) are those about the person and
about their cases, and what hangs from those cases: intakes, visits, needs and their
changes, notes, steps, referrals and their events, corrections of the person.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.audit_chain import Verdict, verify
from db.base import SyncedRecord
from db.cases import (
    AccompanimentStep,
    Case,
    CaseEntry,
    CaseItinerary,
    CaseNeed,
    CaseNeedEvent,
    Intake,
    Person,
    PersonChange,
    Referral,
    ReferralEvent,
    Visit,
)
from db.models import AuditEntry
from db.uow import Actor
from kiosk.accounts import Permission, require
from kiosk.cases.codes import CodeError, id_or_code
from kiosk.clock import OFFICE_ZONE, office_day
from kiosk.i18n import Refusal
from kiosk.office import OfficeContext

PERSON_READ = "person.read"
PERSON_SEARCH = "person.search"
PERSON_EXPORT = "person.export"
CASE_READ = "case.read"
CONSENT_NOTICE_PRINT = "consent_notice.print"
REPORT_LIST = "report.list"
READ_ACTIONS = (
    PERSON_READ,
    PERSON_SEARCH,
    PERSON_EXPORT,
    CASE_READ,
    CONSENT_NOTICE_PRINT,
    REPORT_LIST,
)
"""The reads of personal data that are audited."""

COLUMNS = ("seq", "at", "user_name", "action", "entity_type", "entity_id", "detail")
"""An entry's fields as listed and exported."""


class AuditQueryError(Refusal):
    """A filter of the audit trail that cannot be met (``error.audit.*``)."""

    catalog_prefix = "error.audit"


def record_read(
    context: OfficeContext,
    actor: Actor,
    action: str,
    entity: SyncedRecord | None = None,
    detail: str = "",
) -> None:
    """Audit that ``actor`` read personal data: ``action`` (one of :data:`READ_ACTIONS`) on
    ``entity``, with a ``detail`` that never holds personal data."""
    with context.store.unit_of_work(actor) as uow:
        uow.audit(action, entity, detail)


def record_search(context: OfficeContext, actor: Actor, found: int) -> None:
    """Audit a search of persons by name: how many were found, never the words searched."""
    record_read(context, actor, PERSON_SEARCH, detail=f"results={found}")


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list: all of them when nothing is given.

    ``person`` is a person's id or one of their cases' code or id; ``user`` an account
    name; ``day`` an office day; ``since``/``until`` office days (both included).
    """

    person: str = ""
    user: str = ""
    day: date | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None


def _person_id(session: Session, text: str) -> uuid.UUID:
    """The person ``text`` names: a person's id, or a case's code or id."""
    try:
        key = id_or_code(text.strip())
    except CodeError:
        key = None
    if isinstance(key, uuid.UUID) and session.get(Person, key) is not None:
        return key
    case = None
    if key is not None:
        found = select(Case.person_id)
        case = session.scalar(
            found.where(Case.code == key) if isinstance(key, str) else found.where(Case.id == key)
        )
    if case is None:
        raise AuditQueryError(f"person: no person or case {text!r}", "no_person", person=text)
    return case


def _ids(session: Session, statement: Select[Any]) -> set[uuid.UUID]:
    return set(session.scalars(statement))


def person_records(session: Session, person_id: uuid.UUID) -> set[uuid.UUID]:
    """The ids of the person's record and of everything about them (see the module)."""
    cases = _ids(session, select(Case.id).where(Case.person_id == person_id))
    needs = _ids(session, select(CaseNeed.id).where(CaseNeed.case_id.in_(cases)))
    referrals = _ids(session, select(Referral.id).where(Referral.case_id.in_(cases)))
    found = {person_id, *cases, *needs, *referrals}
    for model in (Intake, Visit, CaseEntry, AccompanimentStep, CaseItinerary):
        found |= _ids(session, select(model.id).where(model.case_id.in_(cases)))
    found |= _ids(session, select(CaseNeedEvent.id).where(CaseNeedEvent.need_id.in_(needs)))
    found |= _ids(session, select(ReferralEvent.id).where(ReferralEvent.referral_id.in_(referrals)))
    found |= _ids(session, select(PersonChange.id).where(PersonChange.person_id == person_id))
    return found


def _midnight(day: date) -> datetime:
    """The start of office day ``day``."""
    return datetime.combine(day, time(), OFFICE_ZONE)


def _statement(session: Session, wanted: AuditFilter) -> Select[AuditEntry]:
    statement = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if wanted.person:
        records = person_records(session, _person_id(session, wanted.person))
        statement = statement.where(AuditEntry.entity_id.in_(records))
    if wanted.user:
        statement = statement.where(AuditEntry.user_name == wanted.user)
    if wanted.action:
        statement = statement.where(AuditEntry.action == wanted.action)
    first, last = wanted.day or wanted.since, wanted.day or wanted.until
    if first is not None:
        statement = statement.where(AuditEntry.at >= _midnight(first))
    if last is not None:
        statement = statement.where(AuditEntry.at < _midnight(last + timedelta(days=1)))
    return statement


def entry_row(entry: AuditEntry) -> dict[str, Any]:
    """One entry as listed: its place, when (office day and time, ISO), who, what, on what."""
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "day": office_day(entry.at).isoformat(),
        "user_name": entry.user_name,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": str(entry.entity_id) if entry.entity_id else "",
        "detail": entry.detail,
    }


def list_entries(
    context: OfficeContext, actor: Actor, wanted: AuditFilter, limit: int | None = 500
) -> list[dict[str, Any]]:
    """The entries ``wanted`` asks for, the newest first (``limit`` of them; None: all), if
    ``actor`` may read the audit (supervisors, administrators)."""
    require(actor, Permission.VIEW_AUDIT)
    with context.store.session() as session:
        statement = _statement(session, wanted)
        if limit is not None:
            statement = statement.limit(limit)
        return [entry_row(entry) for entry in session.scalars(statement)]


def _rows(context: OfficeContext, wanted: AuditFilter) -> Iterator[dict[str, Any]]:
    with context.store.session() as session:
        statement = _statement(session, wanted).execution_options(yield_per=2000)
        for entry in session.scalars(statement):
            yield entry_row(entry)


def export_entries(
    context: OfficeContext, actor: Actor, wanted: AuditFilter, target: Path, replace: bool = False
) -> int:
    """Write the entries ``wanted`` asks for to ``target`` as CSV (UTF-8, a header line,
    the oldest first) for an inspection, if ``actor`` may read the audit; returns how
    many. An existing file is refused unless ``replace`` (the desk's file dialog asked)."""
    require(actor, Permission.VIEW_AUDIT)
    if target.exists() and not replace:
        raise AuditQueryError(f"out: {target} exists already", "file_exists", path=target)
    rows = list(_rows(context, wanted))
    rows.reverse()
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["seq", "day", *COLUMNS[1:]])
            writer.writeheader()
            writer.writerows(rows)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)  # nothing half written is left behind
    return len(rows)


def check_trail(context: OfficeContext, actor: Actor) -> Verdict:
    """Whether the audit trail is whole (``db.audit_chain.verify``), for an ``actor`` who
    may read the audit."""
    require(actor, Permission.VIEW_AUDIT)
    with context.store.engine.connect() as connection:
        return verify(connection)
