"""Cleaning rows read from a package: types, ids, defaults, duplicates and references.

Every row comes out complete (a value for every column) or is skipped; each default,
repair and skip adds one line to the report. Derived ids are stable (UUIDv5 of the
table and the id, or of the row's content when the id is empty), so importing the same
package twice gives the same rows.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from protocol.directory.hsds import SPECS, Column, TableSpec, blank, column_name, empty
from protocol.directory.profile import SEXES, TEXT_LANGUAGES, VISITOR_CATEGORIES, language_code
from protocol.directory.reader import Package, RawRow

Row = dict[str, Any]
_NAMESPACE = uuid.UUID("6f1c2d5e-8b0a-4c4e-9a55-0b4f3d2a7c11")
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")
_ENUM_DEFAULTS = {"status": "active", "location_type": "physical", "address_type": "physical"}
_SKIP_WHEN_MISSING = frozenset({"name", "number"})
_LINKED = ("service", "organization", "location", "service_at_location")
_OWNED = frozenset({"phone", "schedule", "language"})
_REF_TARGETS = {"parent_organization_id": "organization", "parent_id": "taxonomy_term"}


class _Skip(Exception):
    """The row cannot be kept; the message is the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


_REQUIRED = object()
_LAYOUTS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}


def _layout(spec: TableSpec) -> tuple[dict[str, Any], dict[str, str]]:
    """For each column: its value when a row lacks it (or ``_REQUIRED``), and its kind."""
    if spec.name not in _LAYOUTS:
        absent = {
            column.name: _REQUIRED if column.required else column.default for column in spec.layout
        }
        kinds: dict[str, str] = {column.name: column.kind for column in spec.layout}
        _LAYOUTS[spec.name] = (absent, kinds)
    return _LAYOUTS[spec.name]


def as_uuid(value: Any, table: str) -> uuid.UUID:
    """``value`` as a UUID; any other id is mapped to a stable UUIDv5 within ``table``."""
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return uuid.uuid5(_NAMESPACE, f"{table}:{str(value).strip()}")


class Cleaner:
    """Cleans one package; ``existing(table)`` gives the ids already in the database."""

    def __init__(self, package: Package, existing: Callable[[str], set[uuid.UUID]]) -> None:
        self.package = package
        self.existing = existing
        self.rows: dict[str, dict[uuid.UUID, Row]] = {name: {} for name in SPECS}
        self.skipped = 0

    def run(self) -> dict[str, dict[uuid.UUID, Row]]:
        """Clean every table, parents first; returns the kept rows by table and id."""
        for name, spec in SPECS.items():
            for raw in self.package.rows[name]:
                try:
                    self._keep(spec, raw, self._clean(spec, raw))
                except _Skip as skip:
                    self._skip(raw, skip.field, str(skip))
        return self.rows

    def _skip(self, raw: RawRow, field: str, reason: str) -> None:
        self.skipped += 1
        self.package.warn(raw.file, raw.row, field, f"{reason}; row skipped")

    def _warn(self, raw: RawRow, field: str, reason: str) -> None:
        self.package.warn(raw.file, raw.row, field, reason)

    def _clean(self, spec: TableSpec, raw: RawRow) -> Row:
        present = {
            column_name(key): value
            for key, value in raw.values.items()
            if not blank(value) and value != []
        }
        absent, kinds = _layout(spec)
        row: Row = {"id": self._id(spec, raw, present.get("id"))}
        for column in spec.layout:
            name = column.name
            value = present.get(name)
            if name == "id":
                continue
            if value is not None:
                row[name] = self._value(spec, raw, column, kinds[name], value)
            elif absent[name] is not _REQUIRED:
                row[name] = absent[name]
            else:
                row[name] = self._missing(raw, name)
        if spec.name == "language":
            self._language(raw, row)
        self._references(spec, raw, row)
        return row

    def _value(self, spec: TableSpec, raw: RawRow, column: Column, kind: str, value: Any) -> Any:
        name = column.name
        try:
            if kind == "uuid":
                return as_uuid(value, self._target(spec, name, raw))
            if kind == "bool":
                return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
            if kind == "float":
                return float(value)
            if kind == "json":
                return self._json(raw, name, value)
            if kind == "enum":
                return self._enum(raw, column, value)
        except (TypeError, ValueError):
            self._warn(raw, name, f"{value!r} is not a valid {name}; left empty")
            absent = _layout(spec)[0][name]
            return self._missing(raw, name, quiet=True) if absent is _REQUIRED else absent
        return self._text(raw, name, value)

    def _id(self, spec: TableSpec, raw: RawRow, value: Any) -> uuid.UUID:
        if blank(value):
            content = json.dumps(raw.values, sort_keys=True, default=str)
            self._warn(raw, "id", "empty id; derived from the row's content")
            return uuid.uuid5(_NAMESPACE, f"{spec.name}:{content}")
        return as_uuid(value, spec.name)

    def _missing(self, raw: RawRow, name: str, quiet: bool = False) -> Any:
        if name in _SKIP_WHEN_MISSING:
            raise _Skip(name, f"no {name}")
        default = _ENUM_DEFAULTS.get(name, "")
        if not quiet:
            self._warn(raw, name, f"missing {name}; set to {default!r}")
        return default

    def _target(self, spec: TableSpec, name: str, raw: RawRow) -> str:
        if name == "link_id":
            return str(raw.values.get("link_entity") or "service")
        refs = {**spec.required_refs, **spec.optional_refs, **_REF_TARGETS}
        return refs.get(name, name.removesuffix("_id"))

    def _enum(self, raw: RawRow, column: Column, value: Any) -> str:
        allowed = column.values
        text = str(value).strip().lower()
        if text in allowed:
            return text
        default = _ENUM_DEFAULTS[column.name]
        self._warn(
            raw, column.name, f"{value!r} is not one of {', '.join(allowed)}; set to {default!r}"
        )
        return default

    def _text(self, raw: RawRow, name: str, value: Any) -> str | None:
        text = str(value)
        if name in ("opens_at", "closes_at") and not _TIME.fullmatch(text.strip()):
            self._warn(raw, name, f"{text!r} is not a time of day; left empty")
            return None
        if name == "timezone_name":
            try:
                ZoneInfo(text)
            except (ZoneInfoNotFoundError, ValueError):
                self._warn(raw, name, f"unknown time zone {text!r}; left empty")
                return None
        if name == "eligible_sex" and text not in SEXES:
            self._warn(raw, name, f"{text!r} is not one of {', '.join(SEXES)}; left empty")
            return None
        return text

    def _json(self, raw: RawRow, name: str, value: Any) -> Any:
        if isinstance(value, str):
            value = json.loads(value) if value.lstrip().startswith(("{", "[")) else value.split(",")
        if name == "eligible_categories":
            known = [str(item).strip() for item in value if str(item).strip() in VISITOR_CATEGORIES]
            if len(known) != len(value):
                self._warn(raw, name, "unknown visitor categories dropped")
            return known
        translations = {
            field: {
                lang: str(text) for lang, text in texts.items() if lang in TEXT_LANGUAGES and text
            }
            for field, texts in dict(value).items()
            if isinstance(texts, dict)
        }
        return {field: texts for field, texts in translations.items() if texts}

    def _language(self, raw: RawRow, row: Row) -> None:
        code = language_code(row["name"], row["code"])
        if code is None and row["name"]:
            self._warn(raw, "name", f"unknown language {row['name']!r}; no code given")
        row["code"] = code

    def _references(self, spec: TableSpec, raw: RawRow, row: Row) -> None:
        for field, table in spec.required_refs.items():
            if row[field] is None or not self._known(table, row[field]):
                raise _Skip(field, f"refers to a {table} that is not in the package")
        for field, table in spec.optional_refs.items():
            if row[field] is not None and not self._known(table, row[field]):
                self._warn(
                    raw, field, f"refers to a {table} that is not in the package; left empty"
                )
                row[field] = None
        if spec.name in _OWNED and all(row[field] is None for field in spec.optional_refs):
            raise _Skip("id", "belongs to no service, organization or location held")
        if spec.name == "attribute" and not any(self._known(t, row["link_id"]) for t in _LINKED):
            raise _Skip("link_id", "links to no service, organization or location held")

    def _known(self, table: str, key: uuid.UUID) -> bool:
        return key in self.rows[table] or key in self.existing(table)

    def _keep(self, spec: TableSpec, raw: RawRow, row: Row) -> None:
        first = self.rows[spec.name].get(row["id"])
        if first is None:
            self.rows[spec.name][row["id"]] = row
            return
        conflicts = [
            key
            for key, value in row.items()
            if not empty(value) and not empty(first[key]) and first[key] != value
        ]
        if conflicts:
            raise _Skip("id", f"duplicated id {row['id']} (differs in {', '.join(conflicts)})")
        for key, value in row.items():
            if empty(first[key]):
                first[key] = value
