"""The itinerary step durations sent to the region: durations only, no person.

Made with the statistics records of a closed month (``kiosk.statistics.make_month``): one
:class:`~db.cases.StepStat` per itinerary step finished in the month, for a case whose
person agreed to be counted (their latest intake): the template, the step, done or
skipped, and the days it took (``kiosk.itineraries.learning.step_durations``). No person,
no case, no date but the month; a random id, the month's records made together in a
random order. The region publishes, per step done often enough, how many times and the
median days (``regional.stats``).
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from db.cases import AccompanimentStep, CaseItinerary, Intake, StepStat
from db.uow import UnitOfWork
from kiosk.itineraries.learning import step_durations


def _counted_cases(uow: UnitOfWork, case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The cases among ``case_ids`` whose latest intake agreed to statistics."""
    latest: dict[uuid.UUID, tuple[datetime, bool]] = {}
    for start in range(0, len(case_ids), 500):
        rows = uow.session.execute(
            select(Intake.case_id, Intake.at, Intake.consent_stats).where(
                Intake.case_id.in_(case_ids[start : start + 500])
            )
        )
        for case_id, at, consent in rows:
            if case_id is not None and (case_id not in latest or at > latest[case_id][0]):
                latest[case_id] = (at, consent)
    return {case_id for case_id, (_, consent) in latest.items() if consent}


def make_step_month(uow: UnitOfWork, start: datetime, end: datetime, month: str) -> int:
    """Make the step durations of the steps finished between ``start`` and ``end`` (the
    month ``month``) not made yet, in ``uow``; returns how many."""
    made = select(StepStat.step_id)
    finished = uow.session.scalars(
        select(AccompanimentStep).where(
            AccompanimentStep.itinerary_id.is_not(None),
            AccompanimentStep.done_at >= start,
            AccompanimentStep.done_at < end,
            AccompanimentStep.id.not_in(made),
        )
    ).all()
    if not finished:
        return 0
    itineraries = {
        itinerary.id: itinerary
        for itinerary in uow.session.scalars(
            select(CaseItinerary).where(
                CaseItinerary.id.in_({step.itinerary_id for step in finished})
            )
        )
    }
    counted = _counted_cases(uow, list({it.case_id for it in itineraries.values()}))
    siblings: dict[uuid.UUID, list[AccompanimentStep]] = defaultdict(list)
    for row in uow.session.scalars(
        select(AccompanimentStep).where(AccompanimentStep.itinerary_id.in_(list(itineraries)))
    ):
        siblings[row.itinerary_id].append(row)  # type: ignore[index]
    records = []
    for step in finished:
        itinerary = itineraries.get(step.itinerary_id)  # type: ignore[arg-type]
        if itinerary is None or itinerary.case_id not in counted:
            continue
        days = step_durations(itinerary, siblings[itinerary.id])[step.id]
        records.append(
            StepStat(
                id=uuid.uuid4(),
                step_id=step.id,
                month=month,
                template=itinerary.template_id,
                step=step.step_key,
                outcome="skipped" if step.skip_reason else "done",
                days=days,
            )
        )
    random.SystemRandom().shuffle(records)
    for record in records:
        uow.add(record)
    return len(records)
