"""The ``baom`` command line: every capability of the office without a window.

Errors are printed as one clear line on stderr with a non-zero exit, never a traceback.
The windows are opened by a function handed in by ``ui.main`` so that this module (the
core) never imports Qt.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from db import migrate
from db.models import Role
from db.store import Store, StoreError
from db.uow import Actor
from kiosk.accounts import AccountError, Permission, require
from kiosk.cli_login import (
    PASSWORD_VARIABLE,
    USER_VARIABLE,
    NamedAccountNeeded,
    TerminalSessions,
    command_actor,
)
from kiosk.clock import office_day
from kiosk.office import OfficeContext, create_office, local_office, open_office, open_store
from kiosk.paths import Paths
from kiosk.recovery import (
    RecoveryKeyError,
    RecoverySheet,
    SheetWriter,
    office_recovery_key,
    parse_words,
    words,
)
from kiosk.security import load_key
from kiosk.settings import MachineSettingsFile, SettingError, lookup
from kiosk.windows import WINDOWS, WindowOpener, add_run_options, run_request

if TYPE_CHECKING:
    from kiosk.declaration import DeclarationWriter
    from kiosk.persons.export import PdfWriter
    from kiosk.queue_cli import TicketPrinter
    from kiosk.reports.monthly import PdfWriter as ReportPdfWriter

RECOVERY_SHEET_FILE = "recovery-sheet.pdf"
"""The recovery sheet ``baom office init`` writes in the configuration folder."""
KEEP_THE_SHEET = (
    "Print it now, keep the paper in the supervisor's locked safe or the commune's (never "
    "next to this PC, never photographed or sent by message), then delete the file."
)


class GroupModule(Protocol):
    """The module of a command group (``kiosk.queue_cli``, ``printing.cli``…): the errors
    it reports as messages, how to register its subparsers, and how to run one of its
    commands for an office (a module with ``OPENS_OFFICE = False`` is given the folders,
    ``Paths``, instead: its commands work when the database cannot be opened)."""

    ERRORS: tuple[type[Exception], ...]

    def add_commands(self, commands: Any) -> None: ...

    def run(self, args: argparse.Namespace, context: OfficeContext) -> int: ...


class FolderGroupModule(Protocol):
    """A group module with ``OPENS_OFFICE = False``: its commands get the folders."""

    def run(self, args: argparse.Namespace, paths: Paths) -> int: ...


@dataclass(frozen=True)
class CommandGroup:
    """Commands that a package adds to ``baom``: the top-level names they own, and the
    module that registers and runs them. The module is imported only when one of its
    commands is asked for (or the whole help is), so that ``baom run`` does not pay for
    every command's imports."""

    commands: tuple[str, ...]
    module: str
    named_account: tuple[str, ...] = ()
    """Its commands (``case``) or actions (``sync resolve``) that read or change personal
    data, and so run as a named account."""

    def load(self) -> GroupModule:
        """The group's module, imported now."""
        return cast(GroupModule, importlib.import_module(self.module))


CORE_GROUPS: tuple[CommandGroup, ...] = (
    CommandGroup(("queue", "ticket"), "kiosk.queue_cli"),
    CommandGroup(("directory",), "kiosk.directory_cli"),
    CommandGroup(("kiosk",), "kiosk.kiosk_cli"),
    CommandGroup(
        ("intake", "case", "person", "referral"),
        "kiosk.cases_cli",
        named_account=("intake", "case", "person", "referral"),
    ),
    CommandGroup(
        ("enrol", "sync"), "kiosk.sync_cli", named_account=("sync conflicts", "sync resolve")
    ),
    CommandGroup(("backup",), "kiosk.backup_cli"),
    CommandGroup(("audit",), "kiosk.audit_cli", named_account=("audit list", "audit export")),
    CommandGroup(
        ("privacy",),
        "kiosk.privacy_cli",
        named_account=("privacy run-retention", "privacy hold", "privacy release"),
    ),
    CommandGroup(("report",), "kiosk.report_cli"),
    CommandGroup(("itinerary",), "kiosk.itinerary_cli"),
)
GLOBAL_OPTIONS = ("--data-dir", "--config-dir", "--user")
"""The options of ``baom`` itself that take a value (before the command)."""


class CommandError(Exception):
    """A command cannot do what was asked; the message is shown as it is."""


def _command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, read as the parser reads it (options of ``baom`` itself,
    abbreviated or not, come first); ``None`` when it names none before anything else
    (``--help``, a mistake): the parser then needs every group."""
    tokens = iter(argv)
    for token in tokens:
        if token == "-" or not token.startswith("-"):
            return token
        option, has_value, _ = token.partition("=")
        if token == "--" or not any(
            len(option) > 2 and known.startswith(option) for known in GLOBAL_OPTIONS
        ):
            return None
        if not has_value:
            next(tokens, None)
    return None


def _parser(
    groups: Sequence[CommandGroup], command: str | None
) -> tuple[argparse.ArgumentParser, dict[str, GroupModule]]:
    """The parser of ``baom``, with the groups that ``command`` needs (all of them when it
    is none of the core's nor a group's), and their modules by command name."""
    parser = argparse.ArgumentParser(
        prog="baom", description="BAOM Desk: the front desk of a migrant welcome office."
    )
    parser.add_argument("--data-dir", help="data folder (default: BAOM_DATA_DIR or the platform's)")
    parser.add_argument("--config-dir", help="configuration folder (default: DATA_DIR/config)")
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=f"the account a command runs as ({USER_VARIABLE} names it for the commands that "
        f"need one; the password in {PASSWORD_VARIABLE}, else asked); on a terminal the "
        "account is asked once and kept for a few minutes",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="open the desk, kiosk and/or waiting-room display")
    for window in WINDOWS:
        run.add_argument(f"--{window}", action="store_true", help=f"open the {window} window")
    add_run_options(run)
    run.add_argument("--smoke", action="store_true", help="print start-up figures and exit")

    demo = commands.add_parser("demo", help="prepare a demo office and open its windows")
    demo.add_argument("--no-gui", action="store_true", help="prepare it and print where it is")

    office = commands.add_parser("office", help="this installation's office")
    office_commands = office.add_subparsers(dest="action", required=True)
    init = office_commands.add_parser("init", help="set up the office of a new installation")
    init.add_argument("name")
    init.add_argument("--commune", default="")
    init.add_argument("--json", action="store_true")
    init.add_argument(
        "--admin",
        metavar="NAME",
        help=f"create the first administrator account (password from {PASSWORD_VARIABLE}, "
        "else asked)",
    )
    init.add_argument(
        "--sheet",
        type=Path,
        metavar="FILE.pdf",
        help=f"where to write the recovery sheet (default: {RECOVERY_SHEET_FILE} in the "
        "configuration folder)",
    )
    sheet = office_commands.add_parser(
        "recovery-sheet", help="write the office's recovery sheet again (the same key)"
    )
    sheet.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    restore = office_commands.add_parser(
        "restore",
        help="rebuild a lost PC's office from the region (the recovery key from standard input)",
    )
    restore.add_argument(
        "--server", help="the regional server's address (default: the sync.server_url setting)"
    )
    restore.add_argument("--code", required=True, help="an enrolment code for this office")
    restore.add_argument("--json", action="store_true")

    database = commands.add_parser("db", help="the office database")
    database_commands = database.add_subparsers(dest="action", required=True)
    database_commands.add_parser("upgrade", help="bring the schema up to date (backup first)")
    database_commands.add_parser("check", help="exit 1 when the schema is behind")

    config = commands.add_parser("config", help="settings")
    config_commands = config.add_subparsers(dest="action", required=True)
    show = config_commands.add_parser("show", help="every setting and its value")
    show.add_argument("--json", action="store_true")
    set_ = config_commands.add_parser("set", help="change a setting (validated)")
    set_.add_argument("key")
    set_.add_argument("value")

    user = commands.add_parser("user", help="accounts")
    user_commands = user.add_subparsers(dest="action", required=True)
    add = user_commands.add_parser("add", help="create an account (password from stdin or asked)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--language", default="fr", choices=("fr", "ar", "zgh", "en"))
    listing = user_commands.add_parser("list", help="the accounts")
    listing.add_argument("--json", action="store_true")
    disable = user_commands.add_parser("disable", help="stop an account from logging in")
    disable.add_argument("name")
    commands.add_parser("logout", help="end this terminal's login now")

    owners = [group for group in groups if command in group.commands]
    if not owners and command not in commands.choices:
        owners = list(groups)
    modules: dict[str, GroupModule] = {}
    for group in owners:
        module = group.load()
        module.add_commands(commands)
        modules.update(dict.fromkeys(group.commands, module))

    bench = commands.add_parser("bench", help="run the benchmark suite")
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
    return parser, modules


def _read_password(name: str) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Again: ") != first:
        raise CommandError("the two passwords differ; nothing was changed")
    return first


def _new_password(name: str) -> str:
    """The password of a new account ``name``: ``BAOM_PASSWORD``, else asked twice, else
    standard input's first line."""
    return os.environ.get(PASSWORD_VARIABLE) or _read_password(name)


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, sort_keys=True))


NAMED_CORE_COMMANDS = frozenset({"user add", "user disable"})
"""The core's actions that run as a named account: changing the accounts (the recovery
sheet asks for an administrator itself)."""


def _command_actor(args: argparse.Namespace, context: OfficeContext, named: bool) -> Actor:
    """Who runs the command: a named account when it needs one or one is given, else the
    system. While the office has no administrator, the first one is added by the system."""
    if named and _adds_the_first_administrator(args, context):
        return context.system
    if args.user:
        return command_actor(context, args.user)
    if named:
        return command_actor(context, os.environ.get(USER_VARIABLE) or None)
    return context.system


def _adds_the_first_administrator(args: argparse.Namespace, context: OfficeContext) -> bool:
    if (args.command, args.action, args.user) != ("user", "add", None) or args.role != "admin":
        return False
    return not any(account.role == Role.ADMIN.value for account in context.accounts.list())


def _run_office_command(
    args: argparse.Namespace,
    paths: Paths,
    modules: dict[str, GroupModule],
    named: frozenset[str],
) -> int:
    module = modules.get(args.command)
    if module is not None and not getattr(module, "OPENS_OFFICE", True):
        return cast(FolderGroupModule, module).run(args, paths)
    context = open_office(paths)
    try:
        action = f"{args.command} {getattr(args, 'action', '')}"
        args.actor = _command_actor(args, context, bool({args.command, action} & named))
        if args.command in modules:
            return modules[args.command].run(args, context)
        if args.command == "config" and args.action == "show":
            values = context.settings.all()
            if args.json:
                _print_json(values)
            else:
                for key, value in values.items():
                    print(f"{key} = {json.dumps(value)}  ({lookup(key).scope})")
        elif args.command == "config":
            value = context.settings.set(args.actor, args.key, args.value)
            print(f"{args.key} = {json.dumps(value)}")
        elif args.command == "user" and args.action == "add":
            require(args.actor, Permission.MANAGE_ACCOUNTS)
            password = _read_password(args.name)
            context.accounts.add(args.actor, args.name, Role(args.role), password, args.language)
            print(f"account {args.name} ({args.role}) created")
        elif args.command == "user" and args.action == "list":
            accounts = [vars(account) for account in context.accounts.list()]
            if args.json:
                _print_json(accounts)
            else:
                for account in accounts:
                    flags = " disabled" if account["disabled"] else ""
                    print(f"{account['name']}\t{account['role']}{flags}")
        elif args.command == "user":
            context.accounts.disable(args.actor, args.name)
            print(f"account {args.name} disabled")
    finally:
        context.close()
    return 0


def _database_check(paths: Paths) -> int:
    if not paths.database.exists():
        raise CommandError(f"there is no office database at {paths.database}")
    store = Store.open(paths.database, load_key(paths.key_file, paths.database))
    try:
        current, head = migrate.current_revision(store), migrate.head_revision()
    finally:
        store.close()
    if current != head:
        print(
            f"the database is behind: at {current or 'an empty schema'}, the code needs {head}. "
            "Run 'baom db upgrade' (a backup copy is taken first).",
            file=sys.stderr,
        )
        return 1
    print(f"the database is up to date ({head})")
    return 0


def _free_sheet_path(path: Path) -> Path:
    """``path`` made absolute, when a new recovery sheet may be written there."""
    path = path.absolute()
    if path.exists():
        raise CommandError(
            f"{path} exists already: a recovery sheet is never written over a file "
            "(remove it or choose another name)"
        )
    if not path.parent.is_dir():
        raise CommandError(f"there is no folder {path.parent} to write the recovery sheet in")
    return path


def _sheet_writer(args: argparse.Namespace) -> SheetWriter:
    writer: SheetWriter | None = args.sheet_writer
    if writer is None:
        raise CommandError("this installation cannot draw the recovery sheet (no printing)")
    return writer


def _write_sheet(
    args: argparse.Namespace, context: OfficeContext, actor: Actor, path: Path
) -> list[str]:
    """Write the office's recovery sheet to ``path``, audited under ``actor``; returns the
    key's words."""
    from protocol.communes import commune_name  # not at every start: the sheet is rare

    key_words = words(office_recovery_key(context.store))
    today = office_day(datetime.now(UTC))
    commune = commune_name(context.office_commune, "fr")
    sheet = RecoverySheet(context.office_name, commune, today, tuple(key_words))
    try:
        _sheet_writer(args)(sheet, path)
    except OSError as error:
        raise CommandError(
            f"the recovery sheet could not be written to {path}: {error.strerror or error}"
        ) from None
    with context.store.unit_of_work(actor) as uow:
        uow.audit("recovery_sheet", detail=f"written to {path}"[:200])  # the column's size
    return key_words


def _office_init(args: argparse.Namespace, paths: Paths) -> int:
    from protocol.communes import find_commune  # not at every start: only a new office

    if args.commune.strip() and find_commune(args.commune) is None:
        raise CommandError(
            f"--commune: {args.commune.strip()!r} is not a commune of Souss-Massa; give its "
            "name in French or Arabic, or its HCP code (09.541.01.11 is Taliouine)"
        )
    _sheet_writer(args)
    store, _ = open_store(paths, create=True)
    try:
        existing = local_office(store)
        if existing is not None:
            raise CommandError(f"this installation is already the office {existing.name!r}")
        path = _free_sheet_path(args.sheet or paths.config_dir / RECOVERY_SHEET_FILE)
        office_id = create_office(store, args.name, args.commune)
    finally:
        store.close()
    context = open_office(paths)
    try:
        if args.admin is not None:
            context.accounts.add(context.system, args.admin, Role.ADMIN, _new_password(args.admin))
        key_words = _write_sheet(args, context, context.system, path)
    except CommandError as error:
        raise CommandError(
            f"office {args.name!r} was created ({office_id}), but {error}; "
            "write it with 'baom office recovery-sheet --out FILE.pdf'"
        ) from None
    finally:
        context.close()
    if args.json:
        _print_json(
            {
                "office_id": str(office_id),
                "recovery_key": " ".join(key_words),
                "recovery_sheet": str(path),
            }
        )
        return 0
    print(f"office {args.name!r} created ({office_id}) in {paths.data_dir}")
    print(f"its recovery sheet is {path}")
    print(KEEP_THE_SHEET)
    return 0


def _office_recovery_sheet(args: argparse.Namespace, paths: Paths) -> int:
    path = _free_sheet_path(args.out)
    context = open_office(paths)
    try:
        actor = _command_actor(args, context, named=True)
        require(actor, Permission.WRITE_RECOVERY_SHEET)
        _write_sheet(args, context, actor, path)
    finally:
        context.close()
    print(f"the recovery sheet of {context.office_name!r} is {path}")
    print(KEEP_THE_SHEET)
    return 0


def _read_recovery_key() -> bytes:
    """The recovery sheet's words: one line of standard input when piped, else asked."""
    if sys.stdin.isatty():
        text = getpass.getpass("The 12 words of the recovery sheet: ")
    else:
        text = sys.stdin.readline()
    return parse_words(text)


def _office_restore(args: argparse.Namespace, paths: Paths) -> int:
    from kiosk.restore import restore_office

    server = args.server or str(
        MachineSettingsFile(paths.settings_file).read().get("sync.server_url", "")
    )
    if not server.strip():
        raise CommandError("give the regional server's address with --server URL")
    restored = restore_office(paths, server, args.code, _read_recovery_key())
    if args.json:
        _print_json(restored.as_json())
    else:
        print(
            f"office {restored.office_name!r} ({restored.office_id}) restored in "
            f"{paths.data_dir}: {restored.records} records; it syncs as usual from now on"
        )
    return 0


def _logout(paths: Paths) -> int:
    context = open_office(paths)
    try:
        ended = TerminalSessions(context).end()
    finally:
        context.close()
    print("logged out" if ended else "no account was kept for this terminal")
    return 0


def _dispatch(
    args: argparse.Namespace,
    open_windows: WindowOpener | None,
    modules: dict[str, GroupModule],
    named: frozenset[str],
) -> int:
    if args.command == "demo":
        from kiosk.demo import run_demo

        return run_demo(args, open_windows)
    if args.command == "bench":
        from kiosk.bench import run_benchmarks

        return run_benchmarks(args.only, as_json=args.json)
    paths = Paths.resolve(args.data_dir, args.config_dir)
    if args.command == "office" and args.action == "init":
        return _office_init(args, paths)
    if args.command == "office" and args.action == "restore":
        return _office_restore(args, paths)
    if args.command == "office":
        return _office_recovery_sheet(args, paths)
    if args.command == "logout":
        return _logout(paths)
    if args.command == "db" and args.action == "check":
        return _database_check(paths)
    if args.command == "db":
        if paths.database.exists():
            load_key(paths.key_file, paths.database)
        store, backup = open_store(paths, create=True)
        store.close()
        note = f" (backup: {backup})" if backup else ""
        print(f"the database is at {migrate.head_revision()}{note}")
        return 0
    if args.command == "run":
        if open_windows is None:
            raise CommandError("this installation has no windows (the ui package is missing)")
        windows = tuple(window for window in WINDOWS if getattr(args, window)) or ("desk",)
        context = open_office(paths)
        try:
            return open_windows(run_request(args, context, windows))
        finally:
            context.close()
    return _run_office_command(args, paths, modules, named)


def _leave_quietly() -> None:
    """The reader of our standard output went away (``baom … | head -1``): what is left to
    print goes to the null device, so that Python's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind sys.stdout (tests capturing it)
        pass


def main(
    argv: Sequence[str] | None = None,
    open_windows: WindowOpener | None = None,
    groups: Sequence[CommandGroup] = (),
    ticket_printer: TicketPrinter | None = None,
    sheet_writer: SheetWriter | None = None,
    person_pdf_writer: PdfWriter | None = None,
    declaration_writer: DeclarationWriter | None = None,
    report_pdf_writer: ReportPdfWriter | None = None,
) -> int:
    """Run one ``baom`` command; returns the exit code.

    ``open_windows``, ``groups``, ``ticket_printer``, ``sheet_writer``,
    ``person_pdf_writer``, ``declaration_writer`` and ``report_pdf_writer`` come from the
    layers above the core (``ui.main``): the windows, command groups such as printing's,
    the printing of a ticket for ``baom ticket take --print``, the drawing of the recovery
    sheet for ``baom office init`` and ``baom office recovery-sheet``, of a person's export
    for ``baom person export``, of the office's declaration for ``baom privacy
    declaration`` and of the monthly report for ``baom report monthly``.
    """
    groups = (*CORE_GROUPS, *groups)
    arguments = sys.argv[1:] if argv is None else argv
    parser, modules = _parser(groups, _command_named(arguments))
    args = parser.parse_args(arguments)
    args.ticket_printer = ticket_printer
    args.sheet_writer = sheet_writer
    args.person_pdf_writer = person_pdf_writer
    args.declaration_writer = declaration_writer
    args.report_pdf_writer = report_pdf_writer
    try:
        named = NAMED_CORE_COMMANDS.union(*(group.named_account for group in groups))
        code = _dispatch(args, open_windows, modules, named)
        sys.stdout.flush()  # here, so that a reader gone early is noticed below
        return code
    except BrokenPipeError:
        _leave_quietly()
    except Exception as error:
        if not isinstance(error, tuple(_reported_errors(groups))):
            raise
        print(f"baom: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("baom: interrupted", file=sys.stderr)
    return 1


def _reported_errors(groups: Sequence[CommandGroup]) -> Iterator[type[Exception]]:
    """The errors shown as one line rather than a traceback: the core's and every group's
    (each group's module imported now: one of its errors can come from another command, a
    reasons file read by ``baom run``)."""
    yield from (
        StoreError,
        SettingError,
        CommandError,
        AccountError,
        RecoveryKeyError,
        NamedAccountNeeded,
    )
    for group in groups:
        yield from group.load().ERRORS
