"""Reasons of visit and counters: read from ``reasons.toml`` and checked entry by entry.

The default set ships in ``resources/queue/reasons.toml``; an office replaces it with a
``reasons.toml`` in its configuration folder. Every problem is reported with the file and
the entry it concerns, so an administrator can mend a hand-edited file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from kiosk.settings import LANGUAGE_CODES

FILE_NAME = "reasons.toml"
_KEY = re.compile(r"[a-z][a-z0-9_]{1,63}")
_PREFIX = re.compile(r"[A-Z]")
_T = TypeVar("_T")


class ReasonsError(ValueError):
    """The reasons file is unreadable or an entry is wrong; the message names the entry."""


@dataclass(frozen=True)
class Counter:
    """A counter (guichet) where an officer calls and serves visitors."""

    number: int
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Reason:
    """A reason of visit that a visitor chooses at the kiosk."""

    key: str
    prefix: str
    labels: Mapping[str, str]
    pictogram: str
    counters: tuple[int, ...]
    target_wait_min: int
    service_min: int

    def as_json(self) -> dict[str, Any]:
        """The reason as ``baom queue reasons --json`` shows it."""
        return {
            "key": self.key,
            "prefix": self.prefix,
            "labels": dict(self.labels),
            "pictogram": self.pictogram,
            "counters": list(self.counters),
            "target_wait_min": self.target_wait_min,
            "service_min": self.service_min,
        }


@dataclass(frozen=True)
class QueueConfig:
    """The reasons of visit and the counters of one office."""

    reasons: tuple[Reason, ...]
    counters: tuple[Counter, ...]
    source: str

    def reason(self, key: str) -> Reason:
        """The reason ``key``, or :class:`ReasonsError` listing the known keys."""
        for reason in self.reasons:
            if reason.key == key:
                return reason
        known = ", ".join(reason.key for reason in self.reasons)
        raise ReasonsError(f"there is no reason of visit {key!r} (known: {known})")

    def counter(self, number: int) -> Counter:
        """The counter ``number``, or :class:`ReasonsError` listing the known numbers."""
        for counter in self.counters:
            if counter.number == number:
                return counter
        known = ", ".join(str(counter.number) for counter in self.counters)
        raise ReasonsError(f"there is no counter {number} (known: {known})")

    def served_at(self, number: int) -> tuple[str, ...]:
        """The keys of the reasons that counter ``number`` serves."""
        self.counter(number)
        return tuple(reason.key for reason in self.reasons if number in reason.counters)


def load_config(config_dir: Path | None = None) -> QueueConfig:
    """The office's ``reasons.toml`` if ``config_dir`` holds one, else the shipped default.

    A file is parsed once while it stays the same (the three windows each ask at start-up);
    an edited file is parsed again."""
    override = config_dir / FILE_NAME if config_dir is not None else None
    if override is not None and override.is_file():
        version = override.stat()
        return _parsed_file(override, version.st_mtime_ns, version.st_size)
    return _shipped_config()


@lru_cache(maxsize=8)
def _parsed_file(path: Path, _mtime_ns: int, _size: int) -> QueueConfig:
    """``path`` parsed, for one version of it (its time and size are part of the key)."""
    return parse_config(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _shipped_config() -> QueueConfig:
    shipped = resources.files("resources") / "queue" / FILE_NAME
    return parse_config(shipped.read_text(encoding="utf-8"), f"resources/queue/{FILE_NAME}")


def parse_config(text: str, source: str) -> QueueConfig:
    """Parse and check the text of a reasons file; ``source`` names it in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReasonsError(f"{source}: not valid TOML ({error})") from None
    counters = tuple(
        _counter(entry, f"{source}: counter #{index}")
        for index, entry in enumerate(_entries(document, "counter", source), start=1)
    )
    reasons = tuple(
        _reason(entry, f"{source}: reason #{index}")
        for index, entry in enumerate(_entries(document, "reason", source), start=1)
    )
    _check_unique(source, "counter number", [str(counter.number) for counter in counters])
    _check_unique(source, "reason key", [reason.key for reason in reasons])
    _check_unique(source, "prefix", [reason.prefix for reason in reasons])
    numbers = {counter.number for counter in counters}
    for reason in reasons:
        unknown = sorted(set(reason.counters) - numbers)
        if unknown:
            raise ReasonsError(
                f"{source}: reason {reason.key!r}: counters {unknown} are not declared"
            )
    return QueueConfig(reasons=reasons, counters=counters, source=source)


def _entries(document: Mapping[str, Any], name: str, source: str) -> list[Mapping[str, Any]]:
    entries = document.get(name)
    if not isinstance(entries, list) or not entries:
        raise ReasonsError(f"{source}: at least one [[{name}]] entry is needed")
    if not all(isinstance(entry, Mapping) for entry in entries):
        raise ReasonsError(f"{source}: every {name} must be a table ([[{name}]])")
    return entries


def _counter(entry: Mapping[str, Any], where: str) -> Counter:
    number = _field(entry, "number", int, where)
    if number < 1:
        raise ReasonsError(f"{where}: number must be 1 or more, got {number}")
    return Counter(number=number, labels=_labels(entry, f"{where} (counter {number})"))


def _reason(entry: Mapping[str, Any], where: str) -> Reason:
    key = _field(entry, "key", str, where)
    if not _KEY.fullmatch(key):
        raise ReasonsError(f"{where}: key {key!r} must be lowercase letters, digits and _")
    where = f"{where} ({key})"
    prefix = _field(entry, "prefix", str, where)
    if not _PREFIX.fullmatch(prefix):
        raise ReasonsError(f"{where}: prefix must be one capital letter A-Z, got {prefix!r}")
    counters = _field(entry, "counters", list, where)
    if not counters or not all(type(number) is int for number in counters):
        raise ReasonsError(f"{where}: counters must be a non-empty list of counter numbers")
    target = _field(entry, "target_wait_min", int, where)
    service = _field(entry, "service_min", int, where)
    if target < 1 or service < 1:
        raise ReasonsError(f"{where}: target_wait_min and service_min must be 1 or more")
    return Reason(
        key=key,
        prefix=prefix,
        labels=_labels(entry, where),
        pictogram=_field(entry, "pictogram", str, where),
        counters=tuple(counters),
        target_wait_min=target,
        service_min=service,
    )


def _labels(entry: Mapping[str, Any], where: str) -> dict[str, str]:
    labels = _field(entry, "labels", dict, where)
    missing = [code for code in LANGUAGE_CODES if not str(labels.get(code, "")).strip()]
    if missing:
        raise ReasonsError(f"{where}: labels lack {', '.join(missing)}")
    return {code: str(labels[code]) for code in LANGUAGE_CODES}


def _field(entry: Mapping[str, Any], name: str, kind: type[_T], where: str) -> _T:
    value = entry.get(name)
    if value is None:
        raise ReasonsError(f"{where}: {name} is missing")
    if type(value) is not kind and not (kind is dict and isinstance(value, Mapping)):
        raise ReasonsError(f"{where}: {name} must be {kind.__name__}, got {value!r}")
    return value  # type: ignore[return-value]


def _check_unique(source: str, what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ReasonsError(f"{source}: {what} {value!r} is given twice")
        seen.add(value)
