"""The service directory: the Open Referral HSDS 3.0 core, with the BAOM profile.

Table and column names are those of HSDS 3.0 (prefixed ``hsds_``), so that import and
export map one to one; docs/directory-profile.md documents the profile columns
(``translations``, ``commune``, ``province``, ``eligible_*``, ``timezone_name``, ``demo``).
The columns are those of ``protocol.directory.hsds.SPECS`` (what the reader and cleaner
make of a package, on the office and on the server); a test checks that they agree.

Directory rows are *not* :class:`~db.base.SyncedRecord`: the regional server is the
directory's source of truth, offices receive it (import or pull) and never push it back,
so a directory write makes no outbox envelope. The id is the HSDS id itself.

References that HSDS makes optional are nullable foreign keys; the importer checks them
before writing. ``hsds_search_document`` holds the normalised text of each service for
the FTS5 index ``hsds_fts`` (an external-content table kept in step by triggers; it is
made by the migration, not by these models: see :func:`is_search_index`).
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, enum_values
from protocol.directory.hsds import PlaceType, ServiceStatus

SEARCH_INDEX = "hsds_fts"


def is_search_index(table_name: str) -> bool:
    """Whether ``table_name`` is the FTS5 index or one of its shadow tables (no model)."""
    return table_name == SEARCH_INDEX or table_name.startswith(f"{SEARCH_INDEX}_")


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=enum_values)


def _ref(table: str) -> Mapped[uuid.UUID | None]:
    return mapped_column(ForeignKey(f"{table}.id"), index=True, default=None)


def _text() -> Mapped[str | None]:
    return mapped_column(Text, default=None)


def _translations() -> Mapped[dict[str, Any]]:
    return mapped_column(JSON, default=dict)


class HsdsRecord:
    """Every directory table: the HSDS id, kept as given (or derived from a non-UUID id)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Organization(HsdsRecord, Base):
    """HSDS ``organization``: who delivers services."""

    __tablename__ = "hsds_organization"

    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = _text()
    description: Mapped[str | None] = _text()
    email: Mapped[str | None] = _text()
    website: Mapped[str | None] = _text()
    tax_status: Mapped[str | None] = _text()
    tax_id: Mapped[str | None] = _text()
    year_incorporated: Mapped[float | None] = mapped_column(default=None)
    legal_status: Mapped[str | None] = _text()
    logo: Mapped[str | None] = _text()
    uri: Mapped[str | None] = _text()
    parent_organization_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    translations: Mapped[dict[str, Any]] = _translations()
    cmsm_member: Mapped[bool] = mapped_column(default=False)
    cmsm_contact_name: Mapped[str | None] = _text()
    cmsm_contact_phone: Mapped[str | None] = _text()
    cmsm_contact_email: Mapped[str | None] = _text()


class Location(HsdsRecord, Base):
    """HSDS ``location``: a place where services are delivered."""

    __tablename__ = "hsds_location"

    location_type: Mapped[PlaceType] = mapped_column(_enum(PlaceType))
    url: Mapped[str | None] = _text()
    organization_id: Mapped[uuid.UUID | None] = _ref("hsds_organization")
    name: Mapped[str | None] = _text()
    alternate_name: Mapped[str | None] = _text()
    description: Mapped[str | None] = _text()
    transportation: Mapped[str | None] = _text()
    latitude: Mapped[float | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)
    external_identifier: Mapped[str | None] = _text()
    external_identifier_type: Mapped[str | None] = _text()
    translations: Mapped[dict[str, Any]] = _translations()


class Service(HsdsRecord, Base):
    """HSDS ``service``, with the profile's eligibility by visitor category and sex."""

    __tablename__ = "hsds_service"

    organization_id: Mapped[uuid.UUID | None] = _ref("hsds_organization")
    program_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = _text()
    description: Mapped[str | None] = _text()
    url: Mapped[str | None] = _text()
    email: Mapped[str | None] = _text()
    status: Mapped[ServiceStatus] = mapped_column(_enum(ServiceStatus))
    interpretation_services: Mapped[str | None] = _text()
    application_process: Mapped[str | None] = _text()
    fees_description: Mapped[str | None] = _text()
    wait_time: Mapped[str | None] = _text()
    fees: Mapped[str | None] = _text()
    accreditations: Mapped[str | None] = _text()
    eligibility_description: Mapped[str | None] = _text()
    minimum_age: Mapped[float | None] = mapped_column(default=None)
    maximum_age: Mapped[float | None] = mapped_column(default=None)
    assured_date: Mapped[str | None] = _text()
    assurer_email: Mapped[str | None] = _text()
    licenses: Mapped[str | None] = _text()
    alert: Mapped[str | None] = _text()
    last_modified: Mapped[str | None] = _text()
    eligible_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    eligible_sex: Mapped[str | None] = mapped_column(String(8), default=None)
    translations: Mapped[dict[str, Any]] = _translations()


class ServiceAtLocation(HsdsRecord, Base):
    """HSDS ``service_at_location``: a service delivered at a location."""

    __tablename__ = "hsds_service_at_location"

    service_id: Mapped[uuid.UUID | None] = _ref("hsds_service")
    location_id: Mapped[uuid.UUID | None] = _ref("hsds_location")
    description: Mapped[str | None] = _text()
    translations: Mapped[dict[str, Any]] = _translations()


class Address(HsdsRecord, Base):
    """HSDS ``address``, with the profile's commune and province."""

    __tablename__ = "hsds_address"

    location_id: Mapped[uuid.UUID | None] = _ref("hsds_location")
    attention: Mapped[str | None] = _text()
    address_1: Mapped[str] = mapped_column(Text)
    address_2: Mapped[str | None] = _text()
    city: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = _text()
    state_province: Mapped[str] = mapped_column(Text)
    postal_code: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(Text)
    address_type: Mapped[PlaceType] = mapped_column(_enum(PlaceType))
    commune: Mapped[str | None] = _text()
    province: Mapped[str | None] = _text()
    demo: Mapped[bool] = mapped_column(default=False)


class Phone(HsdsRecord, Base):
    """HSDS ``phone``; the profile's types add ``whatsapp``."""

    __tablename__ = "hsds_phone"

    location_id: Mapped[uuid.UUID | None] = _ref("hsds_location")
    service_id: Mapped[uuid.UUID | None] = _ref("hsds_service")
    organization_id: Mapped[uuid.UUID | None] = _ref("hsds_organization")
    contact_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    service_at_location_id: Mapped[uuid.UUID | None] = _ref("hsds_service_at_location")
    number: Mapped[str] = mapped_column(Text)
    extension: Mapped[float | None] = mapped_column(default=None)
    type: Mapped[str | None] = _text()
    description: Mapped[str | None] = _text()
    demo: Mapped[bool] = mapped_column(default=False)
    translations: Mapped[dict[str, Any]] = _translations()


class Schedule(HsdsRecord, Base):
    """HSDS ``schedule`` (RFC 5545 terms), with the time zone by name."""

    __tablename__ = "hsds_schedule"

    service_id: Mapped[uuid.UUID | None] = _ref("hsds_service")
    location_id: Mapped[uuid.UUID | None] = _ref("hsds_location")
    service_at_location_id: Mapped[uuid.UUID | None] = _ref("hsds_service_at_location")
    valid_from: Mapped[str | None] = _text()
    valid_to: Mapped[str | None] = _text()
    dtstart: Mapped[str | None] = _text()
    timezone: Mapped[float | None] = mapped_column(default=None)
    until: Mapped[str | None] = _text()
    count: Mapped[float | None] = mapped_column(default=None)
    wkst: Mapped[str | None] = _text()
    freq: Mapped[str | None] = _text()
    interval: Mapped[float | None] = mapped_column(default=None)
    byday: Mapped[str | None] = _text()
    byweekno: Mapped[str | None] = _text()
    bymonthday: Mapped[str | None] = _text()
    byyearday: Mapped[str | None] = _text()
    description: Mapped[str | None] = _text()
    opens_at: Mapped[str | None] = _text()
    closes_at: Mapped[str | None] = _text()
    schedule_link: Mapped[str | None] = _text()
    attending_type: Mapped[str | None] = _text()
    notes: Mapped[str | None] = _text()
    timezone_name: Mapped[str | None] = _text()
    demo: Mapped[bool] = mapped_column(default=False)
    translations: Mapped[dict[str, Any]] = _translations()


class Language(HsdsRecord, Base):
    """HSDS ``language``: a language spoken at a service, location or phone."""

    __tablename__ = "hsds_language"

    service_id: Mapped[uuid.UUID | None] = _ref("hsds_service")
    location_id: Mapped[uuid.UUID | None] = _ref("hsds_location")
    phone_id: Mapped[uuid.UUID | None] = _ref("hsds_phone")
    name: Mapped[str | None] = _text()
    code: Mapped[str | None] = _text()
    note: Mapped[str | None] = _text()


class RequiredDocument(HsdsRecord, Base):
    """HSDS ``required_document``: one line of the checklist printed on the slip."""

    __tablename__ = "hsds_required_document"

    service_id: Mapped[uuid.UUID | None] = _ref("hsds_service")
    document: Mapped[str | None] = _text()
    uri: Mapped[str | None] = _text()
    translations: Mapped[dict[str, Any]] = _translations()


class CostOption(HsdsRecord, Base):
    """HSDS ``cost_option``."""

    __tablename__ = "hsds_cost_option"

    service_id: Mapped[uuid.UUID | None] = _ref("hsds_service")
    valid_from: Mapped[str | None] = _text()
    valid_to: Mapped[str | None] = _text()
    option: Mapped[str | None] = _text()
    currency: Mapped[str | None] = _text()
    amount: Mapped[float | None] = mapped_column(default=None)
    amount_description: Mapped[str | None] = _text()
    translations: Mapped[dict[str, Any]] = _translations()


class ServiceArea(HsdsRecord, Base):
    """HSDS ``service_area``."""

    __tablename__ = "hsds_service_area"

    service_id: Mapped[uuid.UUID | None] = _ref("hsds_service")
    name: Mapped[str | None] = _text()
    description: Mapped[str | None] = _text()
    extent: Mapped[str | None] = _text()
    extent_type: Mapped[str | None] = _text()
    uri: Mapped[str | None] = _text()
    translations: Mapped[dict[str, Any]] = _translations()


class Taxonomy(HsdsRecord, Base):
    """HSDS ``taxonomy``: a vocabulary, such as the BAOM need categories."""

    __tablename__ = "hsds_taxonomy"

    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    uri: Mapped[str | None] = _text()
    version: Mapped[str | None] = _text()


class TaxonomyTerm(HsdsRecord, Base):
    """HSDS ``taxonomy_term``; a BAOM need category has its DOMAIN.md key as ``code``."""

    __tablename__ = "hsds_taxonomy_term"

    code: Mapped[str | None] = _text()
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    taxonomy: Mapped[str | None] = _text()
    language: Mapped[str | None] = _text()
    taxonomy_id: Mapped[uuid.UUID | None] = _ref("hsds_taxonomy")
    term_uri: Mapped[str | None] = _text()
    translations: Mapped[dict[str, Any]] = _translations()


class Attribute(HsdsRecord, Base):
    """HSDS ``attribute``: links a record (``link_id``) to a taxonomy term."""

    __tablename__ = "hsds_attribute"

    link_id: Mapped[uuid.UUID | None] = mapped_column(index=True, default=None)
    taxonomy_term_id: Mapped[uuid.UUID | None] = _ref("hsds_taxonomy_term")
    link_type: Mapped[str | None] = _text()
    link_entity: Mapped[str | None] = _text()
    value: Mapped[str | None] = _text()


class SearchDocument(Base):
    """The normalised text and facets of one service: the content of the FTS5 index."""

    __tablename__ = "hsds_search_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hsds_service.id"), unique=True)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    infix: Mapped[str] = mapped_column(Text)
    facets: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)


TABLES: tuple[type[HsdsRecord], ...] = (
    Taxonomy,
    TaxonomyTerm,
    Organization,
    Location,
    Service,
    ServiceAtLocation,
    Address,
    Phone,
    Schedule,
    Language,
    RequiredDocument,
    CostOption,
    ServiceArea,
    Attribute,
)
"""The HSDS tables, parents before children (the order of import)."""

MODELS: dict[str, type[HsdsRecord]] = {
    model.__tablename__.removeprefix("hsds_"): model  # type: ignore[attr-defined]
    for model in TABLES
}
"""The HSDS tables by their HSDS name (the keys of ``protocol.directory.hsds.SPECS``)."""


def hsds_table(name: str) -> Table:
    """The table of the HSDS table called ``name`` (``service`` is ``hsds_service``)."""
    table: Table = MODELS[name].__table__  # type: ignore[attr-defined]
    return table
