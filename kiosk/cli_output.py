"""Output shared by every ``baom`` command group: JSON with ``--json``, a sentence otherwise."""

from __future__ import annotations

import argparse
import json


def with_json(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--json`` to a command's parser; returns the parser."""
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def show(args: argparse.Namespace, value: object, text: str) -> None:
    """Print ``value`` as JSON when ``--json`` was given, else ``text``."""
    print(
        json.dumps(value, ensure_ascii=False, sort_keys=True)
        if getattr(args, "json", False)
        else text
    )
