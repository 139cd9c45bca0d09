"""What the office's own cases teach about a template: so that the référentiel is refined
from practice (``baom itinerary stats``, the desk's Itineraries page).

For each step of a template: how many times it was done and skipped (and why), how many
days it really took (the median and the slowest tenth, from the day the step before it was
finished, or the itinerary began, to the day it was done, on the office's clock) against
the template's typical days, how often it was done after its due date, and where cases
stall: how many itineraries wait on it now (and how many of them are overdue, for how
long), and how many ended unmet there. For the template: itineraries started, active,
ended, met, not met (and why), and how long the met ones took. Counts and days only: no
person, no case.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.cases import (
    AccompanimentStep,
    CaseItinerary,
    CaseNeed,
    ItineraryState,
)
from kiosk.clock import office_day
from kiosk.itineraries.casework import current_row, find_template, is_reminder
from kiosk.itineraries.definition import Template
from kiosk.office import OfficeContext

CHUNK = 500


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def step_durations(
    itinerary: CaseItinerary, rows: Sequence[AccompanimentStep]
) -> dict[uuid.UUID, int]:
    """How many office days each finished step of an itinerary took: from the day the step
    finished before it (or the itinerary began) to the day it was finished."""
    finished: list[tuple[datetime, AccompanimentStep]] = []
    for row in rows:
        if row.done_at is not None:
            finished.append((row.done_at, row))
    finished.sort(key=lambda item: item[0])
    start = office_day(itinerary.started_at)
    days: dict[uuid.UUID, int] = {}
    for done_at, row in finished:
        end = office_day(done_at)
        days[row.id] = max(0, (end - start).days)
        start = max(start, end)
    return days


def step_start(itinerary: CaseItinerary, rows: Sequence[AccompanimentStep]) -> date:
    """The day the itinerary's current step began: the last day a step was finished, or
    the day the itinerary began."""
    ends = [office_day(row.done_at) for row in rows if row.done_at is not None]
    return max([office_day(itinerary.started_at), *ends])


def _median(values: Sequence[int]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def _slowest_tenth(values: Sequence[int]) -> int | None:
    """The duration nine steps in ten took at most (the 90th percentile, nearest rank)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]


def template_stats(session: Session, template: Template, now: datetime) -> dict[str, Any]:
    """The figures of one template from the office's cases (see the module's docstring)."""
    today = office_day(now)
    itineraries = list(
        session.scalars(select(CaseItinerary).where(CaseItinerary.template_id == template.id))
    )
    rows: dict[uuid.UUID, list[AccompanimentStep]] = defaultdict(list)
    ids = [itinerary.id for itinerary in itineraries]
    for chunk in _chunks(ids):
        for row in session.scalars(
            select(AccompanimentStep)
            .where(AccompanimentStep.itinerary_id.in_(chunk))
            .order_by(AccompanimentStep.position, AccompanimentStep.due_on)
        ):
            rows[row.itinerary_id].append(row)  # type: ignore[index]
    reasons: Counter[str] = Counter()
    need_reasons = {
        (case_id, need): reason
        for chunk in _chunks(list({it.case_id for it in itineraries}))
        for case_id, need, reason in session.execute(
            select(CaseNeed.case_id, CaseNeed.need_key, CaseNeed.reason).where(
                CaseNeed.case_id.in_(chunk), CaseNeed.need_key == template.need
            )
        )
    }
    durations: dict[str, list[int]] = defaultdict(list)
    done: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    skip_reasons: dict[str, Counter[str]] = defaultdict(Counter)
    late: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    waited: dict[str, list[int]] = defaultdict(list)
    stalled: Counter[str] = Counter()
    states: Counter[str] = Counter()
    versions: Counter[int] = Counter()
    met_days: list[int] = []
    for itinerary in itineraries:
        state = ItineraryState(itinerary.state)
        versions[itinerary.template_version] += 1
        states[state.value] += 1
        own = rows.get(itinerary.id, [])
        taken = step_durations(itinerary, own)
        for row in own:
            if row.done_at is None:
                continue
            if row.skip_reason:
                skipped[row.step_key] += 1
                skip_reasons[row.step_key][row.skip_reason] += 1
                continue
            done[row.step_key] += 1
            durations[row.step_key].append(taken[row.id])
            if office_day(row.done_at) > row.due_on:
                late[row.step_key] += 1
        if state in (ItineraryState.ACTIVE, ItineraryState.ENDED):
            current = current_row(template, own)
            if current is not None and not is_reminder(template, current.step_key):
                waiting[current.step_key] += 1
                waited[current.step_key].append((today - step_start(itinerary, own)).days)
                if current.due_on < today:
                    overdue[current.step_key] += 1
        if state is ItineraryState.CLOSED:
            states[itinerary.outcome or "case_closed"] += 1
            if itinerary.outcome == "not_met":
                reason = need_reasons.get((itinerary.case_id, itinerary.need_key), "")
                reasons[reason or "unknown"] += 1
                if itinerary.stopped_step:
                    stalled[itinerary.stopped_step] += 1
            if itinerary.outcome == "met" and itinerary.ended_at is not None:
                met_days.append(
                    (office_day(itinerary.ended_at) - office_day(itinerary.started_at)).days
                )
    keys = [step.key for step in template.steps]
    keys += sorted({*done, *skipped, *waiting, *stalled} - set(keys))  # steps of older versions
    steps = []
    for key in keys:
        step = template.step(key) if template.has_step(key) else None
        steps.append(
            {
                "step": key,
                "title": step.title("fr") if step else key,
                "typical_days": step.days if step else None,
                "done": done[key],
                "skipped": skipped[key],
                "skip_reasons": dict(sorted(skip_reasons[key].items())),
                "median_days": _median(durations[key]),
                "p90_days": _slowest_tenth(durations[key]),
                "late": late[key],
                "waiting": waiting[key],
                "overdue": overdue[key],
                "median_waiting_days": _median(waited[key]),
                "stalled": stalled[key],
            }
        )
    return {
        "template": template.id,
        "version": template.version,
        "versions": {str(version): count for version, count in sorted(versions.items())},
        "need": template.need,
        "title": template.title("fr"),
        "itineraries": {
            "started": len(itineraries),
            "active": states["active"],
            "ended": states["ended"],
            "met": states["met"],
            "not_met": states["not_met"],
            "case_closed": states["case_closed"],
            "replaced": states["replaced"],
            "median_days_met": _median(met_days),
        },
        "not_met_reasons": dict(sorted(reasons.items())),
        "steps": steps,
    }


def read_template_stats(
    context: OfficeContext, template_id: str, now: datetime, language: str = "fr"
) -> dict[str, Any]:
    """:func:`template_stats` of the template ``template_id``, its titles in ``language``."""
    template = find_template(template_id)
    with context.store.session() as session:
        figures = template_stats(session, template, now)
    figures["title"] = template.title(language)
    for step in figures["steps"]:
        if template.has_step(step["step"]):
            step["title"] = template.step(step["step"]).title(language)
    return figures
