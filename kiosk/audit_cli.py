"""The ``baom audit`` commands: check the audit trail, list it, export it for an inspection."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from db.uow import Actor
from kiosk.accounts import AccountError
from kiosk.audit import (
    AuditFilter,
    AuditQueryError,
    check_trail,
    export_entries,
    list_entries,
)
from kiosk.cli_output import show, with_json
from kiosk.office import OfficeContext

ERRORS: tuple[type[Exception], ...] = (AuditQueryError, AccountError)


def _filters(command: argparse.ArgumentParser) -> None:
    command.add_argument("--person", default="", help="a person's id, or a case code or id")
    command.add_argument("--user", default="", help="an account name")
    command.add_argument("--action", default="", help="an action (person.read, case.read…)")


def add_commands(commands: Any) -> None:
    """Register ``baom audit …`` on the top-level subparsers."""
    audit = commands.add_parser("audit", help="the audit trail: verify, list, export")
    actions = audit.add_subparsers(dest="action_name", required=True)
    with_json(actions.add_parser("verify", help="check that no entry was changed or removed"))
    listing = with_json(actions.add_parser("list", help="entries, the newest first"))
    _filters(listing)
    listing.add_argument("--day", type=date.fromisoformat, help="an office day, YYYY-MM-DD")
    listing.add_argument("--limit", type=int, default=500, help="at most this many (500)")
    export = with_json(actions.add_parser("export", help="entries as CSV, for an inspection"))
    _filters(export)
    export.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    export.add_argument("--since", type=date.fromisoformat, help="first office day, YYYY-MM-DD")
    export.add_argument("--until", type=date.fromisoformat, help="last office day, YYYY-MM-DD")


def _verify(args: argparse.Namespace, context: OfficeContext, actor: Actor) -> int:
    verdict = check_trail(context, actor)
    answer = {
        "intact": verdict.intact,
        "entries": verdict.entries,
        "head": verdict.head,
        "problem": verdict.problem,
        "broken_seq": verdict.broken_seq,
        "broken_id": verdict.broken_id,
    }
    if verdict.intact:
        text = f"the audit trail is intact: {verdict.entries} entries, last hash {verdict.head}"
    else:
        where = f" (id {verdict.broken_id})" if verdict.broken_id else ""
        text = (
            f"the audit trail is broken: {verdict.problem}{where}; "
            f"the {verdict.entries} entries before it are intact"
        )
    show(args, answer, text)
    return 0 if verdict.intact else 1


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no entries"
    header = {"seq": "seq", "at": "at (UTC)", "user_name": "user", "action": "action"}
    header |= {"entity_type": "record", "entity_id": "id", "detail": "detail"}
    return "\n".join(
        f"{row['seq']:>7}  {row['at'][:19]:<19}  {row['user_name']:<16} {row['action']:<22} "
        f"{row['entity_type']:<14} {row['entity_id']:<36} {row['detail']}".rstrip()
        for row in [header, *rows]
    )


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one of the commands for the opened office."""
    actor = context.system
    if args.action_name == "verify":
        return _verify(args, context, actor)
    if args.action_name == "list":
        wanted = AuditFilter(args.person, args.user, args.day, args.action)
        rows = list_entries(context, actor, wanted, limit=args.limit)
        show(args, rows, _table(rows))
        return 0
    wanted = AuditFilter(args.person, args.user, None, args.action, args.since, args.until)
    count = export_entries(context, actor, wanted, args.out)
    show(args, {"entries": count, "out": str(args.out)}, f"{count} entries written to {args.out}")
    return 0
