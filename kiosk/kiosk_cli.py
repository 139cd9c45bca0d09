"""The ``baom kiosk`` commands: ``baom kiosk set-pin``, the supervisor PIN that closes the kiosk.

The PIN is read from stdin when it is piped, else asked twice without echo. It must be 4 to
8 digits; anything else is refused with one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.exit_pin import MAXIMUM_DIGITS, MINIMUM_DIGITS, PinError, validate_pin
from kiosk.office import OfficeContext

ERRORS: tuple[type[Exception], ...] = (PinError,)


def add_commands(commands: Any) -> None:
    """Register ``baom kiosk set-pin`` on the top-level subparsers."""
    kiosk = commands.add_parser("kiosk", help="the self-service kiosk")
    kiosk_commands = kiosk.add_subparsers(dest="action", required=True)
    kiosk_commands.add_parser(
        "set-pin",
        help=f"set the supervisor PIN that closes the kiosk ({MINIMUM_DIGITS} to "
        f"{MAXIMUM_DIGITS} digits, from stdin or asked twice)",
    )


def _read_pin() -> str:
    if not sys.stdin.isatty():
        return validate_pin(sys.stdin.readline().strip())
    first = validate_pin(
        getpass.getpass(f"Kiosk PIN ({MINIMUM_DIGITS} to {MAXIMUM_DIGITS} digits): ")
    )
    if getpass.getpass("Again: ") != first:
        raise PinError("kiosk.pin.invalid", "the two PINs differ; nothing was changed")
    return first


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom kiosk`` command for the opened office."""
    if args.action == "set-pin":
        context.exit_pin.set(args.actor, _read_pin())
        print("the kiosk exit PIN is set: hold the top-left corner of the kiosk 3 s to use it")
    return 0
