"""The ``baom backup`` commands: ``now``, ``list``, ``verify FILE``, ``restore FILE``.

They get the office's folders rather than an opened office (``OPENS_OFFICE``): listing,
checking and restoring must work when the database itself cannot be opened.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from db.uow import Actor
from kiosk import backups
from kiosk.cli_output import show, with_json
from kiosk.office import open_office
from kiosk.paths import Paths

ERRORS: tuple[type[Exception], ...] = (backups.BackupError,)
OPENS_OFFICE = False

ACTOR: backups.ActorFor = Actor.system
"""Who the commands act as, in the audit trail: the command line's administrator."""


def add_commands(commands: Any) -> None:
    """Register ``baom backup …`` on the top-level subparsers."""
    backup = commands.add_parser("backup", help="encrypted backups of the office database")
    actions = backup.add_subparsers(dest="action", required=True)
    with_json(actions.add_parser("now", help="back the database up now"))
    with_json(actions.add_parser("list", help="the backups, newest first, and the last run"))
    verify = with_json(
        actions.add_parser("verify", help="open a backup with the key and check it whole")
    )
    verify.add_argument("file", type=Path)
    restore = with_json(
        actions.add_parser(
            "restore",
            help="replace the database with a backup (after a safety copy; windows closed)",
        )
    )
    restore.add_argument("file", type=Path)


def _when(moment: str | None) -> str:
    return datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def _listing(paths: Paths) -> dict[str, Any]:
    folders = {"backups": paths.backups_dir}
    second = backups.second_folder(paths)
    if second is not None:
        folders["second_folder"] = second
    return {
        "status": backups.read_status(paths),
        **{
            name: [backup.as_json() for backup in backups.list_backups(folder)]
            for name, folder in folders.items()
        },
        "second_folder_present": None if second is None else second.is_dir(),
    }


def _listing_text(listing: dict[str, Any]) -> str:
    status = listing["status"]
    lines = [f"last backup: {_when(status.get('last_success'))}"]
    if status.get("last_error"):
        lines.append(
            f"LAST BACKUP FAILED {_when(status.get('last_failure'))}: {status['last_error']}"
        )
    if status.get("second_error"):
        lines.append(f"second folder: {status['second_error']}")
    for name in ("backups", "second_folder"):
        for backup in listing.get(name, []):
            when = _when(backup["taken_at"])
            lines.append(f"{when}\t{backup['reason']}\t{backup['size']}\t{backup['file']}")
    return "\n".join(lines)


def run(args: argparse.Namespace, paths: Paths) -> int:
    """Run one ``baom backup`` command for the office in ``paths``."""
    if args.action == "list":
        listing = _listing(paths)
        show(args, listing, _listing_text(listing))
        return 0 if not listing["status"].get("last_error") else 1
    if args.action == "verify":
        verified = backups.verify_backup(paths, args.file, ACTOR)
        show(
            args,
            verified.as_json(),
            f"{verified.path}: whole, office {verified.office_name!r}, schema {verified.revision}",
        )
        return 0
    if args.action == "restore":
        restored = backups.restore_backup(paths, args.file, ACTOR)
        safety = restored.safety_copy
        before = "" if safety is None else f"; the database as it was is kept in {safety}"
        show(args, restored.as_json(), f"the database is restored from {restored.source}{before}")
        return 0
    context = open_office(paths)
    try:
        report = backups.take_backup(context, ACTOR)
    finally:
        context.close()
    text = f"backed up to {report.path}"
    if report.second_copy is not None:
        text += f" and {report.second_copy}"
    if report.second_error:
        text += f"\nbut {report.second_error}"
    show(args, report.as_json(), text)
    return 0
