"""The consent notice, written from the data inventory in the visitor's language.

Nothing here is a fixed list of what the office keeps: the purposes, legal bases, readers
and retention periods come from ``resources/privacy/inventory.yaml`` (the records about a
visitor), their words from the catalog (``privacy.*`` for the inventory's vocabulary,
``consent_notice.*`` for the notice's own sentences). A word of the inventory that the
catalog lacks raises :class:`MissingText`, so a test fails instead of a line going missing.
The same HTML is shown on the desk and printed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from kiosk.i18n import REFERENCE_LANGUAGE, Catalog
from protocol.privacy import FieldEntry, Inventory, RecordEntry, inventory


class MissingText(LookupError):
    """The catalog has no text for a word of the inventory (a purpose, a basis…)."""


@dataclass(frozen=True)
class Section:
    """One part of the notice: a heading and its paragraphs (plain text)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """The whole notice in one language."""

    language: str
    right_to_left: bool
    title: str
    sections: tuple[Section, ...]


def visitor_records(source: Inventory) -> list[RecordEntry]:
    """The records of the inventory that are about a visitor."""
    return [record for record in source.records.values() if record.about == "visitor"]


def _visitor_fields(source: Inventory) -> list[tuple[RecordEntry, FieldEntry]]:
    return [
        (record, entry) for record in visitor_records(source) for entry in record.fields.values()
    ]


def _purposes_of(entry: FieldEntry) -> list[str]:
    """A field's purpose, and ``statistics`` when it reaches the region's statistics."""
    return [entry.purpose] + (["statistics"] if entry.region == "statistics" else [])


def visitor_purposes(source: Inventory) -> list[str]:
    """Every purpose a visitor's data serves, in the order the inventory first names it."""
    found: dict[str, None] = {}
    for record in visitor_records(source):
        found[record.purpose] = None
        for entry in record.fields.values():
            found.update(dict.fromkeys(_purposes_of(entry)))
    return list(found)


class _Words:
    """The catalog in one language, refusing a key that French lacks."""

    def __init__(self, catalog: Catalog, language: str) -> None:
        self.catalog, self.language = catalog, language
        self.known = catalog.keys(REFERENCE_LANGUAGE)

    def __call__(self, key: str, **params: object) -> str:
        if key not in self.known:
            raise MissingText(f"the catalog has no text {key!r} (see inventory.yaml)")
        return self.catalog.text(self.language, key, **params)

    def has(self, key: str) -> bool:
        return key in self.known

    def join(self, items: list[str]) -> str:
        """``a, b et c`` in the notice's language."""
        head = self("privacy.separator").join(items[:-1])
        return self("privacy.last_separator").join([head, items[-1]]) if head else "".join(items)

    def line(self, label: str, text: str) -> str:
        return self("privacy.line", label=label, text=text)

    def duration(self, rule: dict[str, object]) -> str:
        """``24 mois après la clôture de votre dossier``: a retention rule of the inventory,
        its ``months`` (or ``days``) and after what."""
        unit = "days" if "days" in rule else "months"
        count = int(str(rule[unit]))
        plural = "one" if count == 1 else "few" if 2 <= count <= 10 else "other"
        counted = self(f"privacy.{unit}.{plural}", **{unit: count})
        return self(f"privacy.after.{rule['after']}", duration=counted)


def build_notice(catalog: Catalog, language: str, source: Inventory | None = None) -> Notice:
    """The notice in ``language``, from ``source`` (the shipped inventory by default)."""
    source = source or inventory()
    words = _Words(catalog, language)
    sections = (
        Section(words("consent_notice.what_title"), _what(words, source)),
        Section(words("consent_notice.why_title"), _why(words, source)),
        Section(words("consent_notice.basis_title"), _basis(words, source)),
        Section(words("consent_notice.who_title"), _where(words, source)),
        Section(words("consent_notice.keep_title"), _keep(words, source)),
        Section(words("consent_notice.rights_title"), _rights(words)),
        Section(words("consent_notice.refuse_title"), _refuse(words)),
    )
    return Notice(
        language=language,
        right_to_left=catalog.language(language).right_to_left,
        title=words("consent_notice.title"),
        sections=sections,
    )


def _what(words: _Words, source: Inventory) -> tuple[str, ...]:
    """Per purpose, its label and what is written down for it (fields with a description)."""
    described: dict[str, dict[str, None]] = {p: {} for p in visitor_purposes(source)}
    for record, entry in _visitor_fields(source):
        key = f"privacy.field.{record.name}.{entry.name}"
        if entry.personal and words.has(key):
            for purpose in _purposes_of(entry):
                described[purpose][words(key)] = None
    lines = []
    for purpose, texts in described.items():
        label = words(f"privacy.purpose.{purpose}")
        lines.append(words.line(label, words.join(list(texts))) if texts else label)
    return (*lines, words("consent_notice.what_never"))


def _why(words: _Words, source: Inventory) -> tuple[str, ...]:
    return tuple(
        words.line(words(f"privacy.purpose.{purpose}"), words(f"privacy.why.{purpose}"))
        for purpose in visitor_purposes(source)
    )


def _basis(words: _Words, source: Inventory) -> tuple[str, ...]:
    """Per legal basis, the purposes that rest on it."""
    purposes: dict[str, dict[str, None]] = {}
    for record in visitor_records(source):
        purposes.setdefault(record.basis, {})[record.purpose] = None
        for entry in record.fields.values():
            purposes.setdefault(entry.basis, {}).update(dict.fromkeys(_purposes_of(entry)))
    return tuple(
        words.line(
            words(f"privacy.basis.{basis}"),
            words.join([words(f"privacy.purpose.{purpose}") for purpose in found]),
        )
        for basis, found in purposes.items()
    )


def _where(words: _Words, source: Inventory) -> tuple[str, ...]:
    """At the office and who reads it; what the region and a partner service receive."""
    records = visitor_records(source)
    readers = dict.fromkeys(reader for record in records for reader in record.readers)
    paragraphs = [
        words(
            "consent_notice.where_office",
            readers=words.join([words(f"privacy.reader.{reader}") for reader in readers]),
        )
    ]
    if any(record.leaves_office == "sealed" for record in records):
        paragraphs.append(words("consent_notice.where_sealed"))
    if any(entry.region == "statistics" for _, entry in _visitor_fields(source)):
        paragraphs.append(words("consent_notice.where_statistics"))
    if "refer" in visitor_purposes(source):
        paragraphs.append(words("consent_notice.where_refer"))
    paragraphs.append(words("consent_notice.where_morocco"))
    return tuple(paragraphs)


def _keep(words: _Words, source: Inventory) -> tuple[str, ...]:
    """How long each kind of the visitor's records is kept."""
    keys = dict.fromkeys(record.retention for record in visitor_records(source))
    lines = []
    for key in keys:
        rule = source.retention[key]
        how_long = words.duration(rule)
        lines.append(words.line(words(f"privacy.retention.{key}"), how_long))
    return (*lines, words("consent_notice.keep_then"))


def _rights(words: _Words) -> tuple[str, ...]:
    return words("consent_notice.rights"), words("consent_notice.cndp")


def _refuse(words: _Words) -> tuple[str, ...]:
    return words("consent_notice.refuse_record"), words("consent_notice.refuse_stats")


def to_html(notice: Notice) -> str:
    """The notice as escaped rich text, mirrored (``dir="rtl"``) for a right-to-left language."""
    direction = "rtl" if notice.right_to_left else "ltr"
    align = "right" if notice.right_to_left else "left"
    attributes = f'dir="{direction}" align="{align}"'
    parts = [
        f'<div lang="{html.escape(notice.language)}" dir="{direction}">',
        f"<h2 {attributes}>{html.escape(notice.title)}</h2>",
    ]
    for section in notice.sections:
        parts.append(f"<h4 {attributes}>{html.escape(section.heading)}</h4>")
        parts.extend(f"<p {attributes}>{html.escape(text)}</p>" for text in section.paragraphs)
    parts.append("</div>")
    return "".join(parts)
