"""Looking for plain text in files that should be encrypted."""

from __future__ import annotations

from pathlib import Path


def files_containing(needle: str, paths: list[Path]) -> list[Path]:
    """Those of ``paths`` whose bytes contain ``needle`` in UTF-8 or UTF-16."""
    patterns = [needle.encode("utf-8"), needle.encode("utf-16-le")]
    found = []
    for path in paths:
        data = path.read_bytes()
        if any(pattern in data for pattern in patterns):
            found.append(path)
    return found
