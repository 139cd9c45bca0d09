"""The retention schedule: what the office stops keeping, and when (docs/retention.md).

Two office settings: ``retention.closed_case_months`` (a person whose cases are all closed,
the last one that many months ago, is anonymised by :func:`kiosk.erasure.erase_person`: the
one erasure, keeping anonymous facts only with consent to statistics) and
``retention.draft_days`` (an unfinished intake untouched that many days is deleted).
Anonymous contacts and queue tickets hold no personal data, so nothing is due for them. A
supervisor may hold a case the law requires keeping (:func:`hold`): its person is skipped,
and counted. :func:`run_retention` runs once a day in the application and at
``baom privacy run-retention``; a dry run counts the same, writes nothing but its audit
line, and lists the case codes due.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from db.base import utcnow
from db.cases import Case, CaseStatus, IntakeDraft, Person
from db.models import AuditEntry
from db.uow import Actor
from kiosk.accounts import Permission, require
from kiosk.cases.casework import find_case
from kiosk.erasure import ErasureError, check_reason, erase_persons
from kiosk.office import OfficeContext

HOLD_REASONS = ("legal_obligation", "legal_claim", "authority_request")
"""Why a case is kept past the schedule: the law, a claim in court, an authority's request."""
BATCH = 200
"""Persons anonymised per transaction: a daily run's work, without one huge write."""


@dataclass(frozen=True)
class RetentionPlan:
    """What a run finds due: the persons to anonymise (and their cases' codes), the
    drafts to delete, and the held cases whose person would otherwise be due."""

    persons: list[uuid.UUID]
    codes: list[str]
    drafts: int
    held: int

    def counts(self) -> dict[str, int]:
        """The counts per kind, as the audit and the JSON give them."""
        return {
            "persons_anonymised": len(self.persons),
            "drafts_deleted": self.drafts,
            "cases_held": self.held,
        }


@dataclass(frozen=True)
class RetentionRun:
    """A run's counts, whether it was a dry run, and (dry run) the case codes due."""

    counts: dict[str, int]
    dry_run: bool
    due_cases: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The run as JSON: the counts at the top level."""
        return {**self.counts, "dry_run": self.dry_run, "due_cases": self.due_cases}


def plan_retention(session: Session, now: datetime, months: int, draft_days: int) -> RetentionPlan:
    """What is due at ``now`` under the schedule (one aggregate query over the cases)."""
    cutoff = now - timedelta(days=round(months * 30.44))
    open_cases = func.sum(when((Case.status == CaseStatus.OPEN, 1), else_=0))
    held_cases = func.sum(when((Case.held != "", 1), else_=0))
    rows = session.execute(
        select(Case.person_id, held_cases, func.group_concat(Case.code, " "))
        .join(Person, Person.id == Case.person_id)
        .where(Person.erased_at.is_(None), Person.merged_into_id.is_(None))
        .group_by(Case.person_id)
        .having(open_cases == 0, func.max(Case.closed_at) < cutoff)
    ).all()
    persons = [person for person, held, _ in rows if not held]
    codes = sorted(code for _, held, joined in rows if not held for code in joined.split())
    held = sum(held for _, held, _ in rows)
    drafts = session.scalar(
        select(func.count())
        .select_from(IntakeDraft)
        .where(IntakeDraft.updated_at < now - timedelta(days=draft_days))
    )
    return RetentionPlan(persons, codes, drafts or 0, held)


def run_retention(
    context: OfficeContext, actor: Actor, *, dry_run: bool = False, now: datetime | None = None
) -> RetentionRun:
    """Apply the schedule (or only count, ``dry_run``); every run is audited with its counts."""
    now = now or utcnow()
    months = int(context.settings.get("retention.closed_case_months"))
    draft_days = int(context.settings.get("retention.draft_days"))
    with context.store.session() as session:
        plan = plan_retention(session, now, months, draft_days)
    if dry_run:
        with context.store.unit_of_work(actor) as uow:
            uow.audit("retention_dry_run", detail=_detail(plan.counts()))
        return RetentionRun(plan.counts(), True, plan.codes)
    anonymised = 0
    for start in range(0, len(plan.persons), BATCH):
        with context.store.unit_of_work(actor) as uow:
            anonymised += len(erase_persons(uow, plan.persons[start : start + BATCH], "retention"))
    with context.store.unit_of_work(actor) as uow:
        result = uow.session.execute(
            delete(IntakeDraft).where(IntakeDraft.updated_at < now - timedelta(days=draft_days))
        )
        deleted = cast("CursorResult[Any]", result).rowcount
        counts = {**plan.counts(), "persons_anonymised": anonymised, "drafts_deleted": deleted}
        uow.audit("retention_run", detail=_detail(counts))
    context.store.checkpoint()
    return RetentionRun(counts, False)


DAY = timedelta(days=1)


def run_if_due(context: OfficeContext, actor: Actor, now: datetime | None = None) -> bool:
    """Run the schedule unless a run was audited in the last day (by any process of any PC
    of the office: the desk checks every hour); whether it ran."""
    now = now or utcnow()
    with context.store.session() as session:
        last = session.scalar(
            select(func.max(AuditEntry.at)).where(AuditEntry.action == "retention_run")
        )
    if last is not None and last > now - DAY:
        return False
    run_retention(context, actor, now=now)
    return True


def _detail(counts: dict[str, int]) -> str:
    return " ".join(f"{kind}={count}" for kind, count in counts.items())


def hold(context: OfficeContext, actor: Actor, case_ref: str, reason: str | None) -> dict[str, str]:
    """Hold the case ``case_ref`` (a code or an id) for ``reason`` (:data:`HOLD_REASONS`),
    or release it (``reason`` None); supervisors, audited. Returns the case and its hold."""
    require(actor, Permission.ERASE_PERSONS)
    if reason is not None:
        check_reason(reason, HOLD_REASONS)
    with context.store.unit_of_work(actor) as uow:
        case = find_case(uow.session, case_ref)
        if reason is None and not case.held:
            raise ErasureError(f"case {case.code} is not held", "not_held", case=case.code)
        case.held = reason or ""
        uow.add(case)
        uow.audit("hold" if reason else "release", case, detail=reason or "")
        return {"case_id": str(case.id), "code": case.code, "held": case.held}
