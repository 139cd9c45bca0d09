"""The ``baom-regional`` command: the regional server that BAOM offices sync with.

Every command takes ``--db URL`` (default: SQLite in the data folder, see ``--data-dir``)
and ``--secret-file FILE`` (the bundle key file, default ``bundle-secret.key`` in the data
folder; ``serve`` and the bundle commands use it) and upgrades the schema when it is behind.
``--json`` prints JSON on stdout; an error is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from protocol.directory.reader import PackageError
from protocol.errors import BundleError
from regional import accounts, bundle, offices, privacy_migrate, region_accounts
from regional.bundle_keys import KeyFile
from regional.clock import utcnow
from regional.config import Settings
from regional.database import make_engine, reader_factory, session_factory, upgrade_if_behind
from regional.directory import import_directory
from regional.push import Unstorable
from regional.stats import regional_stats


class CommandError(Exception):
    """A plain refusal printed on stderr."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option given before the command is not reset by the command's parser.
    hide = argparse.SUPPRESS
    common.add_argument("--db", metavar="URL", default=hide, help="database URL")
    common.add_argument("--data-dir", metavar="DIR", default=hide, help="data folder")
    common.add_argument("--json", action="store_true", default=hide, help="print JSON")
    common.add_argument(
        "--secret-file",
        metavar="FILE",
        default=hide,
        help="the key file of the offices' bundle secrets (default: bundle-secret.key in the "
        "data folder, or BAOM_REGIONAL_SECRET_FILE); keep it out of database backups",
    )
    parser = argparse.ArgumentParser(
        prog="baom-regional",
        description="BAOM regional server: office enrolment, sync, the counter-referral page "
        "for partner services and regional statistics.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", parents=[common], help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8800)
    serve.add_argument("--certfile")
    serve.add_argument("--keyfile")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (they share the database: use PostgreSQL for more than one)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        default="",
        help="comma list of reverse-proxy addresses or networks whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (default: none)",
    )
    db = sub.add_parser("db", parents=[common], help="the database schema")
    db.add_subparsers(dest="action", required=True).add_parser("upgrade", parents=[common])
    office = sub.add_parser("office", parents=[common], help="offices")
    actions = office.add_subparsers(dest="action", required=True)
    actions.add_parser("add", parents=[common]).add_argument("name")
    actions.add_parser("list", parents=[common])
    actions.add_parser("revoke", parents=[common]).add_argument("office_id", type=uuid.UUID)
    code = actions.add_parser("code", parents=[common], help="a new enrolment code")
    code.add_argument("office_id", type=uuid.UUID)
    kind = code.add_mutually_exclusive_group()
    kind.add_argument(
        "--replace",
        action="store_true",
        help="the code replaces the office's PCs (a lost or replaced PC: it is cut off)",
    )
    kind.add_argument(
        "--add-machine",
        action="store_true",
        help="the code adds a PC to the office (a second counter) instead of replacing its PCs",
    )
    machines = actions.add_parser(
        "machines", parents=[common], help="an office's PCs, live, revoked and replaced"
    )
    machines.add_argument("office_id", type=uuid.UUID)
    setting = actions.add_parser("set-setting", parents=[common])
    setting.add_argument("office_id", type=uuid.UUID)
    setting.add_argument("key")
    setting.add_argument("value_json")
    for verb, what in (
        ("disable", "stop an office's account from logging in"),
        ("enable", "let a disabled account of an office log in again"),
    ):
        account = actions.add_parser(
            f"{verb}-account", parents=[common], help=f"{what} (at the office's next pull)"
        )
        account.add_argument("office_id", type=uuid.UUID)
        account.add_argument("name")
    directory = sub.add_parser("directory", parents=[common], help="the service directory")
    imp = directory.add_subparsers(dest="action", required=True).add_parser(
        "import", parents=[common]
    )
    imp.add_argument("path", type=Path)
    imp.add_argument("--replace", action="store_true", help="delete rows missing from it")
    imp.add_argument("--kind", default="auto", choices=("auto", "hsds-json", "hsds-csv"))
    user = sub.add_parser("user", parents=[common], help="region accounts (read the statistics)")
    verbs = user.add_subparsers(dest="action", required=True)
    add = verbs.add_parser("add", parents=[common], help="password: stdin when piped, else asked")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=region_accounts.ROLES)
    verbs.add_parser("list", parents=[common])
    verbs.add_parser("disable", parents=[common]).add_argument("name")
    stats = sub.add_parser("stats", parents=[common], help="regional statistics")
    stats.add_argument("--month", metavar="YYYY-MM")
    stats.add_argument(
        "--user", metavar="NAME", help="a region account (password: stdin when piped, else asked)"
    )
    privacy = sub.add_parser("privacy", parents=[common], help="the region's personal data")
    privacy.add_subparsers(dest="action", required=True).add_parser(
        "migrate",
        parents=[common],
        help="reduce the envelopes received in clear before records were sealed, once the "
        "region holds their sealed copy (safe to run again)",
    )
    sub.add_parser("import-bundle", parents=[common]).add_argument("file", type=Path)
    export = sub.add_parser("export-bundle", parents=[common])
    export.add_argument("office_id", type=uuid.UUID)
    export.add_argument("out", type=Path)
    export.add_argument("--after", type=int, default=0, metavar="CURSOR")
    export.add_argument(
        "--machine",
        type=uuid.UUID,
        metavar="MACHINE_ID",
        help="the PC the bundle is for (default: the office's most recently enrolled)",
    )
    return parser


def _print(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else text)


def _office(args: argparse.Namespace, factory: Any) -> None:
    now = utcnow()
    with factory() as session, session.begin():
        if args.action == "add":
            office_id, code = offices.add_office(session, args.name, now)
            data = {"office_id": str(office_id), "enrolment_code": code}
            _print(args, data, f"office {office_id}\nenrolment code {code} (valid 24 hours)")
        elif args.action == "code":
            offices.get_office(session, args.office_id)
            code = offices.issue_code(session, args.office_id, now, args.add_machine, args.replace)
            data = {
                "enrolment_code": code,
                "adds_machine": args.add_machine,
                "replaces": args.replace,
            }
            _print(args, data, code)
        elif args.action == "machines":
            rows = offices.list_machines(session, args.office_id)
            lines = [
                f"{row['machine_id']}  {row['name']}  enrolled {row['enrolled_at']}"
                + (f"  revoked {row['revoked_at']}" if row["revoked_at"] else "  live")
                + (
                    f"  replaced by {row['replaced_by']} ({row['replaced_by_name']})"
                    if row["replaced_by"]
                    else ""
                )
                for row in rows
            ]
            _print(args, rows, "\n".join(lines) or "no machine")
        elif args.action == "list":
            rows = [summary.as_json() for summary in offices.list_offices(session)]
            lines = [
                f"{row['office_id']}  {row['name']}  envelopes={row['envelopes']} "
                f"quarantined={row['quarantined']} machines={row['machines']}"
                f"{'  REVOKED' if row['revoked'] else ''}"
                for row in rows
            ]
            _print(args, rows, "\n".join(lines) or "no office")
        elif args.action == "revoke":
            offices.revoke(session, args.office_id, now)
            _print(args, {"office_id": str(args.office_id), "revoked": True}, "revoked")
        elif args.action in ("disable-account", "enable-account"):
            disabled = args.action == "disable-account"
            change = accounts.set_account_disabled(
                session, args.office_id, args.name, disabled, now
            )
            verb = "disabled" if disabled else "enabled"
            text = f"account {change.name!r} {verb} as change {change.seq} (at the next pull)"
            _print(args, change.as_json(), text)
        else:
            seq = offices.set_setting(session, args.office_id, args.key, args.value_json, now)
            _print(args, {"seq": seq}, f"setting recorded as change {seq}")


def _bundles(args: argparse.Namespace, factory: Any, keys: KeyFile) -> None:
    if args.command == "import-bundle":
        office_id, results = bundle.import_bundle(factory, keys, _read(args.file), utcnow)
        counts = bundle.summary(results)
        text = ", ".join(f"{key} {value}" for key, value in counts.items())
        _print(args, {"office_id": str(office_id), **counts}, text)
    else:
        data = bundle.export_bundle(factory, keys, args.office_id, args.after, utcnow, args.machine)
        bundle.write_bundle(args.out, data)
        _print(args, {"file": str(args.out)}, f"written {args.out}")


def _password(confirm: bool) -> str:
    """One line of standard input when piped; else asked, twice when ``confirm``."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Password again: ") != password:
        raise CommandError("the two passwords differ")
    return password


def _user(args: argparse.Namespace, factory: Any) -> None:
    password = _password(confirm=True) if args.action == "add" else ""
    now = utcnow()
    with factory() as session, session.begin():
        try:
            if args.action == "add":
                region_accounts.add_account(session, args.name, args.role, password, now)
                data = {"name": args.name.strip(), "role": args.role}
                _print(args, data, f"region account {data['name']!r} added ({args.role})")
            elif args.action == "list":
                rows = [row.as_json() for row in region_accounts.list_accounts(session, now)]
                lines = [
                    f"{row['name']}  {row['role']}"
                    + "".join(f"  {flag.upper()}" for flag in ("disabled", "locked") if row[flag])
                    for row in rows
                ]
                _print(args, rows, "\n".join(lines) or "no region account")
            else:
                region_accounts.disable_account(session, args.name)
                _print(args, {"name": args.name, "disabled": True}, "disabled")
        except region_accounts.AccountRefused as refusal:
            raise CommandError(str(refusal)) from None


def _stats(args: argparse.Namespace, factory: Any, reader: Any) -> None:
    if not args.user:
        raise CommandError("stats needs --user NAME, a region account (see: user add)")
    try:
        region_accounts.login(factory, args.user, _password(confirm=False), utcnow())
    except region_accounts.AccountRefused as refusal:
        raise CommandError(str(refusal)) from None
    try:
        data = regional_stats(reader, factory, args.month, utcnow())
    except ValueError as error:  # NotPublished too
        raise CommandError(str(error)) from None
    _print(args, data, json.dumps(data, ensure_ascii=False, indent=2))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None


def _run(args: argparse.Namespace) -> None:
    try:
        proxies = getattr(args, "forwarded_allow_ips", "")
        settings = Settings.resolve(args.db, args.data_dir, proxies, args.secret_file)
    except ValueError as error:
        raise CommandError(f"--forwarded-allow-ips: {error}") from None
    if settings.db_url.startswith("sqlite") or settings.data_dir.exists():
        settings.make_private()
    if args.command == "serve":
        from regional.server import serve

        if bool(args.certfile) != bool(args.keyfile):
            raise CommandError("--certfile and --keyfile go together.")
        if args.workers < 1:
            raise CommandError("--workers must be 1 or more.")
        serve(settings, args.host, args.port, args.certfile, args.keyfile, args.workers)
        return
    engine = make_engine(settings.db_url)
    try:
        upgraded = upgrade_if_behind(engine)
        factory = session_factory(engine)
        if args.command == "db":
            _print(args, {"upgraded": upgraded}, "upgraded" if upgraded else "up to date")
        elif args.command == "office":
            _office(args, factory)
        elif args.command in ("import-bundle", "export-bundle"):
            _bundles(args, factory, KeyFile(settings.secret_path))
        elif args.command == "directory":
            with factory() as session, session.begin():
                report = import_directory(session, args.path, utcnow(), args.replace, args.kind)
            data = report.as_json()
            _print(args, data, ", ".join(f"{k} {v}" for k, v in data.items() if k != "warnings"))
        elif args.command == "user":
            _user(args, factory)
        elif args.command == "privacy":
            migrated = privacy_migrate.migrate(factory)
            _print(args, migrated.as_json(), migrated.as_text())
        else:
            _stats(args, factory, reader_factory(engine))
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``baom-regional`` console script."""
    args = _parser().parse_args(argv)
    for name, default in (("db", None), ("data_dir", None), ("json", False), ("secret_file", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    # Every file and folder the command makes (database, its -wal and -shm, key file,
    # bundles) is its account's alone; set back at the end for in-process callers (tests).
    umask = os.umask(0o077) if os.name == "posix" else None
    try:
        _run(args)
    except (CommandError, offices.OfficeError, BundleError, PackageError, Unstorable) as error:
        print(f"baom-regional: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"baom-regional: database error: {first}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if umask is not None:
            os.umask(umask)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
