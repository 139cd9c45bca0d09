"""Regional statistics: per closed month, from the offices' statistics records alone.

Every figure is computed from the de-identified records the offices send for visitors who
agreed to be counted (``stat_fact``; ``kiosk.statistics`` makes them). A month is published
:data:`PUBLISH_AFTER` after it ends (offices make their records 10 days after, and sync within
days), computed once and kept as it is (``published_stats``): there are no live counts, so
comparing two readings reveals nothing about a visit. Small counts are hidden by
:mod:`regional.disclosure` (primary and secondary suppression: no hidden count can be worked
out from the published ones); a key appears only when its count is published, and ``hidden``
lists, table by table, the keys whose count is hidden (never the count:
:meth:`regional.disclosure.Publication.hidden`), so that a reader tells a hidden count from
none. Months published before ``hidden`` was added lack it. ``by_commune`` counts HCP
codes (``other`` and ``unknown`` aside), names sent by older offices read as their code
(:func:`protocol.communes.statistics_commune`), so that the map can draw it;
``by_commune_category`` (rows ``by_commune``, columns ``by_category``) and
``by_commune_need`` (a cross table with its own margins: a record names several needs) let
it draw one category or one need. Months published before they were added lack them.

The referrals to associations of the Comité Migration Souss-Massa (CMSM) are two cross
tables of the same referrals, rows by member organisation (its directory id):
``by_cmsm_outcome`` by where each stands, ``by_cmsm_response`` by the days from sent to the
service's first answer (:data:`RESPONSE_BANDS`, ``no_answer`` for none yet), protected
together (their row margins, the referrals sent to each member, are one count);
``cmsm_median_days`` gives a member's median days to the first answer only where at least
:data:`THRESHOLD` referrals were answered. Months published before them lack the three.

``itinerary_steps`` gives, for each itinerary step done often enough in the month, how many
times and its median days, from the offices' step durations (``step_fact``) alone; months
published before it lack it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from protocol.communes import statistics_commune
from regional.disclosure import Publication
from regional.models import Office, PublishedStats, StatFact, StepFact

THRESHOLD = 5
PUBLISH_AFTER = timedelta(days=20)
"""How long after its end a month is published."""
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
RESPONSE_BANDS = (("0-2", 2), ("3-7", 7), ("8-14", 14), ("15+", None))
"""The bands of days to a first answer, each with its last day (the last one has none)."""
NO_ANSWER = "no_answer"
ONE_WAY = ("by_office", "by_category", "by_sex", "by_age_band", "by_nationality", "by_commune")


class NotPublished(ValueError):
    """The month asked for is not published (yet, or ever); the message says when."""


def publication_date(month: str) -> date:
    """The day a month's statistics are published."""
    year, number = (int(part) for part in month.split("-"))
    following = date(year + number // 12, number % 12 + 1, 1)
    return following + PUBLISH_AFTER


def latest_published_month(now: datetime) -> str:
    """The newest month whose statistics are published at ``now``."""
    day = (now - PUBLISH_AFTER).date().replace(day=1) - timedelta(days=1)
    return day.strftime("%Y-%m")


def office_names(session: Session) -> dict[Any, str]:
    """Each office's name, made unique (two offices of one name keep their id's start)."""
    rows = session.execute(select(Office.id, Office.name)).all()
    seen = Counter(name for _, name in rows)
    return {key: name if seen[name] == 1 else f"{name} ({str(key)[:8]})" for key, name in rows}


def response_band(days: int | None) -> str:
    """The band of a response time in whole days (:data:`NO_ANSWER` for none)."""
    if days is None:
        return NO_ANSWER
    return next(band for band, last in RESPONSE_BANDS if last is None or days <= last)


def _median(values: list[int]) -> float:
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def compute(session: Session, month: str) -> dict[str, Any]:
    """The protected figures of one month, from its statistics records."""
    names = office_names(session)
    facts = session.scalars(
        select(StatFact).where(StatFact.month == month, StatFact.deleted.is_(False))
    ).all()
    one_way: dict[str, Counter[str]] = {name: Counter() for name in ONE_WAY}
    office_category: Counter[tuple[str, str]] = Counter()
    commune_category: Counter[tuple[str, str]] = Counter()
    commune_need: Counter[tuple[str, str]] = Counter()
    needs: Counter[str] = Counter()
    outcomes: Counter[tuple[str, str]] = Counter()
    resolutions: Counter[tuple[str, str]] = Counter()
    cmsm_outcomes: Counter[tuple[str, str]] = Counter()
    cmsm_responses: Counter[tuple[str, str]] = Counter()
    cmsm_days: dict[str, list[int]] = {}
    for fact in facts:
        office = names.get(fact.office_id, "?")
        commune = statistics_commune(fact.commune)
        for table, key in zip(
            ONE_WAY,
            (
                office,
                fact.category,
                fact.sex,
                fact.age_band,
                fact.nationality,
                commune,
            ),
            strict=True,
        ):
            one_way[table][key] += 1
        office_category[(office, fact.category)] += 1
        commune_category[(commune, fact.category)] += 1
        named = json.loads(fact.needs)
        needs.update(named)
        commune_need.update((commune, str(need)) for need in named)
        outcomes.update((str(need), str(state)) for need, state in json.loads(fact.outcomes))
        resolutions.update((str(n), str(state)) for n, state in json.loads(fact.resolutions))
        for organisation, state, days in json.loads(fact.cmsm):
            cmsm_outcomes[(str(organisation), str(state))] += 1
            cmsm_responses[(str(organisation), response_band(days))] += 1
            if days is not None:
                cmsm_days.setdefault(str(organisation), []).append(int(days))
    publication = Publication(THRESHOLD)
    publication.total("total", len(facts))
    for table in ONE_WAY:
        publication.one_way(table, one_way[table])
    publication.two_way("by_office_category", office_category, rows="by_office", cols="by_category")
    publication.two_way(
        "by_commune_category", commune_category, rows="by_commune", cols="by_category"
    )
    publication.independent("by_need", needs)
    publication.cross("by_referral_outcome", outcomes)
    # Needs open, met and not met, with margins of their own: a row is not by_need's count
    # (an anonymous contact names needs but has no case to follow them).
    publication.cross("by_need_resolution", resolutions)
    # The communes' needs, with margins of their own (a record names several needs, or none).
    publication.cross("by_commune_need", commune_need)
    publication.cross("by_cmsm_outcome", cmsm_outcomes)
    publication.cross("by_cmsm_response", cmsm_responses)
    publication.same_margins("by_cmsm_outcome", "by_cmsm_response")
    published = publication.publish()
    if published["total"] is not None:
        published["cmsm_median_days"] = {
            organisation: _median(days)
            for organisation, days in sorted(cmsm_days.items())
            if len(days) >= THRESHOLD
        }
    else:
        published["cmsm_median_days"] = {}
    steps, hidden_steps = itinerary_steps(session, month)
    return {
        **published,
        "itinerary_steps": steps,
        "hidden": {**publication.hidden(), "itinerary_steps": hidden_steps},
    }


def itinerary_steps(session: Session, month: str) -> tuple[dict[str, Any], list[str]]:
    """How many times each itinerary step was done in the month, in all offices, and the
    median of its days (``"template/step": {"done", "median_days"}``), for the steps done
    :data:`THRESHOLD` times or more; the keys of those done fewer times, whose figures are
    hidden. Durations only: these records carry no person and take part in no total of the
    other tables, so no other figure can give a hidden one away."""
    days: dict[str, list[int]] = {}
    for template, step, taken in session.execute(
        select(StepFact.template, StepFact.step, StepFact.days).where(
            StepFact.month == month, StepFact.deleted.is_(False), StepFact.outcome == "done"
        )
    ):
        days.setdefault(f"{template}/{step}", []).append(taken)
    shown = {
        key: {"done": len(values), "median_days": round(float(median(values)), 1)}
        for key, values in sorted(days.items())
        if len(values) >= THRESHOLD
    }
    return shown, sorted(key for key, values in days.items() if len(values) < THRESHOLD)


def regional_stats(
    reader: sessionmaker[Session], writer: sessionmaker[Session], month: str | None, now: datetime
) -> dict[str, Any]:
    """The published statistics of ``month`` (the latest published one when None).

    Computed in a reading transaction and stored the first time they are asked for, so that
    no request holds the write lock while they are computed; :class:`NotPublished` for a
    month not yet published.
    """
    if month is None:
        month = latest_published_month(now)
    if not MONTH.match(month):
        raise ValueError("month must be YYYY-MM")
    published = publication_date(month)
    if now.date() < published:
        raise NotPublished(
            f"the statistics of {month} are published on {published.isoformat()}, once the "
            "offices have sent that month's records"
        )
    with reader() as session, session.begin():
        stored = session.get(PublishedStats, month)
        if stored is None:
            body: dict[str, Any] = {
                "month": month,
                "published_at": now.isoformat(timespec="seconds"),
                "threshold": THRESHOLD,
                **compute(session, month),
            }
    if stored is None:
        with writer() as session, session.begin():
            stored = session.get(PublishedStats, month)  # another request may have stored it
            if stored is None:
                stored = PublishedStats(month=month, published_at=now, body=json.dumps(body))
                session.add(stored)
    figures: dict[str, Any] = json.loads(stored.body)
    return figures
