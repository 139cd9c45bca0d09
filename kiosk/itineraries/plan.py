"""A case's path through a template, and each step's due date.

Pure functions of the template, the case's facts, the officer's choices and the steps
already finished: :func:`plan` says which steps are still to do and by when. The path is
chosen at each branch (the officer's choice, else the first path whose condition holds,
else the default); a step's due date is the day the step before it was finished (or the
itinerary began) plus its typical days, never later than its legal deadline; a repeating
step comes back ``every_months`` after it was last done, until it is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kiosk.itineraries.dates import add_days, add_months, deadline_day
from kiosk.itineraries.definition import Step, Template


@dataclass(frozen=True)
class Finished:
    """A step done or skipped, on an office day."""

    key: str
    day: date
    skipped: bool = False


@dataclass(frozen=True)
class Planned:
    """A step still to do: when it is due, and its legal deadline if it has one."""

    step: Step
    due: date
    deadline: date | None = None


def facts_of(
    anchor: date | None, category: str, sex: str, birth_year: int | None, today: date
) -> dict[str, object]:
    """What a branch's condition may read of a case (``definition.FACTS``), on ``today``."""
    return {
        "anchor.days": (today - anchor).days if anchor is not None else None,
        "person.category": category or None,
        "person.sex": sex or None,
        "person.age": today.year - birth_year if birth_year else None,
    }


def deadline_of(step: Step, anchor: date | None) -> date | None:
    """The last day of a step's legal deadline (none without one, or without the date it
    counts from)."""
    if step.deadline is None or anchor is None:
        return None
    return deadline_day(anchor, step.deadline.days)


def plan(
    template: Template,
    taken: Mapping[str, str],
    start: date,
    anchor: date | None,
    finished: Sequence[Finished],
) -> list[Planned]:
    """The steps of the path ``taken`` still to do, in order, with their due dates."""
    by_key: dict[str, list[Finished]] = {}
    for item in finished:
        by_key.setdefault(item.key, []).append(item)
    cursor = start
    wanted: list[Planned] = []
    for step in template.path(taken):
        done = sorted(by_key.get(step.key, ()), key=lambda item: item.day)
        if step.every_months is not None:
            if not done:
                wanted.append(Planned(step, add_days(cursor, step.days)))
            elif not done[-1].skipped:
                wanted.append(Planned(step, add_months(done[-1].day, step.every_months)))
            continue  # a reminder: the steps after it do not wait for it
        if done:
            cursor = max(cursor, done[-1].day)
            continue
        cursor = add_days(cursor, step.days)
        deadline = deadline_of(step, anchor)
        due = min(cursor, deadline) if deadline is not None else cursor
        wanted.append(Planned(step, due, deadline))
    return wanted


def is_ended(wanted: Sequence[Planned]) -> bool:
    """Whether nothing but reminders is left to do: the itinerary has come to its end."""
    return all(planned.step.repeats for planned in wanted)
