"""Nested TOML tables seen as dotted keys (``[desk] language`` is ``desk.language``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of ``table`` with its dotted key."""
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from flatten(value, f"{key}.")
        else:
            yield key, value
