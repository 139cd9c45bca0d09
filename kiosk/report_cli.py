"""The ``baom report`` commands: the office's activity reports (``kiosk.reports``).

``monthly --month YYYY-MM --lang fr|ar|en|zgh --format pdf|xlsx|json --out FILE`` writes
the month's report for the commune, the association and the funders. Aggregate figures
only, no person's data: it runs as the system, without a named account.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli_output import show, with_json
from kiosk.office import OfficeContext
from kiosk.reports.period import ReportError

ERRORS: tuple[type[Exception], ...] = (ReportError,)


def add_commands(commands: Any) -> None:
    """Register ``baom report`` on the top-level subparsers."""
    report = commands.add_parser("report", help="the office's activity reports")
    actions = report.add_subparsers(dest="action", required=True)
    monthly = with_json(
        actions.add_parser(
            "monthly", help="a month's activity report as PDF, XLSX or JSON (no personal data)"
        )
    )
    monthly.add_argument("--month", required=True, metavar="YYYY-MM")
    monthly.add_argument("--lang", required=True, metavar="fr|ar|en|zgh")
    monthly.add_argument("--format", required=True, metavar="pdf|xlsx|json")
    monthly.add_argument("--out", type=Path, required=True, metavar="FILE")


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Write the report asked for; the options are checked by the core, one line each."""
    from kiosk.reports.monthly import write_monthly_report

    path = args.out.absolute()
    report = write_monthly_report(
        context, args.month, args.lang, args.format, path, args.report_pdf_writer
    )
    answer = {
        "month": args.month,
        "language": args.lang,
        "format": args.format,
        "path": str(path),
        "provisional": report.provisional,
    }
    note = " (provisional: the month is not over)" if report.provisional else ""
    show(args, answer, f"the report of {args.month} ({args.lang}, {args.format}) is {path}{note}")
    return 0
