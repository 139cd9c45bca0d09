"""The office's declaration to the CNDP (Law 09-08): the facts it asks for, and their text.

Every fact comes from the data inventory (``resources/privacy/inventory.yaml``: the
records about persons, their fields and sensitivity, purposes, legal bases, readers,
retention, what leaves the office) and from the office (its name and commune in the
database, the settings' current values: the retention schedule, the lock-out, the
auto-lock, the backups kept). :func:`gather` returns them as plain data (``baom privacy
declaration --json``), :func:`build_declaration` says them in French or Arabic from the
catalog (``declaration.*``; the units and separators of ``privacy.*``), and
``printing.declaration`` draws that as an A4 PDF. A word of the inventory that the
catalog lacks raises :class:`MissingText`, so a test fails instead of a line going missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kiosk.clock import office_day
from kiosk.forms import load_form
from kiosk.i18n import REFERENCE_LANGUAGE, Catalog
from kiosk.office import OfficeContext
from kiosk.privacy_notice import MissingText
from protocol.communes import commune_name
from protocol.privacy import FieldEntry, Inventory, RecordEntry, inventory

LANGUAGES = ("fr", "ar")
"""The languages the CNDP reads a declaration in."""
PERSONS = ("visitor", "staff")
"""The inventory's ``about`` values that are persons (the others are the office, none)."""
SCHEDULE = {"case": "retention.closed_case_months", "draft": "retention.draft_days"}
"""The inventory's retention rules whose period is an office setting, applied every day by
the retention schedule (``kiosk.retention``); the others are the inventory's own."""
SECURITY_SETTINGS = (
    "accounts.max_failed_logins",
    "accounts.lockout_minutes",
    "desk.auto_lock_minutes",
    "backups.keep",
)
"""The settings the security measures state with their current values."""
RIGHTS = ("access", "rectification", "erasure", "restriction", "objection")
"""The person's rights the declaration says how to exercise (``declaration.right.*``)."""
MEASURES = (
    "database",
    "accounts",
    "roles",
    "audit",
    "sealed",
    "transport",
    "backups",
    "recovery_sheet",
    "minimisation",
)
"""The security measures, in the order the declaration states them."""


class DeclarationError(Exception):
    """The declaration cannot be written where asked; the message says why."""


@dataclass(frozen=True)
class DataCategory:
    """A record of the inventory about persons: its personal fields, the sensitive ones,
    the purposes and legal bases they serve, who reads it, its retention rule, and what
    leaves the office (``sealed`` or ``never``)."""

    record: str
    about: str
    fields: list[str]
    sensitive: list[str]
    purposes: list[str]
    bases: list[str]
    readers: list[str]
    retention: str
    leaves_office: str


@dataclass(frozen=True)
class Period:
    """How long a kind of record is kept: ``count`` months or days after ``after``; the
    setting it comes from, and whether the schedule applies it by itself."""

    key: str
    count: int
    unit: str
    after: str
    setting: str
    automatic: bool
    records: list[str]


@dataclass(frozen=True)
class Facts:
    """What the CNDP's declaration asks, as the inventory and the office's settings say it."""

    office: str
    commune: str
    made_on: date
    purposes: list[str]
    persons: list[str]
    data: list[DataCategory]
    readers: list[str]
    region_sealed: bool
    region_clear: list[str]
    region_statistics: list[str]
    partners: bool
    transfers_abroad: list[str]
    retention: list[Period]
    rights: list[str]
    security: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        """The facts as JSON (the date as ``YYYY-MM-DD``)."""
        return {**asdict(self), "made_on": self.made_on.isoformat()}


def _personal(record: RecordEntry) -> list[FieldEntry]:
    return [entry for entry in record.fields.values() if entry.personal]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _category(record: RecordEntry) -> DataCategory:
    fields = _personal(record)
    purposes = [record.purpose] + [entry.purpose for entry in fields]
    purposes += ["statistics"] if any(entry.region == "statistics" for entry in fields) else []
    return DataCategory(
        record=record.name,
        about=record.about,
        fields=[entry.name for entry in fields],
        sensitive=[entry.name for entry in fields if entry.sensitive],
        purposes=_unique(purposes),
        bases=_unique([record.basis] + [entry.basis for entry in fields]),
        readers=list(record.readers),
        retention=record.retention,
        leaves_office=record.leaves_office,
    )


def _periods(
    source: Inventory, categories: list[DataCategory], setting: Callable[[str], object]
) -> list[Period]:
    periods = []
    for key in _unique([category.retention for category in categories]):
        rule = source.retention[key]
        unit = "days" if "days" in rule else "months"
        name = SCHEDULE.get(key, "")
        count = int(str(setting(name) if name else rule[unit]))
        records = [category.record for category in categories if category.retention == key]
        periods.append(Period(key, count, unit, str(rule["after"]), name, bool(name), records))
    return periods


def gather(
    context: OfficeContext, source: Inventory | None = None, today: date | None = None
) -> Facts:
    """The declaration's facts for the office of ``context`` (the shipped inventory by
    default), on ``today`` (the office's day by default)."""
    source = source or inventory()
    records = [record for record in source.records.values() if record.about in PERSONS]
    categories = [_category(record) for record in records if _personal(record)]
    leaving = [record for record in categories if record.leaves_office == "sealed"]
    clear = [
        f"{record.name}.{entry.name}"
        for record in records
        for entry in _personal(record)
        if entry.region == "clear" and entry.leaves_office == "sealed"
    ]
    sealed = [record for record in source.records.values() if record.leaves_office == "sealed"]
    every = set.intersection(*(set(record.clear_fields) for record in sealed))  # id, version…
    statistics = [
        name
        for record in sealed
        if record.purpose == "statistics"
        for name in record.clear_fields
        if name not in every
    ]
    return Facts(
        office=context.office_name,
        commune=context.office_commune,
        made_on=today or office_day(datetime.now(UTC)),
        purposes=_unique([p for category in categories for p in category.purposes]),
        persons=_unique([category.about for category in categories]),
        data=categories,
        readers=_unique([reader for category in categories for reader in category.readers]),
        region_sealed=bool(leaving),
        region_clear=clear,
        region_statistics=statistics,
        partners=any("refer" in category.purposes for category in categories),
        transfers_abroad=[],
        retention=_periods(source, categories, context.settings.get),
        rights=list(RIGHTS),
        security={key: int(context.settings.get(key)) for key in SECURITY_SETTINGS},
    )


# --- the text ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph of a section: ``text``, drawn as ``kind`` (paragraph, subheading, item)."""

    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Part:
    """A numbered section of the declaration: its heading and blocks."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Declaration:
    """The declaration in one language, ready to draw."""

    language: str
    right_to_left: bool
    title: str
    header: tuple[str, ...]
    parts: tuple[Part, ...]
    footer: str
    """The page's footer, with ``{page}`` and ``{pages}`` left to fill."""


class _Words:
    """The catalog in one language, refusing a key that French lacks."""

    def __init__(self, catalog: Catalog, language: str) -> None:
        self.catalog, self.language = catalog, language
        self.known = catalog.keys(REFERENCE_LANGUAGE)

    def __call__(self, key: str, **params: object) -> str:
        if key not in self.known:
            raise MissingText(f"the catalog has no text {key!r} (see inventory.yaml)")
        return self.catalog.text(self.language, key, **params)

    def join(self, items: list[str]) -> str:
        head = self("privacy.separator").join(items[:-1])
        return self("privacy.last_separator").join([head, items[-1]]) if head else "".join(items)

    def line(self, label: str, text: str) -> Block:
        return Block(self("privacy.line", label=label, text=text), "item")

    def count(self, unit: str, count: int) -> str:
        plural = "one" if count == 1 else "few" if 2 <= count <= 10 else "other"
        return self(f"privacy.{unit}.{plural}", **{unit: count})

    def field(self, record: str, name: str) -> str:
        """A field's label: its record's own (``declaration.field.person.phone``), else the
        column's (``declaration.field.at``), else links' (any ``…_id``)."""
        for key in (f"declaration.field.{record}.{name}", f"declaration.field.{name}"):
            if key in self.known:
                return self(key)
        if name.endswith("_id"):
            return self("declaration.field.link")
        raise MissingText(f"the catalog has no text 'declaration.field.{record}.{name}'")

    def fields(self, record: str, names: list[str]) -> str:
        return self.join(_unique([self.field(record, name) for name in names]))


def _isolated(text: str) -> str:
    """A name kept in its own direction inside a sentence of either direction."""
    return f"\u2068{text}\u2069"


def build_declaration(facts: Facts, catalog: Catalog, language: str) -> Declaration:
    """The declaration of ``facts`` in ``language`` (French or Arabic)."""
    words = _Words(catalog, language)
    office = _isolated(facts.office)
    commune = _isolated(commune_name(facts.commune, language)) if facts.commune else ""
    day = facts.made_on.strftime("%d/%m/%Y")
    parts = (
        Part(words("declaration.controller_title"), _controller(words, office, commune)),
        Part(words("declaration.purposes_title"), _purposes(words, facts)),
        Part(words("declaration.persons_title"), _persons(words, facts)),
        Part(words("declaration.data_title"), _data(words, facts)),
        Part(words("declaration.recipients_title"), _recipients(words, facts)),
        Part(words("declaration.transfers_title"), _transfers(words)),
        Part(words("declaration.retention_title"), _retention(words, facts)),
        Part(words("declaration.rights_title"), _rights(words, facts, office)),
        Part(words("declaration.security_title"), _security(words, facts)),
    )
    numbered = tuple(
        Part(words("declaration.numbered", number=number, heading=part.heading), part.blocks)
        for number, part in enumerate(parts, 1)
    )
    return Declaration(
        language=language,
        right_to_left=catalog.language(language).right_to_left,
        title=words("declaration.title"),
        header=(
            words("declaration.law"),
            words("declaration.office", office=office),
            words("declaration.commune", commune=commune or words("declaration.no_commune")),
            words("declaration.made_on", date=day),
        ),
        parts=numbered,
        footer=words("declaration.footer", office=office, date=day, page="{page}", pages="{pages}"),
    )


def _controller(words: _Words, office: str, commune: str) -> tuple[Block, ...]:
    said = (
        words("declaration.controller", office=office, commune=commune)
        if commune
        else words("declaration.controller_no_commune", office=office)
    )
    return Block(said), Block(words("declaration.processing"))


def _purposes(words: _Words, facts: Facts) -> tuple[Block, ...]:
    return tuple(
        words.line(
            words(f"declaration.purpose_name.{purpose}"), words(f"declaration.purpose.{purpose}")
        )
        for purpose in facts.purposes
    )


def _persons(words: _Words, facts: Facts) -> tuple[Block, ...]:
    categories = [
        choice.label(words.language)
        for choice in load_form("intake").field("person.category").choices
    ]
    return tuple(
        Block(words(f"declaration.about.{about}", categories=words.join(categories)), "item")
        for about in facts.persons
    )


def _data(words: _Words, facts: Facts) -> tuple[Block, ...]:
    retention = {period.key: period for period in facts.retention}
    blocks = [Block(words("declaration.data_intro"))]
    for category in facts.data:
        blocks.append(Block(words(f"declaration.record.{category.record}"), "subheading"))
        blocks.append(
            words.line(words("declaration.fields"), words.fields(category.record, category.fields))
        )
        if category.sensitive:
            sensitive = words.fields(category.record, category.sensitive)
            blocks.append(words.line(words("declaration.sensitive"), sensitive))
        purposes = words.join([words(f"declaration.purpose_name.{p}") for p in category.purposes])
        bases = words.join([words(f"declaration.basis.{basis}") for basis in category.bases])
        blocks.append(words.line(words("declaration.purposes"), purposes))
        blocks.append(words.line(words("declaration.bases"), bases))
        readers = words.join([words(f"declaration.reader.{r}") for r in category.readers])
        blocks.append(words.line(words("declaration.readers"), readers))
        period = retention[category.retention]
        blocks.append(words.line(words("declaration.kept"), _duration(words, period)))
        region = words(f"declaration.leaves.{category.leaves_office}")
        blocks.append(words.line(words("declaration.region"), region))
    return tuple(blocks)


def _recipients(words: _Words, facts: Facts) -> tuple[Block, ...]:
    readers = words.join([words(f"declaration.reader.{reader}") for reader in facts.readers])
    blocks = [words.line(words("declaration.recipient.office_label"), readers)]
    if facts.partners:
        blocks.append(
            words.line(
                words("declaration.recipient.partners_label"),
                words("declaration.recipient.partners"),
            )
        )
    if facts.region_sealed:
        clear = [words.field(*name.split(".", 1)) for name in facts.region_clear]
        text = words("declaration.recipient.region", clear=words.join(_unique(clear)))
        blocks.append(words.line(words("declaration.recipient.region_label"), text))
    if facts.region_statistics:
        dimensions = words.fields("stat_record", facts.region_statistics)
        text = words("declaration.recipient.statistics", dimensions=dimensions)
        blocks.append(words.line(words("declaration.recipient.statistics_label"), text))
    return tuple(blocks)


def _transfers(words: _Words) -> tuple[Block, ...]:
    """None: nothing in the software sends data abroad (``Facts.transfers_abroad``)."""
    return (Block(words("declaration.no_transfer")),)


def _duration(words: _Words, period: Period) -> str:
    return words(
        f"declaration.after.{period.after}", duration=words.count(period.unit, period.count)
    )


def _retention(words: _Words, facts: Facts) -> tuple[Block, ...]:
    blocks = []
    for period in facts.retention:
        records = words.join([words(f"declaration.record.{r}") for r in period.records])
        blocks += [
            Block(words(f"declaration.retention.{period.key}"), "subheading"),
            words.line(words("declaration.kept"), _duration(words, period)),
            words.line(words("declaration.covers"), records),
        ]
        if period.automatic:
            said = words("declaration.setting", setting=period.setting)
            blocks.append(words.line(words("declaration.setting_label"), said))
        end = words(f"declaration.end.{period.key}")
        blocks.append(words.line(words("declaration.end_label"), end))
    return tuple(blocks)


def _rights(words: _Words, facts: Facts, office: str) -> tuple[Block, ...]:
    blocks = [Block(words("declaration.rights_where", office=office))]
    blocks += [
        words.line(words(f"declaration.right.{right}_label"), words(f"declaration.right.{right}"))
        for right in facts.rights
    ]
    blocks.append(Block(words("declaration.rights_audit")))
    return tuple(blocks)


def _security(words: _Words, facts: Facts) -> tuple[Block, ...]:
    values = {key.replace(".", "_"): value for key, value in facts.security.items()}
    return tuple(
        words.line(
            words(f"declaration.measure.{measure}_label"),
            words(f"declaration.measure.{measure}", **values),
        )
        for measure in MEASURES
    )


DeclarationWriter = Callable[[Declaration], bytes]
"""Draws a declaration as the bytes of a PDF (``printing.declaration``, handed in by
``ui.main``: the core never imports Qt)."""


def write_declaration(
    context: OfficeContext,
    language: str,
    path: Path,
    draw: DeclarationWriter,
    catalog: Catalog | None = None,
) -> Facts:
    """Write the office's declaration in ``language`` to ``path`` as a PDF, audited (the
    language and the file's name; no personal data); returns its facts."""
    if language not in LANGUAGES:
        raise DeclarationError(
            f"a declaration is written in {' or '.join(LANGUAGES)}, not {language!r}"
        )
    if path.is_dir():
        raise DeclarationError(f"{path} is a folder: give the PDF file's name")
    facts = gather(context)
    data = draw(build_declaration(facts, catalog or context.catalog, language))
    try:
        path.write_bytes(data)
    except OSError as error:
        raise DeclarationError(
            f"the declaration could not be written to {path}: {error.strerror or error}"
        ) from None
    with context.store.unit_of_work(context.system) as uow:
        uow.audit("privacy_declaration", detail=f"{language}: {path.name}"[:200])
    return facts
