"""How HSDS 3.0 objects and files map onto the directory tables, both ways.

One :class:`TableSpec` per HSDS table: its columns, its tabular file names (3.0 and the
older 1.x/2.0 layouts), the objects nested inside it in the JSON form, and which of its
references must exist for a row to be kept.

The columns are those of the office's tables (``db.directory``, which adds the database's
types, keys and indexes; a test checks that both say the same): a cleaned row has a value
for each, and that row is what the server sends offices as a ``directory_<table>`` change.
"""

from __future__ import annotations

import enum
from copy import copy
from dataclasses import dataclass, field
from typing import Any, Literal

PROFILE_NAMES = {
    "translations": "baom_translations",
    "commune": "baom_commune",
    "province": "baom_province",
    "eligible_categories": "baom_eligible_categories",
    "eligible_sex": "baom_eligible_sex",
    "timezone_name": "baom_timezone",
    "demo": "baom_demo",
    "cmsm_member": "baom_cmsm_member",
    "cmsm_contact_name": "baom_cmsm_contact_name",
    "cmsm_contact_phone": "baom_cmsm_contact_phone",
    "cmsm_contact_email": "baom_cmsm_contact_email",
}
"""Profile columns and the name they carry in HSDS files (extension fields)."""

COLUMN_NAMES = {exported: column for column, exported in PROFILE_NAMES.items()}


@dataclass(frozen=True)
class Child:
    """A list of objects nested in a JSON object, each pointing back at its parent."""

    key: str
    table: str
    parent_field: str


@dataclass(frozen=True)
class Parent:
    """One object nested in a JSON object, which the object points at."""

    key: str
    table: str
    field: str


class ServiceStatus(enum.StrEnum):
    """HSDS ``service.status``."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"
    TEMPORARILY_CLOSED = "temporarily closed"


class PlaceType(enum.StrEnum):
    """HSDS ``location.location_type`` and ``address.address_type``."""

    PHYSICAL = "physical"
    POSTAL = "postal"
    VIRTUAL = "virtual"


ENUMS: dict[str, type[enum.StrEnum]] = {
    "status": ServiceStatus,
    "location_type": PlaceType,
    "address_type": PlaceType,
}
"""The columns that hold one of a few values, by name."""

Kind = Literal["text", "uuid", "float", "bool", "json", "enum"]


@dataclass(frozen=True)
class Column:
    """One column of a directory table: what a cleaned row holds in it.

    ``required``: a row must have a value (the cleaner gives a default or skips the row);
    otherwise a row without one gets ``default``. ``values``: an ``enum`` column's values.
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    default: Any = None
    values: tuple[str, ...] = ()


_WRITTEN: dict[str, tuple[Kind, Any]] = {
    "text": ("text", None),
    "uuid": ("uuid", None),
    "float": ("float", None),
    "bool": ("bool", False),
    "json": ("json", {}),
    "list": ("json", []),
    "enum": ("enum", None),
}
"""The kinds a layout names: each one's column kind and a row's value when it has none."""


def _columns(text: str) -> tuple[Column, ...]:
    """Columns written ``name:kind`` (``text`` when no kind is given; ``list`` is a JSON list,
    ``json`` a JSON object), with ``!`` after those a row must have. Every table ends with
    its id, as the office's tables have it."""
    columns = []
    for word in [*text.split(), "id:uuid!"]:
        name, _, written = word.removesuffix("!").partition(":")
        kind, default = _WRITTEN[written or "text"]
        values = tuple(str(member.value) for member in ENUMS[name]) if kind == "enum" else ()
        columns.append(Column(name, kind, word.endswith("!"), copy(default), values))
    return tuple(columns)


@dataclass(frozen=True)
class TableSpec:
    """One HSDS table: columns, file names, nesting and references."""

    name: str
    layout: tuple[Column, ...]
    files: tuple[str, ...]
    children: tuple[Child, ...] = ()
    parents: tuple[Parent, ...] = ()
    required_refs: dict[str, str] = field(default_factory=dict)
    optional_refs: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column's name, in the order of the office's table (the id last)."""
        return tuple(column.name for column in self.layout)

    @property
    def export_file(self) -> str:
        """The 3.0 tabular file name."""
        return self.files[0]


def _attributes(parent_field: str = "link_id") -> Child:
    return Child("attributes", "attribute", parent_field)


SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("taxonomy", _columns("name! description! uri version"), ("taxonomies.csv",)),
        TableSpec(
            "taxonomy_term",
            _columns(
                """code name! description! parent_id:uuid taxonomy language taxonomy_id:uuid
                term_uri translations:json"""
            ),
            ("taxonomy_terms.csv", "taxonomy.csv"),
            parents=(Parent("taxonomy_detail", "taxonomy", "taxonomy_id"),),
            optional_refs={"taxonomy_id": "taxonomy"},
        ),
        TableSpec(
            "organization",
            _columns(
                """name! alternate_name description email website tax_status tax_id
                year_incorporated:float legal_status logo uri parent_organization_id:uuid
                translations:json cmsm_member:bool cmsm_contact_name cmsm_contact_phone
                cmsm_contact_email"""
            ),
            ("organizations.csv",),
            children=(
                Child("phones", "phone", "organization_id"),
                Child("locations", "location", "organization_id"),
                Child("services", "service", "organization_id"),
                _attributes(),
            ),
        ),
        TableSpec(
            "location",
            _columns(
                """location_type:enum! url organization_id:uuid name alternate_name description
                transportation latitude:float longitude:float external_identifier
                external_identifier_type translations:json"""
            ),
            ("locations.csv",),
            children=(
                Child("languages", "language", "location_id"),
                Child("addresses", "address", "location_id"),
                Child("phones", "phone", "location_id"),
                Child("schedules", "schedule", "location_id"),
                _attributes(),
            ),
            optional_refs={"organization_id": "organization"},
        ),
        TableSpec(
            "service",
            _columns(
                """organization_id:uuid program_id:uuid name! alternate_name description url email
                status:enum! interpretation_services application_process fees_description wait_time
                fees accreditations eligibility_description minimum_age:float maximum_age:float
                assured_date assurer_email licenses alert last_modified eligible_categories:list
                eligible_sex translations:json"""
            ),
            ("services.csv",),
            children=(
                Child("phones", "phone", "service_id"),
                Child("schedules", "schedule", "service_id"),
                Child("service_areas", "service_area", "service_id"),
                Child("service_at_locations", "service_at_location", "service_id"),
                Child("languages", "language", "service_id"),
                Child("cost_options", "cost_option", "service_id"),
                Child("required_documents", "required_document", "service_id"),
                _attributes(),
            ),
            parents=(Parent("organization", "organization", "organization_id"),),
            optional_refs={"organization_id": "organization"},
        ),
        TableSpec(
            "service_at_location",
            _columns("service_id:uuid location_id:uuid description translations:json"),
            ("service_at_location.csv", "services_at_location.csv"),
            children=(
                Child("phones", "phone", "service_at_location_id"),
                Child("schedules", "schedule", "service_at_location_id"),
                _attributes(),
            ),
            parents=(
                Parent("location", "location", "location_id"),
                Parent("service", "service", "service_id"),
            ),
            required_refs={"service_id": "service", "location_id": "location"},
        ),
        TableSpec(
            "address",
            _columns(
                """location_id:uuid attention address_1! address_2 city! region state_province!
                postal_code! country! address_type:enum! commune province demo:bool"""
            ),
            ("addresses.csv", "physical_addresses.csv", "postal_addresses.csv"),
            required_refs={"location_id": "location"},
        ),
        TableSpec(
            "phone",
            _columns(
                """location_id:uuid service_id:uuid organization_id:uuid contact_id:uuid
                service_at_location_id:uuid number! extension:float type description demo:bool
                translations:json"""
            ),
            ("phones.csv",),
            children=(Child("languages", "language", "phone_id"),),
            optional_refs={
                "location_id": "location",
                "service_id": "service",
                "organization_id": "organization",
                "service_at_location_id": "service_at_location",
            },
        ),
        TableSpec(
            "schedule",
            _columns(
                """service_id:uuid location_id:uuid service_at_location_id:uuid valid_from valid_to
                dtstart timezone:float until count:float wkst freq interval:float byday byweekno
                bymonthday byyearday description opens_at closes_at schedule_link attending_type
                notes timezone_name demo:bool translations:json"""
            ),
            ("schedules.csv", "regular_schedules.csv"),
            optional_refs={
                "service_id": "service",
                "location_id": "location",
                "service_at_location_id": "service_at_location",
            },
        ),
        TableSpec(
            "language",
            _columns("service_id:uuid location_id:uuid phone_id:uuid name code note"),
            ("languages.csv",),
            optional_refs={"service_id": "service", "location_id": "location", "phone_id": "phone"},
        ),
        TableSpec(
            "required_document",
            _columns("service_id:uuid document uri translations:json"),
            ("required_documents.csv",),
            required_refs={"service_id": "service"},
        ),
        TableSpec(
            "cost_option",
            _columns(
                """service_id:uuid valid_from valid_to option currency amount:float
                amount_description translations:json"""
            ),
            ("cost_options.csv",),
            required_refs={"service_id": "service"},
        ),
        TableSpec(
            "service_area",
            _columns("service_id:uuid name description extent extent_type uri translations:json"),
            ("service_areas.csv",),
            required_refs={"service_id": "service"},
        ),
        TableSpec(
            "attribute",
            _columns("link_id:uuid taxonomy_term_id:uuid link_type link_entity value"),
            ("attributes.csv", "services_taxonomy.csv", "service_attributes.csv"),
            parents=(Parent("taxonomy_term", "taxonomy_term", "taxonomy_term_id"),),
            required_refs={"taxonomy_term_id": "taxonomy_term"},
        ),
    )
}
"""Every HSDS table the directory holds, parents before children."""

FILE_TABLES = {file: spec.name for spec in SPECS.values() for file in spec.files}
KNOWN_EXTRA_FILES = frozenset(
    """accessibility.csv accessibility_for_disabilities.csv contacts.csv funding.csv
    holiday_schedules.csv metadata.csv meta_table_descriptions.csv other_attributes.csv
    organization_identifiers.csv payments_accepted.csv programs.csv eligibility.csv""".split()
)
"""HSDS files whose content the directory does not hold (eligibility.csv is read apart)."""


def exported_name(column: str) -> str:
    """The name of ``column`` in an HSDS file."""
    return PROFILE_NAMES.get(column, column)


def column_name(key: str) -> str:
    """The column that an HSDS field (or profile extension field) is stored in."""
    return COLUMN_NAMES.get(key, key)


def empty(value: Any) -> bool:
    """Whether a stored value means "nothing" (0 and 0.0 are values: a free service)."""
    return value is None or value is False or (isinstance(value, dict | list) and not value)


def blank(value: Any) -> bool:
    """Whether a value read from a file means "nothing"."""
    return value is None or (isinstance(value, str) and not value.strip())
