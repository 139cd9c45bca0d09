"""How HSDS 3.0 objects and files map onto the directory tables, both ways.

One :class:`TableSpec` per HSDS table: its model, its tabular file names (3.0 and the
older 1.x/2.0 layouts), the objects nested inside it in the JSON form, and which of its
references must exist for a row to be kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from db import directory as d

PROFILE_NAMES = {
    "translations": "baom_translations",
    "commune": "baom_commune",
    "province": "baom_province",
    "eligible_categories": "baom_eligible_categories",
    "eligible_sex": "baom_eligible_sex",
    "timezone_name": "baom_timezone",
    "demo": "baom_demo",
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


@dataclass(frozen=True)
class TableSpec:
    """One HSDS table: model, file names, nesting and references."""

    name: str
    model: type[d.HsdsRecord]
    files: tuple[str, ...]
    children: tuple[Child, ...] = ()
    parents: tuple[Parent, ...] = ()
    required_refs: dict[str, str] = field(default_factory=dict)
    optional_refs: dict[str, str] = field(default_factory=dict)

    @property
    def table(self) -> Table:
        """The SQLAlchemy table."""
        table: Table = self.model.__table__  # type: ignore[attr-defined]
        return table

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column, the id first."""
        return tuple(column.name for column in self.table.columns)

    @property
    def export_file(self) -> str:
        """The 3.0 tabular file name."""
        return self.files[0]


def _attributes(parent_field: str = "link_id") -> Child:
    return Child("attributes", "attribute", parent_field)


SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("taxonomy", d.Taxonomy, ("taxonomies.csv",)),
        TableSpec(
            "taxonomy_term",
            d.TaxonomyTerm,
            ("taxonomy_terms.csv", "taxonomy.csv"),
            parents=(Parent("taxonomy_detail", "taxonomy", "taxonomy_id"),),
            optional_refs={"taxonomy_id": "taxonomy"},
        ),
        TableSpec(
            "organization",
            d.Organization,
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
            d.Location,
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
            d.Service,
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
            d.ServiceAtLocation,
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
            d.Address,
            ("addresses.csv", "physical_addresses.csv", "postal_addresses.csv"),
            required_refs={"location_id": "location"},
        ),
        TableSpec(
            "phone",
            d.Phone,
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
            d.Schedule,
            ("schedules.csv", "regular_schedules.csv"),
            optional_refs={
                "service_id": "service",
                "location_id": "location",
                "service_at_location_id": "service_at_location",
            },
        ),
        TableSpec(
            "language",
            d.Language,
            ("languages.csv",),
            optional_refs={"service_id": "service", "location_id": "location", "phone_id": "phone"},
        ),
        TableSpec(
            "required_document",
            d.RequiredDocument,
            ("required_documents.csv",),
            required_refs={"service_id": "service"},
        ),
        TableSpec(
            "cost_option",
            d.CostOption,
            ("cost_options.csv",),
            required_refs={"service_id": "service"},
        ),
        TableSpec(
            "service_area",
            d.ServiceArea,
            ("service_areas.csv",),
            required_refs={"service_id": "service"},
        ),
        TableSpec(
            "attribute",
            d.Attribute,
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
