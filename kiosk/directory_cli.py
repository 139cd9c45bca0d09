"""The ``baom directory`` commands: import, export, search and show the service directory.

``--json`` prints JSON on stdout; a package that cannot be read, an unknown service or a
bad option is one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from db.base import utcnow
from kiosk.cli_output import show
from kiosk.directory.card import UnknownService, service_card
from kiosk.directory.export import export_json, export_tabular
from kiosk.directory.importer import import_directory
from kiosk.directory.search import SearchQuery
from kiosk.directory.view import find_services
from kiosk.office import OfficeContext
from kiosk.settings import LANGUAGE_CODES
from protocol.directory.profile import NEED_CATEGORIES, VISITOR_CATEGORIES
from protocol.directory.reader import FORMATS, PackageError

ERRORS: tuple[type[Exception], ...] = (PackageError, UnknownService)
DEMO_DIRECTORY = "souss-massa-demo.json"


def demo_directory() -> Path:
    """The Souss-Massa demo directory shipped in ``resources/directory``."""
    return Path(str(resources.files("resources") / "directory" / DEMO_DIRECTORY))


def add_commands(commands: Any) -> None:
    """Register ``baom directory …`` on the top-level subparsers."""
    directory = commands.add_parser("directory", help="the service directory (HSDS 3.0)")
    actions = directory.add_subparsers(dest="action", required=True)

    load = actions.add_parser("import", help="import an HSDS package (JSON, tabular, zip)")
    source = load.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "path", nargs="?", type=Path, help="JSON file, folder, datapackage.json or zip"
    )
    source.add_argument("--demo", action="store_true", help="the Souss-Massa demo directory")
    load.add_argument("--format", choices=FORMATS, default="auto")
    load.add_argument("--json", action="store_true", help="print JSON")

    export = actions.add_parser("export", help="export the directory")
    export.add_argument("--format", choices=FORMATS[1:], required=True)
    export.add_argument("out", type=Path, help="the folder to write")

    find = actions.add_parser("search", help="search services")
    find.add_argument("query", help="words, as typed (the last one may be unfinished)")
    find.add_argument("--lang", choices=LANGUAGE_CODES, help="language of the results")
    find.add_argument("--category", choices=NEED_CATEGORIES, help="need category key")
    find.add_argument(
        "--commune", help="a commune (HCP code or any name) or a province (code or name)"
    )
    find.add_argument("--eligible", choices=VISITOR_CATEGORIES, help="visitor category")
    find.add_argument("--spoken", help="a language spoken at the service (ISO code)")
    find.add_argument("--open-now", action="store_true", help="open now (Africa/Casablanca)")
    find.add_argument(
        "--at", type=datetime.fromisoformat, help="'now' for --open-now (ISO, with zone)"
    )
    find.add_argument("--limit", type=int, default=20)
    find.add_argument("--json", action="store_true", help="print JSON")

    show = actions.add_parser("show", help="one service's card")
    show.add_argument("service_id")
    show.add_argument("--lang", choices=LANGUAGE_CODES, help="language of the card")
    show.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom directory`` command for the opened office."""
    if args.action == "import":
        path = demo_directory() if args.demo else args.path
        report = import_directory(context.store, args.actor, path, args.format).as_json()
        counts = ", ".join(
            f"{report[key]} {key}" for key in ("created", "updated", "unchanged", "skipped")
        )
        lines = [
            f"{w['file']}:{w['row'] or ''} {w['field']}: {w['reason']}" for w in report["warnings"]
        ]
        show(args, report, "\n".join([counts, *lines]))
        return 0
    language = getattr(args, "lang", None) or str(context.settings.get("desk.language"))
    if args.action == "search":
        now = args.at or utcnow()
        query = SearchQuery(
            text=args.query,
            language=language,
            category=args.category,
            commune=args.commune,
            eligible=args.eligible,
            spoken=args.spoken,
            open_at=now if args.open_now else None,
            limit=args.limit,
        )
        hits = [hit.as_json() for hit in find_services(context, query)]
        lines = [f"{h['service_id']}  {h['name']} ({h['commune'] or '-'})" for h in hits]
        show(args, hits, "\n".join(lines))
        return 0
    with context.store.session() as session:
        if args.action == "export":
            write = export_json if args.format == "hsds-json" else export_tabular
            written = write(session, args.out)
            print(", ".join(f"{count} in {file}" for file, count in written.items()))
        else:
            card = service_card(session, args.service_id, language, utcnow())
            show(args, card, json.dumps(card, ensure_ascii=False, indent=2))
    return 0
