"""An office's activity written straight into its database, with the times a test or a
benchmark chooses (the unit of work stamps records with the current time).

:class:`Activity` gathers rows (persons with their case, intakes and visits, anonymous
contacts, tickets, referrals with their events, steps, needs and their changes) and
:meth:`Activity.insert` writes them in bulk. :func:`known_month` is November 2026 of an
office, whose figures ``tests/unit/kiosk/reports`` computes by hand.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from db.base import new_id
from db.cases import (
    AccompanimentStep,
    Case,
    CaseNeed,
    CaseNeedEvent,
    Intake,
    NeedState,
    Person,
    Referral,
    ReferralEvent,
    ReferralPriority,
    ReferralState,
    Visit,
)
from db.models import Ticket, TicketState
from db.store import Store
from kiosk.clock import OFFICE_ZONE

MODELS = (
    Person,
    Case,
    Intake,
    Visit,
    CaseNeed,
    CaseNeedEvent,
    Referral,
    ReferralEvent,
    AccompanimentStep,
    Ticket,
)
"""The tables written, parents first."""


def local(day: date | str, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on the office's clock (a day as ``YYYY-MM-DD`` or a date)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OFFICE_ZONE)


@dataclass
class Visitor:
    """A person of the activity and their case."""

    person: uuid.UUID
    case: uuid.UUID
    needs: dict[str, uuid.UUID] = field(default_factory=dict)


@dataclass
class Activity:
    """Rows to write for the office ``office_id``."""

    office_id: uuid.UUID
    rows: dict[Any, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    numbers: dict[Any, int] = field(default_factory=lambda: defaultdict(int))

    def _row(self, model: Any, stamp: datetime, **values: Any) -> uuid.UUID:
        row_id = values.pop("id", None) or new_id()
        self.rows[model].append(
            {
                "id": row_id,
                "office_id": self.office_id,
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
                **values,
            }
        )
        return row_id

    def _count(self, kind: str) -> int:
        self.numbers[kind] += 1
        return self.numbers[kind]

    def person(
        self,
        at: datetime,
        *,
        sex: str = "f",
        birth_year: int | None = 1990,
        nationality: str = "SN",
        category: str = "rpt",
        merged_into: uuid.UUID | None = None,
    ) -> Visitor:
        """A person recorded at ``at``, with an open case."""
        number = self._count("person")
        person = self._row(
            Person,
            at,
            given_name=f"Given{number}",
            family_name="Family",
            sex=sex,
            birth_year=birth_year,
            nationality=nationality,
            category=category,
            merged_into_id=merged_into,
        )
        case = self._row(
            Case, at, code=f"C-{number:06d}", person_id=person, opened_at=at, status="open"
        )
        return Visitor(person, case)

    def visit(self, visitor: Visitor, at: datetime, needs: list[str], **answers: Any) -> None:
        """An intake of ``visitor`` at ``at`` with its visit; the case gets the new needs.
        ``answers`` are the person's answers (``category``, ``sex``, ``birth_year``,
        ``nationality``)."""
        values = {f"person.{key}": value for key, value in answers.items()}
        values.update({"consent.record": True, "needs": needs})
        self._intake(visitor.case, at, values, record=True)
        self._row(Visit, at, case_id=visitor.case, at=at)
        for need in needs:
            if need not in visitor.needs:
                visitor.needs[need] = self._row(
                    CaseNeed, at, case_id=visitor.case, need_key=need, state=NeedState.OPEN
                )

    def anonymous(
        self, at: datetime, *, sex: str, age_band: str, category: str, needs: list[str]
    ) -> None:
        """An anonymous contact (consent to a record refused)."""
        values = {
            "consent.record": False,
            "person.sex": sex,
            "person.age_band": age_band,
            "person.category": category,
            "needs": needs,
        }
        self._intake(None, at, values, record=False)

    def _intake(
        self, case: uuid.UUID | None, at: datetime, values: dict[str, Any], *, record: bool
    ) -> None:
        self._row(
            Intake,
            at,
            case_id=case,
            form_id="intake",
            form_version=1,
            consent_record=record,
            consent_stats=True,
            answers=json.dumps(values),
            at=at,
        )

    def need_state(self, visitor: Visitor, need: str, state: str, at: datetime) -> None:
        """The officer marks a need of the case (``met``, ``not_met``, ``open``)."""
        self._row(CaseNeedEvent, at, need_id=visitor.needs[need], state=NeedState(state), at=at)

    def close(self, visitor: Visitor, at: datetime, reason: str) -> None:
        """Close the visitor's case."""
        for row in self.rows[Case]:
            if row["id"] == visitor.case:
                row.update(status="closed", closed_at=at, close_reason=reason)

    def referral(
        self,
        visitor: Visitor,
        at: datetime,
        need: str,
        changes: Sequence[tuple[str, datetime]] = (),
        due: timedelta = timedelta(days=14),
    ) -> None:
        """A referral made at ``at`` and sent, then each ``(state, when)`` of ``changes``."""
        number = self._count("referral")
        states = [("created", at), ("sent", at), *changes]
        referral = self._row(
            Referral,
            at,
            case_id=visitor.case,
            need_key=need,
            service_id=uuid.UUID(int=1),
            service_name="Service",
            code=f"R-{number:06d}",
            token=f"token{number}",
            priority=ReferralPriority.NORMAL,
            state=ReferralState(states[-1][0]),
            due_at=at + due,
            consent_share=True,
            sent_at=at,
        )
        for state, when in states:
            self._row(
                ReferralEvent, when, referral_id=referral, state=ReferralState(state), at=when
            )

    def step(
        self, visitor: Visitor, at: datetime, due_on: date, done_at: datetime | None = None
    ) -> None:
        """A follow-up step planned at ``at``."""
        self._row(
            AccompanimentStep,
            at,
            case_id=visitor.case,
            description="Rappeler",
            due_on=due_on,
            done_at=done_at,
        )

    def ticket(
        self,
        arrived: datetime,
        reason: str,
        state: str,
        wait_min: float | None = None,
        service_min: float | None = None,
    ) -> None:
        """A ticket taken at ``arrived``, called ``wait_min`` later, served ``service_min``."""
        day = arrived.astimezone(OFFICE_ZONE).date()
        sequence = self._count(f"ticket {day} {reason}")
        number = self._count(f"ticket {day}")
        called = arrived + timedelta(minutes=wait_min) if wait_min is not None else None
        finished = called + timedelta(minutes=service_min) if called and service_min else None
        self._row(
            Ticket,
            arrived,
            office_day=day,
            issued_reason=reason,
            reason_key=reason,
            number=f"T{number:03d}",
            sequence=sequence,
            state=TicketState(state),
            arrived_at=arrived,
            first_called_at=called,
            started_at=called if finished else None,
            finished_at=finished,
        )

    def insert(self, store: Store) -> None:
        """Write every row, in bulk, in one transaction."""
        with store.session() as session, session.begin():
            for model in MODELS:
                rows = self.rows.get(model, [])
                for start in range(0, len(rows), 10_000):
                    session.execute(insert(model), rows[start : start + 10_000])


def known_month(store: Store, office_id: uuid.UUID) -> None:
    """November 2026 of an office (UTC+1 then), with activity just before and after it.

    The figures are in ``tests/unit/kiosk/reports/test_period.py``, computed by hand.
    """
    a = Activity(office_id)
    p1 = a.person(local("2026-11-03"), sex="f", birth_year=1990, nationality="SN")
    a.visit(
        p1,
        local("2026-11-03"),
        ["health", "housing"],
        category="rpt",
        sex="f",
        birth_year=1990,
        nationality="SN",
    )
    a.visit(
        p1,
        local("2026-11-20"),
        ["health"],
        category="rpt",
        sex="f",
        birth_year=1990,
        nationality="SN",
    )
    p2 = a.person(local("2026-10-15"), sex="m", birth_year=1950, nationality="MA")
    a.visit(
        p2,
        local("2026-11-05"),
        ["pensions_social_security"],
        category="mre_returnee",
        sex="m",
        birth_year=1950,
        nationality="MA",
    )
    ivorians = []
    for day in range(6, 11):
        person = a.person(local(f"2026-11-{day:02d}"), sex="m", birth_year=2000, nationality="CI")
        a.visit(
            person,
            local(f"2026-11-{day:02d}"),
            ["residence_papers"],
            category="rpt",
            sex="m",
            birth_year=2000,
            nationality="CI",
        )
        ivorians.append(person)
    p8 = a.person(local("2026-11-30", 23, 30), category="other", birth_year=2010, nationality="ML")
    a.visit(
        p8,
        local("2026-11-30", 23, 30),
        ["education"],
        category="other",
        sex="f",
        birth_year=2010,
        nationality="ML",
    )
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December on the office's clock
    p9 = a.person(late, sex="m", birth_year=1980, nationality="NE")
    a.visit(p9, late, ["health"], category="rpt", sex="m", birth_year=1980, nationality="NE")
    early = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 1 November on the office's clock
    p10 = a.person(early, sex="m", birth_year=1985, nationality="GN")
    a.visit(p10, early, ["legal_aid"], category="rpt", sex="m", birth_year=1985, nationality="GN")
    twin = a.person(local("2026-11-10"), nationality="SN", merged_into=p1.person)
    a.visit(
        twin,
        local("2026-11-10"),
        ["housing"],
        category="rpt",
        sex="f",
        birth_year=1990,
        nationality="SN",
    )
    a.anonymous(local("2026-11-12"), sex="f", age_band="45-59", category="mre", needs=["consular"])
    a.anonymous(local("2026-11-13"), sex="m", age_band="18-29", category="rpt", needs=["health"])

    a.ticket(local("2026-11-02", 9), "pensions_social_security", "done", 10, 20)
    a.ticket(local("2026-11-02", 9), "civil_registration", "done", 30, 10)
    a.ticket(local("2026-11-16", 9), "civil_registration", "done", 5, 15)
    a.ticket(local("2026-11-16", 9, 30), "civil_registration", "no_show", 20)
    a.ticket(local("2026-11-30", 16), "civil_registration", "cancelled")
    a.ticket(local("2026-12-01", 9), "civil_registration", "done", 1, 1)
    a.ticket(local("2026-10-31", 9), "civil_registration", "done", 1, 1)

    utc = datetime(2026, 11, 3, 11, tzinfo=UTC)
    a.referral(
        p1,
        utc,
        "health",
        [("accepted", utc + timedelta(days=2)), ("done", utc + timedelta(days=7))],
    )
    utc = datetime(2026, 11, 5, 10, tzinfo=UTC)
    a.referral(p2, utc, "pensions_social_security", [("declined", utc + timedelta(hours=36))])
    a.referral(ivorians[0], local("2026-11-07"), "residence_papers")
    a.referral(ivorians[1], local("2026-11-25"), "residence_papers")
    a.referral(
        ivorians[2], local("2026-11-10"), "residence_papers", [("withdrawn", local("2026-11-12"))]
    )
    a.referral(p2, local("2026-10-20"), "pensions_social_security")
    a.referral(
        p2,
        local("2026-10-25"),
        "pensions_social_security",
        [("accepted", local("2026-10-27")), ("done", local("2026-12-03"))],
    )

    a.step(p1, local("2026-11-03"), date(2026, 11, 10), local("2026-11-09"))
    a.step(p2, local("2026-11-05"), date(2026, 11, 15))
    a.step(ivorians[0], local("2026-11-07"), date(2026, 11, 20), local("2026-12-02"))
    a.step(ivorians[1], local("2026-11-25"), date(2026, 12, 5))
    a.step(p8, local("2026-11-30", 23, 40), date(2026, 11, 30))

    a.need_state(p1, "health", "met", local("2026-11-10"))
    a.need_state(p2, "pensions_social_security", "not_met", local("2026-11-06"))
    a.need_state(ivorians[0], "residence_papers", "met", local("2026-12-02"))
    a.need_state(ivorians[1], "residence_papers", "met", local("2026-11-12"))
    a.need_state(ivorians[1], "residence_papers", "open", local("2026-11-13"))
    a.need_state(ivorians[1], "residence_papers", "met", local("2026-11-14"))
    a.close(p1, local("2026-11-20"), "need_met")
    a.close(p2, local("2026-11-06"), "abandoned")
    a.close(ivorians[0], local("2026-12-02"), "need_met")
    a.insert(store)
