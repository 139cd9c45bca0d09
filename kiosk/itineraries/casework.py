"""Applying a template to a need of a case, ticking its steps, and closing it with the need.

Every function works inside the caller's unit of work on live records (the case's
operations in ``kiosk.cases.work`` and ``kiosk.itineraries.work`` open it). A case's
itinerary keeps its steps as ``accompaniment_step`` rows: the steps still to do on its
path, with their due dates, and the steps done or skipped. After every change the path is
planned again (:func:`replan`) with the facts of that day: a step done late moves the due
dates after it, a branch the officer chose brings its path's steps, and a deadline that
has passed (a birth more than 30 days old) takes the court's path at the next change; the
case page says so meanwhile (``kiosk.itineraries.views``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.cases import (
    STEP_SKIP_REASONS,
    AccompanimentStep,
    Case,
    CaseItinerary,
    CaseNeed,
    CaseStatus,
    Intake,
    ItineraryState,
    NeedState,
    Person,
)
from db.uow import UnitOfWork
from kiosk.cases.errors import CaseWorkError
from kiosk.clock import office_day
from kiosk.itineraries.definition import Template
from kiosk.itineraries.loader import Catalogue, UnknownTemplate, load_catalogue
from kiosk.itineraries.plan import Finished, facts_of, is_ended, plan
from protocol.directory.profile import NEED_CATEGORIES

LIVE_STATES = (ItineraryState.ACTIVE, ItineraryState.ENDED)
"""An itinerary that still leads the need (not closed with it, nor replaced)."""


class ItineraryError(CaseWorkError):
    """An itinerary request that cannot be met; the message says why, in plain words."""


def template_of(itinerary: CaseItinerary, catalogue: Catalogue | None = None) -> Template:
    """The template an itinerary follows (as the office has it now)."""
    try:
        return (catalogue or load_catalogue()).template(itinerary.template_id)
    except UnknownTemplate:
        raise ItineraryError(
            f"the itinerary template {itinerary.template_id!r} is no longer shipped",
            "no_template",
            template=itinerary.template_id,
        ) from None


def find_template(template_id: str) -> Template:
    """The template ``template_id``, else an :class:`ItineraryError` naming those known."""
    try:
        return load_catalogue().template(template_id)
    except UnknownTemplate as error:
        raise ItineraryError(str(error), "no_template", template=template_id) from None


def live_itinerary(session: Session, case_id: uuid.UUID, need: str) -> CaseItinerary | None:
    """The itinerary that leads ``need`` of the case now, if any."""
    return session.scalar(
        select(CaseItinerary)
        .where(
            CaseItinerary.case_id == case_id,
            CaseItinerary.need_key == need,
            CaseItinerary.state.in_(LIVE_STATES),
        )
        .order_by(CaseItinerary.started_at.desc())
        .limit(1)
    )


def case_facts(session: Session, case: Case, anchor: date | None, today: date) -> dict[str, object]:
    """What a branch's condition reads of the case's person, on ``today``."""
    person = session.get(Person, case.person_id)
    if person is None:
        return facts_of(anchor, "", "", None, today)
    return facts_of(anchor, person.category, person.sex, person.birth_year, today)


def propose(session: Session, case: Case, need: str, today: date) -> Template | None:
    """The template the office proposes for a need of the case: the first of the need's
    templates whose condition (``propose_when``) holds for the person, if any."""
    facts = case_facts(session, case, None, today)
    for template in load_catalogue().for_need(need):
        if template.propose_when is None or template.propose_when.holds(facts):
            return template
    return None


def intake_anchor(session: Session, case: Case, template: Template) -> date | None:
    """The anchor date the case's latest intake gives (the newborn's birth date), if any."""
    if template.anchor is None or template.anchor.answer is None:
        return None
    for answers in session.scalars(
        select(Intake.answers).where(Intake.case_id == case.id).order_by(Intake.at.desc())
    ):
        value = json.loads(answers).get(template.anchor.answer)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                continue
    return None


def _need(uow: UnitOfWork, case: Case, need: str) -> CaseNeed:
    """The case's need ``need``, added when the case did not have it; refused when it was
    marked met or not met (open it again first)."""
    if need not in NEED_CATEGORIES:
        raise ItineraryError(f"{need!r} is not a known need", "not_a_need", need=need)
    found = uow.session.scalar(
        select(CaseNeed).where(CaseNeed.case_id == case.id, CaseNeed.need_key == need)
    )
    if found is None:
        return uow.add(CaseNeed(case_id=case.id, need_key=need))
    if NeedState(found.state) is not NeedState.OPEN:
        raise ItineraryError(
            f"the need {need} of case {case.code} is {NeedState(found.state).value}: "
            "open it again first",
            "need_closed",
            need=need,
            case=case.code,
        )
    return found


def _check_open(case: Case) -> None:
    if CaseStatus(case.status) is not CaseStatus.OPEN:
        raise ItineraryError(
            f"case {case.code} is closed: reopen it first", "closed", case=case.code
        )


def _check_choices(template: Template, choices: Mapping[str, str]) -> None:
    for branch_key, path_key in choices.items():
        try:
            template.branch(branch_key).path(path_key)
        except KeyError:
            ways = [f"{b.key}={p.key}" for b in template.branches for p in b.paths]
            raise ItineraryError(
                f"{branch_key}={path_key} is not a path of {template.id} "
                f"({', '.join(ways) or 'it has no branches'})",
                "no_path",
                path=f"{branch_key}={path_key}",
                template=template.id,
            ) from None


def apply_template(
    uow: UnitOfWork,
    case: Case,
    need: str,
    template: Template,
    now: datetime,
    anchor_on: date | None = None,
    choices: Mapping[str, str] | None = None,
) -> CaseItinerary:
    """Apply ``template`` to ``need`` of the open case (the need added if the case lacked
    it) and plan its steps. Applying the template the need follows already plans it again
    with the date and choices given (its finished steps kept); another template replaces
    it (its steps still to do are dropped)."""
    _check_open(case)
    if template.need != need:
        raise ItineraryError(
            f"the template {template.id} is for the need {template.need}, not {need}",
            "template_need",
            template=template.id,
            need=need,
        )
    _check_choices(template, choices or {})
    if anchor_on is not None and anchor_on > office_day(now):
        raise ItineraryError("the date is still to come", "anchor_future", day=anchor_on)
    _need(uow, case, need)
    itinerary = live_itinerary(uow.session, case.id, need)
    if itinerary is not None and itinerary.template_id != template.id:
        itinerary.state = ItineraryState.REPLACED
        itinerary.ended_at = now
        _drop_open_steps(uow, itinerary, keep_reminders=False)
        itinerary = None
    if itinerary is None:
        itinerary = uow.add(
            CaseItinerary(
                case_id=case.id,
                need_key=need,
                template_id=template.id,
                template_version=template.version,
                started_at=now,
                anchor_on=anchor_on or intake_anchor(uow.session, case, template),
            )
        )
    else:
        itinerary.template_version = template.version
        if anchor_on is not None:
            itinerary.anchor_on = anchor_on
    if choices:
        itinerary.choices = json.dumps(
            {**json.loads(itinerary.choices or "{}"), **choices}, sort_keys=True
        )
    replan(uow, itinerary, case, now, template)
    return itinerary


def steps_of(session: Session, itinerary: CaseItinerary) -> list[AccompanimentStep]:
    """Every step row of an itinerary, in the template's order."""
    return list(
        session.scalars(
            select(AccompanimentStep)
            .where(AccompanimentStep.itinerary_id == itinerary.id)
            .order_by(AccompanimentStep.position, AccompanimentStep.due_on)
        )
    )


def replan(
    uow: UnitOfWork,
    itinerary: CaseItinerary,
    case: Case,
    now: datetime,
    template: Template | None = None,
) -> None:
    """Plan the itinerary's path again with the facts of ``now``'s office day: its steps
    still to do are added, moved or dropped to match; it has ended when only reminders are
    left (and is active again when a change brings steps back)."""
    template = template or template_of(itinerary)
    today = office_day(now)
    rows = steps_of(uow.session, itinerary)
    facts = case_facts(uow.session, case, itinerary.anchor_on, today)
    taken = template.resolve(facts, json.loads(itinerary.choices or "{}"))
    finished = [
        Finished(row.step_key, office_day(row.done_at), bool(row.skip_reason))
        for row in rows
        if row.done_at is not None
    ]
    start = office_day(itinerary.started_at)
    wanted = plan(template, taken, start, itinerary.anchor_on, finished)
    if itinerary.state not in LIVE_STATES:  # closed with its need met: only its reminders
        wanted = [planned for planned in wanted if planned.step.repeats]
    open_rows = {row.step_key: row for row in rows if row.done_at is None}
    for planned in wanted:
        row = open_rows.pop(planned.step.key, None)
        if row is None:
            uow.add(
                AccompanimentStep(
                    case_id=case.id,
                    itinerary_id=itinerary.id,
                    step_key=planned.step.key,
                    position=planned.step.position,
                    description=planned.step.title("fr")[:200],
                    due_on=planned.due,
                    deadline_on=planned.deadline,
                )
            )
        elif (row.due_on, row.deadline_on, row.position) != (
            planned.due,
            planned.deadline,
            planned.step.position,
        ):
            row.due_on, row.deadline_on = planned.due, planned.deadline
            row.position = planned.step.position
    for row in open_rows.values():  # off the path now
        uow.delete(row)
    if itinerary.state in LIVE_STATES:
        ended = is_ended(wanted)
        itinerary.state = ItineraryState.ENDED if ended else ItineraryState.ACTIVE
        itinerary.ended_at = (itinerary.ended_at or now) if ended else None


def is_reminder(template: Template | None, key: str) -> bool:
    """Whether the step ``key`` of ``template`` comes back once done (a proof of life)."""
    return template is not None and template.has_step(key) and template.step(key).repeats


def _drop_open_steps(uow: UnitOfWork, itinerary: CaseItinerary, keep_reminders: bool) -> None:
    """Delete the itinerary's steps still to do (its reminders kept if asked)."""
    template = None
    if keep_reminders:
        try:
            template = template_of(itinerary)
        except ItineraryError:
            template = None
    for row in steps_of(uow.session, itinerary):
        if row.done_at is None and not is_reminder(template, row.step_key):
            uow.delete(row)


def current_row(
    template: Template | None, rows: Sequence[AccompanimentStep]
) -> AccompanimentStep | None:
    """The first step still to do, a reminder only when nothing else is left."""
    open_rows = [row for row in rows if row.done_at is None]
    return next(
        (row for row in open_rows if not is_reminder(template, row.step_key)),
        open_rows[0] if open_rows else None,
    )


def _current_step(session: Session, itinerary: CaseItinerary) -> str:
    """The key of the step the person had reached ("" when only reminders are left)."""
    try:
        template: Template | None = template_of(itinerary)
    except ItineraryError:
        template = None
    row = current_row(template, steps_of(session, itinerary))
    return "" if row is None or is_reminder(template, row.step_key) else row.step_key


def find_step(
    session: Session, case: Case, reference: str, need: str | None = None
) -> AccompanimentStep:
    """A step of the case still to do, by its id or by its template key (among the
    itineraries of the case, or of ``need``: a need met keeps its reminders); an
    :class:`ItineraryError` when none matches, or when several itineraries have a step of
    that key still to do (name the need)."""
    text = reference.strip()
    try:
        step_id = uuid.UUID(text)
    except ValueError:
        step_id = None
    if step_id is not None:
        step = session.get(AccompanimentStep, step_id)
        if step is None or step.case_id != case.id:
            raise ItineraryError(
                f"case {case.code} has no step {text}", "no_step_of_case", case=case.code, step=text
            )
        return step
    live = select(CaseItinerary.id).where(
        CaseItinerary.case_id == case.id, CaseItinerary.state != ItineraryState.REPLACED
    )
    if need is not None:
        live = live.where(CaseItinerary.need_key == need)
    candidates = list(
        session.scalars(
            select(AccompanimentStep).where(
                AccompanimentStep.itinerary_id.in_(live),
                AccompanimentStep.step_key == text,
                AccompanimentStep.done_at.is_(None),
            )
        )
    )
    if not candidates:
        raise ItineraryError(
            f"case {case.code} has no step {text} to do",
            "no_step_of_case",
            case=case.code,
            step=text,
        )
    if len({step.itinerary_id for step in candidates}) > 1:
        raise ItineraryError(
            f"several itineraries of case {case.code} have a step {text}: give the need (--need)",
            "step_ambiguous",
            case=case.code,
            step=text,
        )
    return candidates[0]


def finish_step(
    uow: UnitOfWork,
    step: AccompanimentStep,
    now: datetime,
    skip_reason: str = "",
) -> AccompanimentStep:
    """Mark a step done, or skipped with one of :data:`~db.cases.STEP_SKIP_REASONS`; a step
    of an itinerary then plans the itinerary again. A step finished already is refused."""
    if skip_reason and skip_reason not in STEP_SKIP_REASONS:
        raise ItineraryError(
            f"a step is skipped for one of: {', '.join(STEP_SKIP_REASONS)}", "skip_reason"
        )
    case = uow.session.get(Case, step.case_id)
    assert case is not None  # a step belongs to a case (foreign key)
    _check_open(case)
    if step.done_at is not None:
        raise ItineraryError(
            f"the step {step.step_key or step.description} is finished already",
            "step_finished",
            step=step.step_key or step.description,
        )
    step.done_at = now
    step.skip_reason = skip_reason
    uow.add(step)
    if step.itinerary_id is not None:
        itinerary = uow.session.get(CaseItinerary, step.itinerary_id)
        if itinerary is not None:
            uow.session.flush()
            replan(uow, itinerary, case, now)
    return step


def need_changed(uow: UnitOfWork, case: Case, need: CaseNeed, now: datetime) -> None:
    """Follow a need's new state: met or not met closes the itinerary that leads it (the
    step reached kept for the référentiel; the steps still to do dropped, but a reminder
    of a met need, a yearly proof of life, goes on); opened again, the itinerary it was
    closed with leads it again."""
    state = NeedState(need.state)
    if state is NeedState.OPEN:
        closed = uow.session.scalar(
            select(CaseItinerary)
            .where(
                CaseItinerary.case_id == case.id,
                CaseItinerary.need_key == need.need_key,
                CaseItinerary.state == ItineraryState.CLOSED,
            )
            .order_by(CaseItinerary.started_at.desc())
            .limit(1)
        )
        if closed is not None and live_itinerary(uow.session, case.id, need.need_key) is None:
            closed.state, closed.outcome, closed.stopped_step = ItineraryState.ACTIVE, "", ""
            closed.ended_at = None
            uow.session.flush()
            replan(uow, closed, case, now)
        return
    itinerary = live_itinerary(uow.session, case.id, need.need_key)
    if itinerary is not None:
        close_itinerary(uow, itinerary, state.value, now)


def close_itinerary(uow: UnitOfWork, itinerary: CaseItinerary, outcome: str, now: datetime) -> None:
    """Close an itinerary with its need's ``outcome`` (``met``, ``not_met``, or "" when the
    case was closed with the need still open)."""
    itinerary.stopped_step = _current_step(uow.session, itinerary)
    itinerary.state = ItineraryState.CLOSED
    itinerary.outcome = outcome
    itinerary.ended_at = itinerary.ended_at or now
    _drop_open_steps(uow, itinerary, keep_reminders=outcome == NeedState.MET.value)


def case_closed(uow: UnitOfWork, case: Case, now: datetime) -> None:
    """Close every itinerary still leading a need of a case being closed."""
    itineraries = uow.session.scalars(
        select(CaseItinerary).where(
            CaseItinerary.case_id == case.id, CaseItinerary.state.in_(LIVE_STATES)
        )
    ).all()
    for itinerary in itineraries:
        need = uow.session.scalar(
            select(CaseNeed.state).where(
                CaseNeed.case_id == case.id, CaseNeed.need_key == itinerary.need_key
            )
        )
        outcome = NeedState(need).value if need is not None else ""
        close_itinerary(uow, itinerary, "" if outcome == "open" else outcome, now)


def start_for_newborn(
    uow: UnitOfWork, case: Case, birth: date, now: datetime
) -> CaseItinerary | None:
    """A birth not declared yet: the civil registration itinerary of the newborn's birth
    starts (its deadline counting from ``birth``), unless the need follows one already."""
    templates = [
        template
        for template in load_catalogue().for_need("civil_registration")
        if template.anchor is not None and template.anchor.key == "birth"
    ]
    if not templates or live_itinerary(uow.session, case.id, "civil_registration") is not None:
        return None
    return apply_template(uow, case, "civil_registration", templates[0], now, anchor_on=birth)
