"""The ``baom queue`` and ``baom ticket`` commands: the queue engine without a window.

Every command prints JSON with ``--json`` (a sentence otherwise); a refused transition or
an unknown ticket is one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from db.models import PriorityKind
from kiosk.cli_output import show, with_json
from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig, ReasonsError
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.states import AFTER_SERVICE, Action, CounterBusy, QueueError
from kiosk.queue.stats import day_statistics
from kiosk.queue.views import Outcome, TakenTicket
from kiosk.settings import LANGUAGE_CODES

TRANSITIONS = ("recall", "start", "done", "no-show", "hold", "cancel", "reactivate")
ERRORS: tuple[type[Exception], ...] = (QueueError, ReasonsError)

TicketPrinter = Callable[[OfficeContext, QueueConfig, TakenTicket, str | None], dict[str, Any]]
"""Prints a ticket just taken (on the printer URI given, else ``printer.uri``) and returns
``{"printed", "job_id", "state", "error"}``. The core cannot print by itself: ``ui.main``
hands one in (``baom`` sets it on the parsed arguments as ``ticket_printer``)."""


def add_commands(commands: Any) -> None:
    """Register ``baom queue …`` and ``baom ticket …`` on the top-level subparsers."""
    ticket = commands.add_parser("ticket", help="queue tickets, as the kiosk gives them")
    ticket_commands = ticket.add_subparsers(dest="action", required=True)
    take = with_json(ticket_commands.add_parser("take", help="take a ticket"))
    take.add_argument("--reason", required=True, help="reason of visit (see 'baom queue reasons')")
    take.add_argument("--priority", action="store_true", help="a priority visitor")
    take.add_argument(
        "--priority-kind", choices=[kind.value for kind in PriorityKind], help="why (implies it)"
    )
    take.add_argument("--lang", default="fr", choices=LANGUAGE_CODES, help="visitor's language")
    take.add_argument(
        "--woman", action="store_true", help="the visitor asks to be received by a woman"
    )
    take.add_argument("--print", action="store_true", help="print the ticket (printer.uri)")
    take.add_argument("--printer", metavar="URI", help="print on this printer (implies --print)")

    queue = commands.add_parser("queue", help="the queue: calls, transitions, statistics")
    queue_commands = queue.add_subparsers(dest="action", required=True)
    with_json(queue_commands.add_parser("reasons", help="the reasons of visit"))
    with_json(queue_commands.add_parser("status", help="waiting, called and serving tickets"))
    with_json(queue_commands.add_parser("close-day", help="close every ticket still open"))
    stats = with_json(queue_commands.add_parser("stats", help="statistics of one day"))
    stats.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    call_next = with_json(queue_commands.add_parser("call-next", help="call the next ticket"))
    call_next.add_argument("--counter", type=int, required=True)
    call_next.add_argument(
        "--then",
        choices=[action.value for action in AFTER_SERVICE],
        help="what becomes of the ticket the counter still serves (refused without it)",
    )
    call = with_json(queue_commands.add_parser("call", help="call one ticket out of order"))
    call.add_argument("ticket", help="a number of today (A014) or a ticket id")
    call.add_argument("--counter", type=int, required=True)
    for name in TRANSITIONS:
        command = with_json(queue_commands.add_parser(name, help=f"{name} a ticket"))
        command.add_argument("ticket", help="a number of today (A014) or a ticket id")
    transfer = with_json(
        queue_commands.add_parser("transfer", help="send a visit to another reason or counter")
    )
    transfer.add_argument("ticket", help="a number of today (A014) or a ticket id")
    transfer.add_argument("--reason", help="the new reason of visit")
    transfer.add_argument("--counter", type=int, help="the counter that will call it")


def _take_and_print(
    args: argparse.Namespace, context: OfficeContext, queue: QueueService, taken: TakenTicket
) -> int:
    """Print the ticket just taken; it stays taken whatever the printer does."""
    number = taken.ticket.number
    printer: TicketPrinter | None = getattr(args, "ticket_printer", None)
    if printer is None:
        raise QueueError(f"ticket {number} was taken, but this installation cannot print")
    printed = printer(context, queue.config, taken, args.printer)
    answer = {**taken.as_json(), "print": printed}
    show(args, answer, f"{number}: {taken.position} before you ({printed['state']})")
    if printed["printed"]:
        return 0
    print(
        f"baom: ticket {number} was taken but not printed: {printed['error']} "
        "(the visitor keeps the number; 'baom print spool' lists the job)",
        file=sys.stderr,
    )
    return 1


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom queue``/``baom ticket`` command for the opened office."""
    queue = QueueService.for_office(context)
    actor = args.actor
    if args.command == "ticket":
        request = TicketRequest(
            reason=args.reason,
            priority=args.priority,
            priority_kind=PriorityKind(args.priority_kind) if args.priority_kind else None,
            language=args.lang,
            woman_preferred=args.woman,
        )
        taken = queue.take(actor, request)
        if args.print or args.printer:
            return _take_and_print(args, context, queue, taken)
        show(args, taken.as_json(), f"{taken.ticket.number}: {taken.position} before you")
    elif args.action == "reasons":
        reasons = [reason.as_json() for reason in queue.config.reasons]
        show(args, reasons, "\n".join(f"{r['prefix']} {r['key']}" for r in reasons))
    elif args.action == "status":
        status = queue.status().as_json()
        show(args, status, _status_text(status))
    elif args.action == "stats":
        figures = day_statistics(
            context.store, context.office_id, args.date or queue.today(), queue.config
        ).as_json()
        show(args, figures, json.dumps(figures["overall"], indent=2))
    elif args.action == "close-day":
        closed = queue.close_day(actor)
        tickets = [ticket.as_json() for ticket in closed.tickets]
        show(args, {"closed": tickets}, f"{len(tickets)} tickets closed")
    elif args.action == "call-next":
        then = Action(args.then) if args.then else None
        try:
            _show_outcome(args, queue.call_next(actor, args.counter, then))
        except CounterBusy as busy:
            raise QueueError(f"{busy} (--then done, hold or no-show)") from None
    elif args.action == "call":
        _show_outcome(args, queue.call(actor, args.ticket, args.counter))
    elif args.action == "transfer":
        _show_outcome(args, queue.transfer(actor, args.ticket, args.reason, args.counter))
    else:
        operation = getattr(queue, args.action.replace("-", "_"))
        _show_outcome(args, operation(actor, args.ticket))
    return 0


def _show_outcome(args: argparse.Namespace, outcome: Outcome | None) -> None:
    if outcome is None:
        show(args, {"ticket": None}, "nobody is waiting for this counter")
        return
    ticket, *ended = outcome.tickets  # call-next --then: the ticket it ended comes second
    where = f" at counter {ticket.counter}" if ticket.counter is not None else ""
    data: dict[str, Any] = {"ticket": ticket.as_json()}
    text = f"{ticket.number}: {ticket.state.value}{where}"
    for before in ended:
        data["ended"] = before.as_json()
        text += f" ({before.number}: {before.state.value})"
    show(args, data, text)


def _status_text(status: dict[str, Any]) -> str:
    lines = []
    for state in ("waiting", "called", "serving", "on_hold"):
        numbers = " ".join(ticket["number"] for ticket in status[state]) or "-"
        lines.append(f"{state}: {numbers}")
    return "\n".join(lines)
