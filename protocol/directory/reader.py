"""Reading HSDS packages into rows per table: JSON (3.0), tabular (3.0, 2.0, 1.x), zips.

Bad content does not stop an import: a file that cannot be read, a value in a broken
encoding, a column the model does not hold: each becomes a :class:`ReportLine`. What only
a broken or hostile package does stops it before anything is saved, as a
:class:`PackageError` naming the file (and the row): a file or a zip member larger than
:data:`MAX_FILE_BYTES`, a zip that unzips past :data:`MAX_PACKAGE_BYTES` or is compressed
more than :data:`MAX_RATIO` times (a zip bomb: checked on the sizes the zip declares
before unzipping, and again while unzipping, since those sizes may lie), a CSV field over
the ``csv`` module's limit (128 KiB), JSON nested deeper than a directory is, a tabular
package as JSON whose tables are not lists of objects.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from protocol.directory.hsds import FILE_TABLES, KNOWN_EXTRA_FILES, SPECS, blank

FORMATS = ("auto", "hsds-json", "hsds-csv")
MAX_FILE_BYTES = 32 * 2**20
"""The largest file of a package, as stored or unzipped (a whole region's directory is a
few MB)."""
MAX_PACKAGE_BYTES = 64 * 2**20
"""The most a package may hold in all, unzipped."""
MAX_RATIO = 100
"""How many times a zip member of over 1 MiB may be compressed: directory text compresses
five to twenty times, a zip bomb a thousand."""
_RATIO_FROM = 2**20
_DEEPEST = 16
"""Levels of nested objects in a JSON record (HSDS 3.0 needs five or six)."""
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Columns of the 1.x and 2.0 layouts renamed in 3.0, and values those files imply.
_RENAMED = {
    "organizations.csv": {"url": "website"},
    "languages.csv": {"language": "name"},
    "taxonomy.csv": {"vocabulary": "taxonomy"},
    "service_areas.csv": {"service_area": "name"},
    "services_taxonomy.csv": {
        "service_id": "link_id",
        "taxonomy_id": "taxonomy_term_id",
        "taxonomy_detail": "value",
    },
    "service_attributes.csv": {"service_id": "link_id"},
}
_IMPLIED = {
    "physical_addresses.csv": {"address_type": "physical"},
    "postal_addresses.csv": {"address_type": "postal"},
    "services_taxonomy.csv": {"link_entity": "service"},
    "service_attributes.csv": {"link_entity": "service"},
    "regular_schedules.csv": {"freq": "WEEKLY"},
}


class PackageError(Exception):
    """The path given is not a directory package at all (nothing was imported)."""


@dataclass(frozen=True)
class ReportLine:
    """One line of the import report: a row skipped, or a value defaulted or repaired."""

    file: str
    row: int | None
    field: str
    reason: str


@dataclass(frozen=True)
class RawRow:
    """One record as read, before cleaning: where it came from and its values."""

    file: str
    row: int
    values: dict[str, Any]


@dataclass
class Package:
    """Every record read from a package, by HSDS table, and what went wrong reading it."""

    rows: dict[str, list[RawRow]] = field(default_factory=lambda: {name: [] for name in SPECS})
    warnings: list[ReportLine] = field(default_factory=list)

    def warn(self, file: str, row: int | None, field_name: str, reason: str) -> None:
        """Add a line to the report."""
        self.warnings.append(ReportLine(file, row, field_name, reason))


def _decode_value(raw: str, package: Package, file: str, row: int, column: str) -> str:
    """A CSV value read as Latin-1 (so every byte survives), decoded properly."""
    data = raw.encode("latin-1")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        package.warn(file, row, column, "not UTF-8; read as Windows-1252")
        return data.decode("cp1252", errors="replace")
    if any(marker in text for marker in ("Ã", "Ø", "Ù", "â€")):
        try:
            repaired = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            return text
        package.warn(file, row, column, "text was UTF-8 decoded twice; repaired")
        return repaired
    return text


def _read_csv(name: str, data: bytes, package: Package) -> None:
    table = FILE_TABLES[name]
    text = data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    row = 0  # the last row read (the header is row 1)
    try:
        fieldnames = reader.fieldnames or ()
        row = 1
        _warn_ignored_columns(name, table, fieldnames, package)
        for row, record in enumerate(reader, start=2):
            values = {
                _RENAMED.get(name, {}).get(key, key): _decode_value(value, package, name, row, key)
                for key, value in record.items()
                if key is not None and value is not None and not blank(value)
            }
            values = {**_IMPLIED.get(name, {}), **values}
            _legacy_schedule(values, package, name, row)
            _legacy_taxonomy_ids(values, package, name, row)
            package.rows[table].append(RawRow(name, row, values))
    except csv.Error as error:
        raise PackageError(f"{name}, row {row + 1}: {error}; nothing was imported") from None


def _warn_ignored_columns(
    name: str, table: str, fieldnames: Iterable[str], package: Package
) -> None:
    held = set(SPECS[table].columns) | {"weekday", "taxonomy_ids", "baom_translations"}
    ignored = [
        column
        for column in fieldnames
        if column not in held
        and not column.startswith("baom_")
        and _RENAMED.get(name, {}).get(column) is None
    ]
    if ignored:
        package.warn(name, None, ",".join(ignored), "columns not held by the directory; ignored")


def _legacy_schedule(values: dict[str, Any], package: Package, file: str, row: int) -> None:
    weekday = values.pop("weekday", None)
    if weekday is None:
        return
    try:
        values["byday"] = _WEEKDAYS[int(weekday) - 1]  # 1 = Monday, as ISO 8601
    except (ValueError, IndexError):
        package.warn(file, row, "weekday", f"not a weekday number: {weekday!r}; ignored")


def _legacy_taxonomy_ids(values: dict[str, Any], package: Package, file: str, row: int) -> None:
    for number, term in enumerate(str(values.pop("taxonomy_ids", "")).split(",")):
        if term.strip() and values.get("id"):
            key = f"attribute:{values['id']}:{number}"
            link = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, key)), "link_id": values["id"]}
            attribute = {**link, "taxonomy_term_id": term.strip(), "link_entity": "service"}
            package.rows["attribute"].append(RawRow(file, row, attribute))


def _read_eligibility(data: bytes, package: Package) -> None:
    """1.x/2.0 eligibility.csv: its text joins the service's eligibility description."""
    rows = csv.DictReader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))
    wanted: dict[str, list[str]] = {}
    try:
        for record in rows:
            if record.get("service_id") and record.get("eligibility"):
                wanted.setdefault(record["service_id"], []).append(record["eligibility"])
    except csv.Error as error:
        raise PackageError(
            f"eligibility.csv, row {rows.line_num}: {error}; nothing was imported"
        ) from None
    for raw in package.rows["service"]:
        texts = wanted.get(str(raw.values.get("id")), [])
        if texts and blank(raw.values.get("eligibility_description")):
            raw.values["eligibility_description"] = ", ".join(texts)


def _table_of_file(name: str) -> str | None:
    stem = PurePosixPath(name).stem.removesuffix("_full").removesuffix("_list")
    for candidate in (stem, stem[:-3] + "y" if stem.endswith("ies") else stem.rstrip("s")):
        if candidate in SPECS:
            return candidate
    return None


def _guess_table(item: dict[str, Any]) -> str | None:
    keys = set(item)
    for table, marks in (
        ("service", {"status"}),
        ("location", {"location_type"}),
        ("organization", {"website", "year_incorporated", "services", "tax_status"}),
        ("service_at_location", {"service_id", "location", "service"}),
        ("taxonomy_term", {"term_uri", "code", "taxonomy_detail", "parent_id"}),
        ("taxonomy", {"version", "uri"}),
    ):
        if keys & marks:
            return table
    return None


def _walk(
    table: str, item: dict[str, Any], file: str, row: int, package: Package, depth: int = 0
) -> str:
    """Flatten one nested HSDS object into rows; returns its id as given."""
    if depth > _DEEPEST:
        raise PackageError(
            f"{file}, record {row}: objects nested more than {_DEEPEST} levels deep; "
            "nothing was imported"
        )
    spec = SPECS[table]
    nested = {child.key for child in spec.children} | {parent.key for parent in spec.parents}
    values = {key: value for key, value in item.items() if key not in nested and value is not None}
    for parent in spec.parents:
        if isinstance(item.get(parent.key), dict):
            parent_id = _walk(parent.table, item[parent.key], file, row, package, depth + 1)
            if blank(values.get(parent.field)):
                values[parent.field] = parent_id
    package.rows[table].append(RawRow(file, row, values))
    for child in spec.children:
        entries = item.get(child.key)
        if entries is not None and not isinstance(entries, list):
            raise PackageError(
                f"{file}, record {row}: {child.key} is not a list; nothing was imported"
            )
        for entry in entries or ():
            if isinstance(entry, dict):
                linked = dict(entry)
                if blank(linked.get(child.parent_field)):
                    linked[child.parent_field] = values.get("id")
                _walk(child.table, linked, file, row, package, depth + 1)
    return str(values.get("id") or "")


def _read_json(name: str, data: bytes, package: Package) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        package.warn(name, None, "", "not UTF-8; read as Windows-1252")
        text = data.decode("cp1252", errors="replace")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        package.warn(name, None, "", f"not valid JSON ({error.msg}, line {error.lineno}); skipped")
        return
    except RecursionError:
        raise PackageError(f"{name}: JSON nested too deep; nothing was imported") from None
    if isinstance(document, dict) and all(key.endswith(".csv") for key in document):
        for file, records in document.items():  # the 3.0 tabular example, as JSON
            if file in FILE_TABLES:
                _read_csv(file, _as_csv(name, file, records), package)
        return
    items = document.get("contents", [document]) if isinstance(document, dict) else document
    for number, item in enumerate(items if isinstance(items, list) else [], start=1):
        table = _table_of_file(name) or (_guess_table(item) if isinstance(item, dict) else None)
        if table is None or not isinstance(item, dict) or "id" not in item:
            package.warn(name, number, "", "not a directory record; skipped")
            continue
        _walk(table, item, name, number, package)


def _as_csv(name: str, file: str, records: object) -> bytes:
    """A table of a tabular package given as JSON (``{"services.csv": [{…}, …]}``), as CSV."""
    if not isinstance(records, list):
        raise PackageError(f"{name}: {file} is not a list of records; nothing was imported")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise PackageError(
                f"{name}: {file}, record {number} is not an object; nothing was imported"
            )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, sorted({key for record in records for key in record}))
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def _check_sizes(where: str, sizes: dict[str, int]) -> None:
    """Refuse files over :data:`MAX_FILE_BYTES`, or over :data:`MAX_PACKAGE_BYTES` in all."""
    for name, size in sizes.items():
        if size > MAX_FILE_BYTES:
            raise PackageError(
                f"{where}{name} holds {_mb(size)}, more than the {_mb(MAX_FILE_BYTES)} a "
                "directory file may; nothing was imported"
            )
    if sum(sizes.values()) > MAX_PACKAGE_BYTES:
        raise PackageError(
            f"{where}the package holds {_mb(sum(sizes.values()))}, more than the "
            f"{_mb(MAX_PACKAGE_BYTES)} a directory may; nothing was imported"
        )


def _unzip(path: Path) -> dict[str, bytes]:
    """The files of a zip, refused unread when its members declare too much (in size or in
    compression), and refused while unzipping when a member holds more than it declared."""
    where = f"{path.name}: "
    files: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and "__MACOSX" not in info.filename
            ]
            _check_sizes(where, {info.filename: info.file_size for info in members})
            for info in members:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > _RATIO_FROM and ratio > MAX_RATIO:
                    raise PackageError(
                        f"{where}{info.filename} is compressed {ratio:.0f} times, more than "
                        f"any directory file ({MAX_RATIO}): a zip bomb? nothing was imported"
                    )
            for info in members:
                files[PurePosixPath(info.filename).name] = _unzip_member(archive, info, where)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as error:
        raise PackageError(f"{where}not a readable zip ({error}); nothing was imported") from None
    return files


def _unzip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    """One member, reading no more than it declares (``zipfile`` stops there too, and then
    finds the checksum wrong)."""
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as error:
        raise PackageError(
            f"{where}{info.filename} cannot be unzipped ({error}); nothing was imported"
        ) from None
    if len(data) > info.file_size:
        raise PackageError(
            f"{where}{info.filename} holds more than its zip header says; nothing was imported"
        )
    return data


def _files(path: Path) -> dict[str, bytes]:
    if zipfile.is_zipfile(path):
        return _unzip(path)
    if path.is_dir():
        entries = [entry for entry in sorted(path.iterdir()) if entry.is_file()]
        _check_sizes(f"{path.name}/", {entry.name: entry.stat().st_size for entry in entries})
        return {entry.name: entry.read_bytes() for entry in entries}
    if path.name == "datapackage.json":
        return _files(path.parent)
    if path.is_file():
        _check_sizes("", {path.name: path.stat().st_size})
        return {path.name: path.read_bytes()}
    raise PackageError(f"{path}: no such file or folder")


def read_package(path: Path, kind: str = "auto") -> Package:
    """Every record of the package at ``path`` (a JSON file, a folder, a datapackage.json
    or a zip), read as ``kind`` (``auto`` decides from the files present)."""
    files = _files(path)
    tabular = [name for name in files if name.endswith(".csv")]
    if kind == "auto":
        kind = "hsds-csv" if tabular else "hsds-json"
    package = Package()
    if kind == "hsds-csv":
        for name in sorted(tabular):
            if name in FILE_TABLES:
                _read_csv(name, files[name], package)
            elif name not in KNOWN_EXTRA_FILES:
                package.warn(name, None, "", "not an HSDS table; ignored")
        if "eligibility.csv" in files:
            _read_eligibility(files["eligibility.csv"], package)
    else:
        for name in sorted(files):
            if name.endswith(".json") and name != "datapackage.json":
                _read_json(name, files[name], package)
    if not any(package.rows.values()) and not package.warnings:
        raise PackageError(f"{path}: no HSDS {kind} files found")
    return package
