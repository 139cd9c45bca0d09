"""The ``baom privacy`` commands: the retention schedule's run and the holds on cases.

``run-retention [--dry-run] --json`` prints the counts per kind (``kiosk.retention``);
``hold CASE --reason R`` and ``release CASE`` keep a case from the schedule or give it back;
``declaration --lang fr|ar --out FILE.pdf`` writes the office's declaration to the CNDP
(``kiosk.declaration``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli_output import show, with_json
from kiosk.declaration import LANGUAGES, DeclarationError
from kiosk.erasure import ErasureError
from kiosk.office import OfficeContext
from kiosk.privacy_notice import MissingText
from kiosk.retention import HOLD_REASONS

ERRORS: tuple[type[Exception], ...] = (ErasureError, DeclarationError, MissingText)


def add_commands(commands: Any) -> None:
    """Register ``baom privacy`` on the top-level subparsers."""
    privacy = commands.add_parser(
        "privacy", help="the retention schedule, holds on cases, the CNDP declaration"
    )
    actions = privacy.add_subparsers(dest="action", required=True)
    run = with_json(actions.add_parser("run-retention", help="apply the retention schedule"))
    run.add_argument("--dry-run", action="store_true", help="count what is due, change nothing")
    held = with_json(actions.add_parser("hold", help="keep a case from the schedule"))
    held.add_argument("case", help="a case code (C-XXXXXX) or id")
    held.add_argument("--reason", required=True, choices=HOLD_REASONS)
    released = with_json(actions.add_parser("release", help="give a held case back"))
    released.add_argument("case", help="a case code (C-XXXXXX) or id")
    _add_declaration(actions)


def _add_declaration(actions: Any) -> None:
    """``baom privacy declaration --lang fr|ar --out FILE.pdf [--json]``."""
    declaration = with_json(
        actions.add_parser(
            "declaration", help="write the office's declaration to the CNDP (A4 PDF)"
        )
    )
    declaration.add_argument(
        "--lang", required=True, choices=LANGUAGES, help="the CNDP reads French or Arabic"
    )
    declaration.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")


def _declaration(args: argparse.Namespace, context: OfficeContext) -> int:
    """Write the declaration; it reads no personal data, so it runs as the system."""
    from kiosk.declaration import write_declaration

    if args.declaration_writer is None:
        raise DeclarationError("this installation cannot draw the declaration (no printing)")
    path = args.out.absolute()
    facts = write_declaration(context, args.lang, path, args.declaration_writer)
    answer = {**facts.as_json(), "language": args.lang, "path": str(path)}
    show(args, answer, f"the declaration of {context.office_name!r} ({args.lang}) is {path}")
    return 0


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom privacy`` command for the opened office, as the command's actor."""
    from kiosk.retention import hold, run_retention

    if args.action == "declaration":
        return _declaration(args, context)
    actor = args.actor
    if args.action == "run-retention":
        done = run_retention(context, actor, dry_run=args.dry_run)
        counts = ", ".join(f"{count} {kind}" for kind, count in done.counts.items())
        show(args, done.as_json(), f"{'due' if args.dry_run else 'done'}: {counts}")
        return 0
    answer = hold(context, actor, args.case, args.reason if args.action == "hold" else None)
    show(args, answer, f"case {answer['code']}: {args.action} recorded")
    return 0
