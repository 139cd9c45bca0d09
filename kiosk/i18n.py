"""One translation catalog for every user-facing string (resources/translations/*.toml).

Each language is one TOML file; nested tables give dotted keys (``[desk.nav] queue = "…"``
is ``desk.nav.queue``). French is the reference: every other language must hold every key
French has. Placeholders use ``{name}`` and are filled with :meth:`Catalog.text`.

Parsing the four files costs tens of milliseconds at every start, so the parsed strings are
kept as JSON in the user's cache folder (``~/.cache/baom/catalog-<folder>.json`` on Linux,
one per catalog folder) with the size and time of each file they came from; a file changed
since is read again.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import platformdirs

from kiosk.paths import APP_NAME
from kiosk.tables import flatten

REFERENCE_LANGUAGE = "fr"

_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
_READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_SQLITE_TROUBLE = (
    ("database or disk is full", "disk_full"),
    ("database is locked", "database_busy"),
    ("readonly database", "read_only"),
)


def machine_trouble(error: BaseException) -> str | None:
    """``disk_full``, ``database_busy`` or ``read_only`` when the machine is the cause.

    Follows the chain of causes (SQLAlchemy wraps the driver's error in ``orig``).
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _DISK_FULL:
            return "disk_full"
        if isinstance(current, OSError) and current.errno in _READ_ONLY:
            return "read_only"
        message = str(current).lower()
        for words, trouble in _SQLITE_TROUBLE:
            if words in message:
                return trouble
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return None


class Refusal(Exception):
    """A refusal said twice: in plain English (the command line), and through the catalog
    as ``{catalog_prefix}.{key}`` with ``params`` (the desk, in the officer's language)."""

    catalog_prefix = "error"

    def __init__(self, message: str, key: str, **params: object) -> None:
        super().__init__(message)
        self.message_key = f"{self.catalog_prefix}.{key}"
        self.params = {name: str(value) for name, value in params.items()}


@dataclass(frozen=True)
class Language:
    """A language of the interface: its code, its name in its own script, its direction."""

    code: str
    native_name: str
    right_to_left: bool
    order: int


class Catalog:
    """The translated strings of every language, with French as the fallback."""

    def __init__(self, strings: Mapping[str, Mapping[str, str]]) -> None:
        if REFERENCE_LANGUAGE not in strings:
            raise ValueError(f"the catalog has no {REFERENCE_LANGUAGE!r} strings")
        self._strings = {code: dict(table) for code, table in strings.items()}
        self.languages = tuple(
            sorted(
                (
                    Language(
                        code=code,
                        native_name=table.get("language.native_name", code),
                        right_to_left=table.get("language.direction", "ltr") == "rtl",
                        order=int(table.get("language.order", "99")),
                    )
                    for code, table in self._strings.items()
                ),
                key=lambda language: (language.order, language.code),
            )
        )

    @classmethod
    def from_resources(cls) -> Catalog:
        """The catalog shipped in ``resources/translations``."""
        return cls(read_strings(Path(str(resources.files("resources") / "translations"))))

    @property
    def codes(self) -> tuple[str, ...]:
        """The language codes, in display order."""
        return tuple(language.code for language in self.languages)

    def language(self, code: str) -> Language:
        """The language with that code (French for an unknown code)."""
        for language in self.languages:
            if language.code == code:
                return language
        return self.language(REFERENCE_LANGUAGE)

    def text(self, language: str, key: str, **params: object) -> str:
        """The string ``key`` in ``language``, falling back to French, then to the key.

        A parameter that is an error is itself said in ``language``: a refusal of the core
        by its ``message_key``, trouble with the machine (a full disk, a busy or read-only
        database) in plain words; any other error keeps its own text (a database error, its
        driver's text: never the statement and the values it carried).
        """
        template = self._strings.get(language, {}).get(key)
        if template is None:
            template = self._strings[REFERENCE_LANGUAGE].get(key, key)
        if not params:
            return template
        return template.format(**{name: self._said(language, v) for name, v in params.items()})

    def _said(self, language: str, value: object) -> object:
        if not isinstance(value, Exception):
            return value
        key = getattr(value, "message_key", None)
        if key in self._strings[REFERENCE_LANGUAGE]:
            return self.text(language, str(key), **getattr(value, "params", {}))
        trouble = machine_trouble(value)
        if trouble is not None:
            return self.text(language, f"error.{trouble}")
        driver_error = getattr(value, "orig", None)  # SQLAlchemy's text holds the SQL and values
        return driver_error if isinstance(driver_error, Exception) else value

    def keys(self, language: str = REFERENCE_LANGUAGE) -> frozenset[str]:
        """Every key that ``language`` defines."""
        return frozenset(self._strings.get(language, {}))

    def missing(self, language: str) -> frozenset[str]:
        """The keys French has and ``language`` lacks."""
        return self.keys(REFERENCE_LANGUAGE) - self.keys(language)

    def translator(self, language: str) -> Translator:
        """A callable bound to one language: ``tr("desk.nav.queue")``."""
        return Translator(self, language)


@dataclass(frozen=True)
class Translator:
    """The catalog seen in one language."""

    catalog: Catalog
    language: str

    def __call__(self, key: str, **params: object) -> str:
        return self.catalog.text(self.language, key, **params)

    @property
    def right_to_left(self) -> bool:
        """Whether this language is written right to left (the layout mirrors)."""
        return self.catalog.language(self.language).right_to_left


def read_strings(folder: Path) -> dict[str, dict[str, str]]:
    """The strings of each ``*.toml`` file of ``folder`` by language code, from the cache
    when it was made from these very files (same folder, names, sizes and times)."""
    files = sorted(folder.glob("*.toml"))
    made_from = [str(folder.absolute()), *([file.name, *_size_and_time(file)] for file in files)]
    # One cache per catalog folder: two installs side by side do not overwrite each other's.
    folder_key = hashlib.sha256(str(folder.absolute()).encode()).hexdigest()[:16]
    cache_folder = platformdirs.user_cache_path(APP_NAME, appauthor=False)
    cache_file = cache_folder / f"catalog-{folder_key}.json"
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        if cached["made_from"] == made_from:
            return dict(cached["strings"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache yet, or one made from other files: parse them
    strings = {
        file.name.removesuffix(".toml"): {
            key: str(value)
            for key, value in flatten(tomllib.loads(file.read_text(encoding="utf-8")))
        }
        for file in files
    }
    _write_quietly(cache_file, json.dumps({"made_from": made_from, "strings": strings}))
    return strings


def _size_and_time(file: Path) -> tuple[int, int]:
    status = file.stat()
    return status.st_size, status.st_mtime_ns


def _write_quietly(path: Path, text: str) -> None:
    """Write ``path`` whole (another process never reads half of it); a folder that cannot
    be written only means the next start parses again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass


@cache
def default_catalog() -> Catalog:
    """The shipped catalog, loaded once."""
    return Catalog.from_resources()
