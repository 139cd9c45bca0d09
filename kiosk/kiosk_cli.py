"""The ``baom kiosk`` commands: the supervisor PIN that closes the kiosk, and the prompts
recorded in Darija and Tachelhit.

``baom kiosk set-pin``: the PIN is read from stdin when it is piped, else asked twice
without echo. It must be 4 to 8 digits; anything else is refused with one line on stderr
and exit code 1.

``baom kiosk prompts [--json]``: for each spoken language (``ary``, ``shi``), the prompt
keys recorded and missing. ``baom kiosk prompts import LANG FOLDER``: the WAV files of
FOLDER, each named ``<prompt key>.wav``, become the recordings of LANG, all or nothing
(``kiosk.prompts``, ``import_prompts``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from kiosk.cli_output import show, with_json
from kiosk.exit_pin import MAXIMUM_DIGITS, MINIMUM_DIGITS, PinError, validate_pin
from kiosk.office import OfficeContext
from kiosk.prompts import (
    MAX_FILE_BYTES,
    MAX_SECONDS,
    PromptError,
    import_prompts,
    prompt_status,
)
from kiosk.queue.config import load_config
from kiosk.settings import SPOKEN_LANGUAGES

ERRORS: tuple[type[Exception], ...] = (PinError, PromptError)


def add_commands(commands: Any) -> None:
    """Register ``baom kiosk set-pin`` and ``baom kiosk prompts`` on the top-level subparsers."""
    kiosk = commands.add_parser("kiosk", help="the self-service kiosk")
    kiosk_commands = kiosk.add_subparsers(dest="action", required=True)
    kiosk_commands.add_parser(
        "set-pin",
        help=f"set the supervisor PIN that closes the kiosk ({MINIMUM_DIGITS} to "
        f"{MAXIMUM_DIGITS} digits, from stdin or asked twice)",
    )
    prompts = with_json(
        kiosk_commands.add_parser(
            "prompts",
            help="the kiosk's prompts recorded in Darija (ary) and Tachelhit (shi): "
            "recorded and missing",
        )
    )
    prompt_commands = prompts.add_subparsers(dest="prompts_action")
    importing = with_json(
        prompt_commands.add_parser(
            "import",
            help=f"import FOLDER's WAV files named <prompt key>.wav as LANG's recordings, all "
            f"or nothing (each at most {MAX_FILE_BYTES:,} bytes and {MAX_SECONDS:.2f} s at "
            "16 kHz)",
        )
    )
    importing.add_argument("language", metavar="LANG", help=", ".join(SPOKEN_LANGUAGES))
    importing.add_argument("folder", metavar="FOLDER", type=Path)


def _read_pin() -> str:
    if not sys.stdin.isatty():
        return validate_pin(sys.stdin.readline().strip())
    first = validate_pin(
        getpass.getpass(f"Kiosk PIN ({MINIMUM_DIGITS} to {MAXIMUM_DIGITS} digits): ")
    )
    if getpass.getpass("Again: ") != first:
        raise PinError("kiosk.pin.invalid", "the two PINs differ; nothing was changed")
    return first


def _prompts(args: argparse.Namespace, context: OfficeContext) -> None:
    config = load_config(context.paths.config_dir)
    if args.prompts_action == "import":
        report = import_prompts(context, args.actor, config, args.language, args.folder)
        ignored = f"; left aside (not .wav): {', '.join(report.ignored)}" if report.ignored else ""
        show(
            args,
            {"language": args.language, "imported": report.saved, "ignored": report.ignored},
            f"{len(report.saved)} {args.language} prompts imported{ignored}",
        )
        return
    status = prompt_status(context, config)
    lines = [
        f"{language}: {len(found['recorded'])} recorded, {len(found['missing'])} missing"
        + (f" ({', '.join(found['missing'])})" if found["missing"] else "")
        for language, found in status.items()
    ]
    show(args, status, "\n".join(lines))


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom kiosk`` command for the opened office."""
    if args.action == "set-pin":
        context.exit_pin.set(args.actor, _read_pin())
        print("the kiosk exit PIN is set: hold the top-left corner of the kiosk 3 s to use it")
    elif args.action == "prompts":
        _prompts(args, context)
    return 0
