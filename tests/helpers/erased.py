"""What an erasure test writes about a person and then looks for: a marker in both
scripts and a phone number, in every free text."""

from __future__ import annotations

from kiosk.paths import Paths

MARKER = "Zorglubmarker"
MARKER_AR = "زرغلوبمركر"
PHONE = "0698765432"


def secrets(blob: bytes) -> list[str]:
    """The secrets found in ``blob``: the marker in both scripts, the phone's digits."""
    return [s for s in (MARKER, MARKER_AR, PHONE[1:]) if s.encode() in blob]


def database_key(paths: Paths) -> str:
    """The raw key (64 hex digits) of the office database at ``paths``."""
    return paths.key_file.read_text().strip()
