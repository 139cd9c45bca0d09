"""What the desk and the command line show of a case's itineraries: plain data for JSON.

For each itinerary of a case: its template's title, its steps in order with their state
(done, skipped, current, planned), due date, legal deadline, purpose, documents, the kind
of service to refer to and the legal rules they state (with their source and whether the
legal partner has checked them); where the person stands (the current step, the nearest
deadline and the days left), and whether the facts of today would take another path than
the one planned (a birth past its 30 days: the court's path). Texts are in the language
asked for; keys stay keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.cases import (
    AccompanimentStep,
    Case,
    CaseItinerary,
    ItineraryState,
    NeedState,
    Person,
)
from kiosk.clock import office_day
from kiosk.directory.profile import Commune
from kiosk.directory.search import SearchQuery, search
from kiosk.itineraries.casework import (
    LIVE_STATES,
    case_facts,
    current_row,
    live_itinerary,
    propose,
)
from kiosk.itineraries.dates import days_left
from kiosk.itineraries.definition import ServiceKind, Step, Template
from kiosk.itineraries.loader import Catalogue, UnknownTemplate, load_catalogue

PERSON_ELIGIBILITY = frozenset({"mre", "mre_returnee", "rpt"})
"""The person categories the directory's eligibility knows (``other`` is anyone)."""
SERVICES_SHOWN = 3


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def step_state(row: AccompanimentStep, current: AccompanimentStep | None) -> str:
    """``done``, ``skipped``, ``current`` (the first still to do) or ``planned``."""
    if row.done_at is not None:
        return "skipped" if row.skip_reason else "done"
    return "current" if row is current else "planned"


def _rules(template: Template, step: Step, language: str) -> list[dict[str, Any]]:
    rules = []
    for key in step.stated_rules:
        rule = template.rule(key)
        source = template.source_of(rule)
        rules.append(
            {
                "rule": rule.key,
                "text": rule.text(language),
                "source": source.title,
                "url": source.url,
                "where": rule.where,
                "review": "reviewed" if rule.reviewed else "pending",
                "reviewer": rule.reviewer,
            }
        )
    return rules


def step_texts(catalogue: Catalogue, template: Template, key: str, language: str) -> dict[str, Any]:
    """A template step's texts in ``language``: title, purpose, documents, service, rules."""
    step = template.step(key)
    service = step.service
    return {
        "title": step.title(language),
        "purpose": step.purpose(language),
        "documents": [
            {"document": document, "name": catalogue.document(document, language)}
            for document in step.documents
        ],
        "service": service.as_json() if service is not None else None,
        "rules": _rules(template, step, language),
        "repeats": step.repeats,
        "every_months": step.every_months,
        "typical_days": step.days,
    }


def _replan(
    template: Template, taken_now: Mapping[str, str], rows: Sequence[AccompanimentStep]
) -> dict[str, str] | None:
    """The branch whose path today's facts change, against the steps still to do."""
    for row in rows:
        if row.done_at is not None or not template.has_step(row.step_key):
            continue
        branch = template.step(row.step_key).branch
        if branch is not None and taken_now.get(branch[0]) != branch[1]:
            return {"branch": branch[0], "path": taken_now[branch[0]]}
    return None


def itinerary_view(
    session: Session,
    case: Case,
    itinerary: CaseItinerary,
    now: datetime,
    language: str = "fr",
    catalogue: Catalogue | None = None,
) -> dict[str, Any]:
    """One itinerary of a case, as the desk shows it and ``baom case show`` prints it."""
    catalogue = catalogue or load_catalogue()
    rows = list(
        session.scalars(
            select(AccompanimentStep)
            .where(AccompanimentStep.itinerary_id == itinerary.id)
            .order_by(AccompanimentStep.position, AccompanimentStep.due_on)
        )
    )
    try:
        template: Template | None = catalogue.template(itinerary.template_id)
    except UnknownTemplate:
        template = None
    current = current_row(template, rows)
    choices: dict[str, str] = json.loads(itinerary.choices or "{}")
    steps = []
    for row in rows:
        known = template is not None and template.has_step(row.step_key)
        texts = (
            step_texts(catalogue, template, row.step_key, language)
            if template is not None and known
            else {
                "title": row.description,
                "purpose": "",
                "documents": [],
                "service": None,
                "rules": [],
                "repeats": False,
                "every_months": None,
                "typical_days": None,
            }
        )
        steps.append(
            {
                "step_id": str(row.id),
                "step": row.step_key,
                **texts,
                "due": row.due_on.isoformat(),
                "deadline": _day(row.deadline_on),
                "state": step_state(row, current),
                "done_at": _stamp(row.done_at),
                "skip_reason": row.skip_reason,
            }
        )
    deadlines = [row for row in rows if row.done_at is None and row.deadline_on is not None]
    nearest = min(deadlines, key=lambda row: row.deadline_on or date.max, default=None)
    deadline = None
    if nearest is not None and nearest.deadline_on is not None:
        left = days_left(nearest.deadline_on, now)
        deadline = {
            "step": nearest.step_key,
            "on": nearest.deadline_on.isoformat(),
            "days_left": left,
            "passed": left < 0,
        }
    live = ItineraryState(itinerary.state) in LIVE_STATES
    branches: list[dict[str, Any]] = []
    replan = None
    if template is not None:
        facts = case_facts(session, case, itinerary.anchor_on, office_day(now))
        taken_now = template.resolve(facts, choices)
        if live:
            replan = _replan(template, taken_now, rows)
        for branch in template.branches:
            path = branch.path(taken_now[branch.key])
            branches.append(
                {
                    "branch": branch.key,
                    "label": branch.labels.get(language) or branch.labels["fr"],
                    "path": path.key,
                    "path_label": path.labels.get(language) or path.labels["fr"],
                    "chosen": branch.key in choices,
                    "paths": [
                        {"path": p.key, "label": p.labels.get(language) or p.labels["fr"]}
                        for p in branch.paths
                    ],
                }
            )
    finished = sum(1 for row in rows if row.done_at is not None)
    return {
        "itinerary_id": str(itinerary.id),
        "need": itinerary.need_key,
        "template": itinerary.template_id,
        "version": itinerary.template_version,
        "title": template.title(language) if template else itinerary.template_id,
        "summary": template.summary(language) if template else "",
        "state": ItineraryState(itinerary.state).value,
        "outcome": itinerary.outcome,
        "stopped_step": itinerary.stopped_step,
        "started_at": _stamp(itinerary.started_at),
        "ended_at": _stamp(itinerary.ended_at),
        "anchor": template.anchor.key if template and template.anchor else None,
        "anchor_label": (
            template.anchor.labels.get(language) or template.anchor.labels["fr"]
            if template and template.anchor
            else None
        ),
        "anchor_on": _day(itinerary.anchor_on),
        "current": current.step_key if current is not None and live else None,
        "finished": finished,
        "total": len(rows),
        "deadline": deadline if live else None,
        "replan": replan,
        "branches": branches,
        "review_pending": bool(template and template.pending_review),
        "steps": steps,
    }


def case_itineraries(
    session: Session, case: Case, now: datetime, language: str = "fr"
) -> list[dict[str, Any]]:
    """Every itinerary of a case but those replaced, the live ones first, newest first."""
    catalogue = load_catalogue()
    itineraries = session.scalars(
        select(CaseItinerary)
        .where(
            CaseItinerary.case_id == case.id,
            CaseItinerary.state != ItineraryState.REPLACED,
        )
        .order_by(CaseItinerary.started_at.desc())
    ).all()
    views = [itinerary_view(session, case, it, now, language, catalogue) for it in itineraries]
    views.sort(key=lambda view: view["state"] not in ("active", "ended"))
    return views


def need_itineraries(
    session: Session,
    case: Case,
    needs: list[dict[str, Any]],
    itineraries: list[dict[str, Any]],
    now: datetime,
) -> None:
    """Give each need of ``needs`` the itinerary that leads it (``itinerary``: its id,
    ``itinerary_state``), else, while it is open, the template the office proposes
    (``proposed``); and the templates it may follow (``templates``)."""
    catalogue = load_catalogue()
    today = office_day(now)
    live = {view["need"]: view for view in itineraries if view["state"] in ("active", "ended")}
    for need in needs:
        view = live.get(need["need"])
        need["itinerary"] = view["itinerary_id"] if view else None
        need["itinerary_state"] = view["state"] if view else None
        need["templates"] = [template.id for template in catalogue.for_need(need["need"])]
        proposed = None
        if view is None and need["state"] == NeedState.OPEN.value:
            template = propose(session, case, need["need"], today)
            proposed = template.id if template else None
        need["proposed"] = proposed


def eligibility(service: ServiceKind, category: str | None) -> str | None:
    """Whom the services of a step must be open to: the step's own rule, else the person."""
    if service.eligible is not None:
        return service.eligible
    return category if category in PERSON_ELIGIBILITY else None


def propose_services(
    session: Session,
    case: Case,
    itineraries: list[dict[str, Any]],
    office: Commune | None,
    language: str = "fr",
) -> None:
    """Give the current step of each live itinerary the services of the directory it may
    refer to (``services``: the nearest few of its category open to the person)."""
    person = session.get(Person, case.person_id)
    category = person.category if person is not None else None
    for view in itineraries:
        for step in view["steps"]:
            step["services"] = []
            if step["state"] != "current" or step["service"] is None:
                continue
            service = ServiceKind(**step["service"])
            query = SearchQuery(
                category=service.category,
                eligible=eligibility(service, category),
                language=language,
                limit=SERVICES_SHOWN,
            )
            step["services"] = [
                {
                    "service_id": str(hit.service_id),
                    "name": hit.name,
                    "organization": hit.organization,
                    "commune": hit.commune,
                }
                for hit in search(session, query, office)[:SERVICES_SHOWN]
            ]


def name_steps(rows: list[dict[str, Any]], language: str) -> None:
    """Name each itinerary step of ``rows`` (``template`` and ``step`` keys) in
    ``language``, the name it was planned with when its template no longer has it."""
    catalogue = load_catalogue()
    for row in rows:
        if not row.get("template"):
            continue
        try:
            template = catalogue.template(row["template"])
        except UnknownTemplate:
            continue
        if template.has_step(row["step"]):
            row["description"] = template.step(row["step"]).title(language)


def name_templates(detail: dict[str, Any], language: str) -> None:
    """Give a case's detail the templates the office has (``templates``: id, need, title in
    ``language``), and name the templates its timeline's itineraries started with."""
    catalogue = load_catalogue()
    detail["templates"] = [
        {"id": template.id, "need": template.need, "title": template.title(language)}
        for template in catalogue.templates
    ]
    titles = {template["id"]: template["title"] for template in detail["templates"]}
    for item in detail["timeline"]:
        if item["kind"] == "itinerary_started":
            item["text"] = titles.get(item["text"], item["text"])


def next_step(
    session: Session, case_id: Any, need: str
) -> tuple[Template, AccompanimentStep] | None:
    """The step the person is at on the itinerary of ``need`` of a case (its template and
    row), if an itinerary leads the need and has a step to do."""
    itinerary = live_itinerary(session, case_id, need)
    if itinerary is None:
        return None
    try:
        template = load_catalogue().template(itinerary.template_id)
    except UnknownTemplate:
        return None
    rows = session.scalars(
        select(AccompanimentStep)
        .where(AccompanimentStep.itinerary_id == itinerary.id)
        .order_by(AccompanimentStep.position, AccompanimentStep.due_on)
    ).all()
    row = current_row(template, rows)
    if row is None or not template.has_step(row.step_key):
        return None
    return template, row
