"""The ``baom intake``, ``case``, ``person`` and ``referral`` commands: the officer's work.

``baom intake submit`` refuses invalid answers with ``{"errors": [{"field", "message"}]}``
in the language asked for, and saves nothing; every other refusal is one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.cases import (
    DECLINE_REASONS,
    NEED_NOT_MET_REASONS,
    STEP_SKIP_REASONS,
    CaseEntryKind,
    ReferralPriority,
)
from kiosk.cases.casework import CLOSE_REASONS, CaseError
from kiosk.cases.errors import CaseWorkError
from kiosk.cli_output import show, with_json
from kiosk.office import OfficeContext
from kiosk.settings import LANGUAGE_CODES

if TYPE_CHECKING:
    from kiosk.cases.intake import IntakeInvalid

ERRORS: tuple[type[Exception], ...] = (CaseWorkError,)
SETTABLE_STATES = ("sent", "accepted", "declined", "done", "withdrawn", "expired")


class AnswersFileError(CaseError):
    """The answers file cannot be read as a JSON object."""


def add_commands(commands: Any) -> None:
    """Register the four command groups on the top-level subparsers."""
    intake = commands.add_parser("intake", help="record a visitor's intake")
    intake_commands = intake.add_subparsers(dest="action", required=True)
    submit = with_json(intake_commands.add_parser("submit", help="save an answers file"))
    submit.add_argument("answers", type=Path, help="a JSON object of the form's answers")
    submit.add_argument("--lang", default="fr", choices=LANGUAGE_CODES, help="error language")
    submit.add_argument("--ticket", help="the queue ticket that brought the visitor")
    submit.add_argument("--person", type=uuid.UUID, help="the id of a person already known")
    submit.add_argument(
        "--update",
        action="append",
        default=[],
        metavar="FIELD",
        help="a field of the known person that the answers change (given_name, phone…, as "
        "'person search --json' names them; repeat it); every other field keeps its value",
    )

    case = commands.add_parser(
        "case", help="cases: show, list, notes, steps, needs, itineraries, closing, reopening"
    )
    case_commands = case.add_subparsers(dest="action", required=True)
    with_json(case_commands.add_parser("show", help="one case with its timeline")).add_argument(
        "case", help="a case code (C-XXXXXX) or id"
    )
    listing = with_json(case_commands.add_parser("list", help="cases, newest first"))
    listing.add_argument("--open", action="store_true", help="open cases only")
    listing.add_argument("--limit", type=int, default=50)
    with_json(case_commands.add_parser("follow-up", help="steps due, referrals overdue, drafts"))
    note = with_json(case_commands.add_parser("note", help="write a short line on a case"))
    note.add_argument("case")
    note.add_argument("text")
    note.add_argument("--kind", choices=[kind.value for kind in CaseEntryKind], default="note")
    step = with_json(case_commands.add_parser("step", help="plan a follow-up step"))
    step.add_argument("case")
    step.add_argument("text")
    step.add_argument("--due", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    close = with_json(case_commands.add_parser("close", help="close a case"))
    close.add_argument("case")
    close.add_argument("--reason", choices=CLOSE_REASONS, required=True)
    with_json(case_commands.add_parser("reopen", help="open a closed case again")).add_argument(
        "case"
    )
    need = with_json(case_commands.add_parser("need", help="mark a need met or not met"))
    need.add_argument("case")
    need.add_argument("need", help="the need's key, as `case show` lists it")
    states = need.add_mutually_exclusive_group(required=True)
    for flag, state in (("--met", "met"), ("--not-met", "not_met"), ("--open", "open")):
        states.add_argument(flag, dest="state", action="store_const", const=state)
    need.add_argument(
        "--reason", default="", choices=NEED_NOT_MET_REASONS, help="why it was not met"
    )
    _add_itinerary_commands(case_commands)

    person = commands.add_parser("person", help="find and merge persons")
    person_commands = person.add_subparsers(dest="action", required=True)
    search = with_json(person_commands.add_parser("search", help="by name, phone, year, code"))
    search.add_argument("query")
    merge = with_json(person_commands.add_parser("merge", help="merge a duplicate person"))
    merge.add_argument("keep", type=uuid.UUID, help="the person to keep")
    merge.add_argument("duplicate", type=uuid.UUID, help="the person merged into it")
    _add_rectify(person_commands)
    call = with_json(
        person_commands.add_parser(
            "set",
            help="a person's wishes: --no-call keeps the number "
            "out of every follow-up list, --call undoes it",
        )
    )
    call.add_argument("person", help="the person's id (as 'person search --json' gives it)")
    wish = call.add_mutually_exclusive_group(required=True)
    wish.add_argument("--no-call", dest="no_call", action="store_true", help="do not call")
    wish.add_argument("--call", dest="no_call", action="store_false", help="may be called")
    _add_export(person_commands)
    _add_erasure_commands(person_commands)

    referral = commands.add_parser("referral", help="referrals to services")
    referral_commands = referral.add_subparsers(dest="action", required=True)
    create = with_json(referral_commands.add_parser("create", help="refer a case to a service"))
    create.add_argument("--case", required=True, help="a case code or id")
    create.add_argument("--service", required=True, help="a service id of the directory")
    create.add_argument("--need", required=True, help="the need it answers")
    create.add_argument("--priority", choices=[p.value for p in ReferralPriority], default="normal")
    create.add_argument("--override-reason", default="", help="a supervisor's, without consent")
    create.add_argument(
        "--discreet",
        action="store_true",
        help="its slip carries the code, the date and a neutral title, never the service",
    )
    change = with_json(
        referral_commands.add_parser(
            "set", help="record a change of state (an outcome is heard from the service by phone)"
        )
    )
    change.add_argument("code", help="the referral code (or id)")
    change.add_argument("--state", choices=SETTABLE_STATES, required=True)
    change.add_argument("--reason", default="", help=f"when declined: {', '.join(DECLINE_REASONS)}")
    change.add_argument("--provided", default="", help="when done: what was provided")
    change.add_argument("--date", type=date.fromisoformat, help="when done: YYYY-MM-DD")
    with_json(referral_commands.add_parser("show", help="one referral")).add_argument("code")
    listed = with_json(referral_commands.add_parser("list", help="referrals"))
    listed.add_argument("--overdue", action="store_true", help="past due without an outcome")


def _branch_choice(text: str) -> tuple[str, str]:
    """``BRANCH=PATH`` as a pair (argparse's type)."""
    branch, equals, path = text.partition("=")
    if not equals or not branch.strip() or not path.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write BRANCH=PATH (request=renewal)")
    return branch.strip(), path.strip()


def _add_itinerary_commands(case_commands: Any) -> None:
    """``case itinerary`` (apply a template to a need) and ``case step-done``."""
    itinerary = with_json(
        case_commands.add_parser(
            "itinerary",
            help="apply an itinerary template to a need of the case (the proposed one by "
            "default; again, to plan it anew)",
        )
    )
    itinerary.add_argument("case", help="a case code (C-XXXXXX) or id")
    itinerary.add_argument("--need", required=True, help="the need's key")
    itinerary.add_argument("--template", help="a template id ('baom itinerary list')")
    itinerary.add_argument(
        "--anchor-date",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the date its deadlines count from (a child's birth; default: the intake's)",
    )
    itinerary.add_argument(
        "--branch",
        action="append",
        default=[],
        type=_branch_choice,
        metavar="BRANCH=PATH",
        help="the path to take at a branch ('baom itinerary show ID'); repeat it",
    )
    itinerary.add_argument("--lang", default="fr", choices=LANGUAGE_CODES, help="texts' language")
    done = with_json(
        case_commands.add_parser("step-done", help="mark a step done, or skipped with a reason")
    )
    done.add_argument("case", help="a case code (C-XXXXXX) or id")
    done.add_argument("step", help="the step's key (as 'case show' lists it) or id")
    done.add_argument("--skip", action="store_true", help="skipped rather than done")
    done.add_argument("--reason", default="", choices=STEP_SKIP_REASONS, help="why it was skipped")
    done.add_argument("--need", help="the need whose itinerary has the step (when several do)")
    done.add_argument("--lang", default="fr", choices=LANGUAGE_CODES, help="texts' language")


def _itinerary_text(view: dict[str, Any]) -> str:
    """An itinerary's steps, one a line: its state, due date, deadline and title."""
    marks = {"done": "✓", "skipped": "x", "current": "→", "planned": " "}
    lines = [f"{view['code']} {view['need']}: {view['title']} ({view['state']})"]
    for step in view["steps"]:
        deadline = f" (deadline {step['deadline']})" if step["deadline"] else ""
        lines.append(
            f"{marks[step['state']]} {step['due']}  {step['step']}: {step['title']}{deadline}"
        )
    return "\n".join(lines)


def _itinerary(args: argparse.Namespace, context: OfficeContext) -> int:
    from kiosk.cases import work

    view = work.apply_itinerary(
        context,
        args.actor,
        args.case,
        args.need,
        args.template,
        args.anchor_date,
        dict(args.branch),
        language=args.lang,
    )
    show(args, view, _itinerary_text(view))
    return 0


def _step_done(args: argparse.Namespace, context: OfficeContext) -> int:
    from kiosk.cases import work

    if args.skip and not args.reason:
        raise CaseError(
            f"a step is skipped with a reason (--reason {'|'.join(STEP_SKIP_REASONS)})",
            "skip_reason",
        )
    if args.reason and not args.skip:
        raise CaseError("--reason goes with --skip (a step done has no reason)", "skip_reason")
    answer = work.step_done(
        context, args.actor, args.case, args.step, args.reason, args.need, language=args.lang
    )
    said = f"case {answer['code']}: step {answer['step'] or answer['step_id']} {answer['state']}"
    itinerary = answer["itinerary"]
    if itinerary is not None and itinerary["current"]:
        said += f"; next: {itinerary['current']}"
    elif itinerary is not None and itinerary["state"] == "ended":
        said += (
            f"; the itinerary has ended: mark the need met or not met (baom case need "
            f"{answer['code']} {itinerary['need']} --met)"
        )
    show(args, answer, said)
    return 0


def _add_rectify(person_commands: Any) -> None:
    """``baom person rectify PERSON FIELD VALUE --reason R``."""
    rectify = with_json(
        person_commands.add_parser(
            "rectify", help="correct one field of a person at their request (kept on record)"
        )
    )
    rectify.add_argument("person", help="the person's id (as 'person search --json' gives it)")
    rectify.add_argument("field", help="given_name, phone… as 'person search --json' names them")
    rectify.add_argument("value", help="the correct value, as the intake form takes it")
    rectify.add_argument("--reason", required=True, help="why (the person's request, a document…)")
    rectify.add_argument("--lang", default="fr", choices=LANGUAGE_CODES, help="error language")


def _rectify(args: argparse.Namespace, context: OfficeContext) -> int:
    from kiosk.cases.intake import IntakeInvalid
    from kiosk.cases.work import rectify

    try:
        answer = rectify(
            context, args.actor, args.person, args.field, args.value, args.reason, args.lang
        )
    except IntakeInvalid as invalid:
        _say_invalid(args, invalid)
        return 1
    said = "corrected" if answer["changed"] else "unchanged (it has that value already)"
    show(args, answer, f"person {answer['person_id']}: {answer['field']} {said}")
    return 0


def _add_export(person_commands: Any) -> None:
    """``baom person export PERSON --out FILE.json|FILE.pdf [--lang L]``."""
    export = with_json(
        person_commands.add_parser(
            "export", help="everything the office holds about a person, for the person"
        )
    )
    export.add_argument("person", help="the person's id (as 'person search --json' gives it)")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.json|FILE.pdf")
    export.add_argument(
        "--lang", choices=LANGUAGE_CODES, help="default: the person's preferred language"
    )


def _export(args: argparse.Namespace, context: OfficeContext) -> int:
    from kiosk.persons.export import export_person

    answer = export_person(
        context, args.actor, args.person, args.out.absolute(), args.lang, args.person_pdf_writer
    )
    show(args, answer, f"person {answer['person_id']}: written to {answer['path']}")
    return 0


def _add_erasure_commands(person_commands: Any) -> None:
    """``person erase``, ``restrict`` and ``unrestrict`` (supervisors; ``kiosk.erasure``)."""
    from kiosk.erasure import ERASE_REASONS, LIFT_REASONS, RESTRICT_REASONS

    for action, reasons, said in (
        ("erase", ERASE_REASONS[:-1], "erase a person: names, phone, notes, free text"),
        ("restrict", RESTRICT_REASONS, "keep a person's record but hide it until lifted"),
        ("unrestrict", LIFT_REASONS, "lift a restriction"),
    ):
        parser = with_json(person_commands.add_parser(action, help=said))
        parser.add_argument("person", type=uuid.UUID, help="the person's id")
        parser.add_argument("--reason", required=True, choices=reasons)


def _read_answers(path: Path, language: str) -> dict[str, object]:
    """The answers in the JSON file ``path``; answers nested too deep to be read are a field
    error (``IntakeInvalid``), any other unreadable file an :class:`AnswersFileError`."""
    from kiosk.cases.intake import IntakeInvalid, IntakeRequest
    from kiosk.forms import NestedTooDeep, load_form, nested_too_deep, parse_answers

    try:
        answers = parse_answers(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AnswersFileError(f"cannot read {path}: {error.strerror}", "answers_file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AnswersFileError(f"{path} is not JSON: {error}", "answers_file") from None
    except NestedTooDeep as deep:
        form = load_form(IntakeRequest({}).form_id)
        raise IntakeInvalid([nested_too_deep(form, deep.key, language)]) from None
    if not isinstance(answers, dict):
        raise AnswersFileError(f"{path} must hold a JSON object of answers", "answers_file")
    return answers


def _say_invalid(args: argparse.Namespace, invalid: IntakeInvalid) -> None:
    """Each field's error on stderr, and ``{"errors": [{"field", "message"}]}`` with --json."""
    errors = [error.as_json() for error in invalid.errors]
    if args.json:
        print(json.dumps({"errors": errors}, ensure_ascii=False, sort_keys=True))
    for error in errors:
        print(f"baom: {error['field']}: {error['message']}", file=sys.stderr)


def _intake(args: argparse.Namespace, context: OfficeContext) -> int:
    from kiosk.cases.intake import IntakeInvalid, IntakeRequest, submit_intake
    from kiosk.queue.service import QueueService

    try:
        answers = _read_answers(args.answers, args.lang)
        ticket_id = None
        if args.ticket:
            ticket_id = QueueService.for_office(context).find(args.ticket).id
        update = frozenset(part for item in args.update for part in item.split(",") if part)
        request = IntakeRequest(
            answers, args.lang, ticket_id=ticket_id, person_id=args.person, update=update
        )
        saved = submit_intake(context.store, args.actor, request)
    except IntakeInvalid as invalid:
        _say_invalid(args, invalid)
        return 1
    said = f"saved: case {saved.case_code or '(anonymous contact)'}"
    if saved.updated:
        said += f"; updated the person's {', '.join(saved.updated)}"
    if saved.kept:
        said += f"; kept the person's {', '.join(saved.kept)} (--update FIELD changes one)"
    show(args, saved.as_json(), said)
    return 0


def _case(args: argparse.Namespace, context: OfficeContext) -> int:
    from db.base import utcnow
    from kiosk.cases import work
    from kiosk.cases.views import follow_up, list_cases

    if args.action == "list":
        with context.store.session() as session:
            cases = list_cases(session, open_only=args.open, limit=args.limit)
        show(args, cases, "\n".join(f"{c['code']}  {c['status']:<6} {c['person']}" for c in cases))
        return 0
    if args.action == "follow-up":
        with context.store.session() as session:
            lists = follow_up(session, utcnow(), context.regional_url)
        counts = {name: len(items) for name, items in lists.items()}
        show(args, lists, ", ".join(f"{count} {name}" for name, count in counts.items()))
        return 0
    if args.action == "itinerary":
        return _itinerary(args, context)
    if args.action == "step-done":
        return _step_done(args, context)
    actor = args.actor
    if args.action == "show":
        detail = work.read_case(context, args.case, reader=actor)
        show(args, detail, json.dumps(detail, ensure_ascii=False, indent=2))
        return 0
    if args.action == "note":
        keys = work.write_entry(context, actor, args.case, args.kind, args.text)
    elif args.action == "step":
        keys = work.write_step(context, actor, args.case, args.text, args.due)
    elif args.action == "close":
        keys = work.close_case(context, actor, args.case, args.reason)
    elif args.action == "need":
        changed = work.set_need_state(context, actor, args.case, args.need, args.state, args.reason)
        text = f"case {changed['code']}: need {changed['need']} {changed['state']}"
        show(args, changed, text)
        return 0
    else:
        keys = work.reopen_case(context, actor, args.case)
    answer = {**keys, "action": args.action}
    show(args, answer, f"case {answer['code']}: {args.action} recorded")
    return 0


def _person(args: argparse.Namespace, context: OfficeContext) -> int:
    from kiosk.audit import record_search
    from kiosk.cases.persons import name_line, search_persons
    from kiosk.cases.work import merge

    if args.action in ("erase", "restrict", "unrestrict"):
        return _erasure(args, context)
    if args.action == "rectify":
        return _rectify(args, context)
    if args.action == "export":
        return _export(args, context)
    actor = args.actor
    if args.action == "set":
        from kiosk.cases.work import set_no_call

        changed = set_no_call(context, actor, args.person, args.no_call)
        wish = "not to be called" if args.no_call else "may be called"
        said = "recorded" if changed else "unchanged (already so)"
        answer = {"person_id": args.person, "no_call": args.no_call, "changed": changed}
        show(args, answer, f"person {args.person}: {wish}, {said}")
        return 0
    if args.action == "search":
        with context.store.session() as session:
            hits = [hit.as_json() for hit in search_persons(session, args.query)]
        record_search(context, actor, len(hits))
        lines = [f"{name_line(hit)} ({hit['birth_year']})" for hit in hits]
        show(args, hits, "\n".join(lines) or "nobody found")
        return 0
    moved = merge(context, actor, str(args.keep), str(args.duplicate))
    show(args, {"kept": str(args.keep), "cases_moved": moved}, f"{moved} case(s) moved")
    return 0


def _erasure(args: argparse.Namespace, context: OfficeContext) -> int:
    """Erase, restrict or lift the restriction of a person, as the command's actor."""
    from kiosk.erasure import erase, restrict

    actor = args.actor
    if args.action == "erase":
        erased = erase(context, actor, args.person, args.reason)
        kept = "anonymous facts kept" if erased.facts_kept else "nothing kept"
        show(args, erased.as_json(), f"person {args.person} erased ({kept})")
        return 0
    answer = restrict(context, actor, args.person, args.reason, lift=args.action == "unrestrict")
    show(args, answer, f"person {args.person}: {args.action} recorded")
    return 0


def _referral(args: argparse.Namespace, context: OfficeContext) -> int:
    from db.base import utcnow
    from kiosk.cases.casework import find_case
    from kiosk.cases.referrals import NewReferral, create_referral, find_referral, referral_view
    from kiosk.cases.work import read_referrals, set_referral_state

    url = context.regional_url
    if args.action == "show":
        with context.store.session() as session:
            answer: Any = referral_view(find_referral(session, args.code), url, utcnow())
        show(args, answer, json.dumps(answer, ensure_ascii=False, indent=2))
        return 0
    if args.action == "list":
        answer = read_referrals(context, args.overdue)
        lines = [f"{r['code']}  {r['state']:<10} {r['service']}" for r in answer]
        show(args, answer, "\n".join(lines))
        return 0
    if args.action == "set":
        answer = set_referral_state(
            context, args.actor, args.code, args.state, args.reason, args.provided, args.date
        )
    else:
        with context.store.unit_of_work(args.actor) as uow:
            case = find_case(uow.session, args.case)
            request = NewReferral(
                case.id,
                args.service,
                args.need,
                ReferralPriority(args.priority),
                override_reason=args.override_reason,
                discreet=args.discreet,
            )
            answer = referral_view(create_referral(uow, request), url, utcnow())
    show(args, answer, f"referral {answer['code']}: {answer['state']}, due {answer['due']}")
    return 0


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one of the commands for the opened office."""
    handlers = {"intake": _intake, "case": _case, "person": _person, "referral": _referral}
    return handlers[args.command](args, context)
