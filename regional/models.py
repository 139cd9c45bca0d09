"""The regional server's own tables: offices, received envelopes, the change sequence, projections.

One declarative base with a naming convention (stable migrations, see ``regional/migrations``).
Times are naive UTC (``regional.clock.utcnow``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    Uuid,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The one declarative base of the regional database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {uuid.UUID: Uuid, dict[str, Any]: JSON}  # noqa: RUF012


class Office(Base):
    """An office known to the region; its PCs are its :class:`OfficeMachine` rows.

    ``local_id`` is the id the office's own database gave it: its records carry that id,
    and the payloads it pushes are checked against it (the region's ``id`` otherwise).
    """

    __tablename__ = "office"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    local_id: Mapped[uuid.UUID | None] = mapped_column(unique=True, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_sync: Mapped[datetime | None] = mapped_column(default=None)
    quarantined: Mapped[int] = mapped_column(default=0)


class OfficeMachine(Base):
    """One PC of an office, with its own token (only its SHA-256 is kept).

    A revoked machine's token no longer works (``regional.offices``). ``bundle_secret`` is
    the PC's USB bundle secret, encrypted under the server's key file
    (``regional.bundle_keys``; never derivable from this table alone); NULL until the
    server has seen the token since that column exists. ``replaced_by`` is the machine whose
    enrolment with a ``--replace`` code revoked this one (at ``revoked_at``).
    """

    __tablename__ = "office_machine"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("office.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_sync: Mapped[datetime | None] = mapped_column(default=None)
    bundle_secret: Mapped[str | None] = mapped_column(String(128), default=None)
    replaced_by: Mapped[uuid.UUID | None] = mapped_column(default=None)


class EnrolmentCode(Base):
    """A single-use enrolment code (only its SHA-256 is kept).

    Enrolling with it replaces the office's machines, or adds one (``adds_machine``).
    """

    __tablename__ = "enrolment_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("office.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    adds_machine: Mapped[bool] = mapped_column(default=False)


class ReceivedEnvelope(Base):
    """An envelope pushed by an office, stored once; ``error`` is set when it was invalid.

    ``payload`` is the record's clear part (what the data inventory lets the region read)
    and ``sealed`` its sealed copy, which only the office can open (``protocol.privacy``).
    An envelope received before records were sealed has an empty ``sealed`` until
    ``baom-regional privacy migrate`` reduces its payload to the clear part. ``erase``: a
    tombstone (``docs/sync.md``), which the office's other PCs get as one too.
    """

    __tablename__ = "envelope"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_id: Mapped[uuid.UUID] = mapped_column(index=True)
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[uuid.UUID]
    operation: Mapped[str] = mapped_column(String(8))
    base_version: Mapped[int]
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    sealed: Mapped[str] = mapped_column(Text, default="")
    erase: Mapped[bool] = mapped_column(default=False, server_default=false())
    received_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(Text, default=None)


class ServerChange(Base):
    """One change in the server's monotonic sequence (``office_id`` NULL: for every office).

    An ``office_record`` change gives an office back one of its own sealed records
    (``envelope_id``): a restored PC rebuilds its database from them. ``origin`` is the
    token hash of the PC that pushed it, which does not get it back.
    """

    __tablename__ = "server_change"
    __table_args__ = (Index(None, "office_id", "seq"),)  # an office's latest, and its pages

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    office_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(8))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)
    at: Mapped[datetime]
    envelope_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    origin: Mapped[str | None] = mapped_column(String(64), default=None)


class ReferralView(Base):
    """The latest version of each office's referral, plus what the partner service reported.

    Only what the partner page needs: the service, the code, the priority and state, and
    the token's SHA-256 (the page is found by hashing the token of its address).
    """

    __tablename__ = "referral"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int]
    deleted: Mapped[bool] = mapped_column(default=False)
    service_name: Mapped[str] = mapped_column(String(300))
    organization_name: Mapped[str] = mapped_column(String(300), default="")
    code: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    priority: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    made_at: Mapped[datetime]
    partner_state: Mapped[str | None] = mapped_column(String(16), default=None)
    partner_reason: Mapped[str] = mapped_column(String(500), default="")
    partner_provided: Mapped[str] = mapped_column(String(500), default="")
    partner_date: Mapped[str] = mapped_column(String(10), default="")
    partner_at: Mapped[datetime | None] = mapped_column(default=None)


class StatFact(Base):
    """One de-identified statistics record an office sent (``stat_record``), latest version
    winning: every published figure is computed from these alone."""

    __tablename__ = "stat_fact"
    __table_args__ = (Index(None, "month", "office_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_id: Mapped[uuid.UUID]
    version: Mapped[int]
    deleted: Mapped[bool] = mapped_column(default=False)
    month: Mapped[str] = mapped_column(String(7))
    category: Mapped[str] = mapped_column(String(16))
    sex: Mapped[str] = mapped_column(String(8))
    age_band: Mapped[str] = mapped_column(String(8))
    nationality: Mapped[str] = mapped_column(String(8))
    commune: Mapped[str] = mapped_column(String(100))
    needs: Mapped[str] = mapped_column(Text, default="[]")
    outcomes: Mapped[str] = mapped_column(Text, default="[]")
    resolutions: Mapped[str] = mapped_column(Text, default="[]")
    cmsm: Mapped[str] = mapped_column(Text, default="[]")


class StepFact(Base):
    """One de-identified itinerary step duration an office sent (``step_stat``): a month,
    a template, a step, done or skipped, and its days; no person, no case."""

    __tablename__ = "step_fact"
    __table_args__ = (Index(None, "month", "template"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_id: Mapped[uuid.UUID]
    version: Mapped[int]
    deleted: Mapped[bool] = mapped_column(default=False)
    month: Mapped[str] = mapped_column(String(7))
    template: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))
    days: Mapped[int]


class PublishedStats(Base):
    """The statistics of one closed month, computed once when first asked for after the
    month's publication date, then served as they are (``regional.stats``)."""

    __tablename__ = "published_stats"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    published_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)


class DirectoryRow(Base):
    """One cleaned row of one HSDS table, as canonical JSON (the region's source of truth)."""

    __tablename__ = "directory_row"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)


class ServerMeta(Base):
    """Server-wide values kept in the database (e.g. the page secret)."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RegionAccount(Base):
    """A person of the region's staff who may read the statistics (``regional.region_accounts``).

    ``password_hash`` is Argon2id; after five wrong passwords in a row the account is refused
    until ``locked_until``.
    """

    __tablename__ = "region_account"
    __table_args__ = (CheckConstraint("role IN ('region', 'admin')", name="role"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(8))
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)


class RateBucket(Base):
    """One client's token bucket of a rate limit (``regional.ratelimit``), shared by every
    server process.

    ``tokens`` were left at ``at`` (seconds since the epoch); ``allowed`` says whether the
    client's latest request was let through. A bucket untouched for a while is full again,
    and deleted.
    """

    __tablename__ = "rate_bucket"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Double)
    at: Mapped[float] = mapped_column(Double, index=True)
    allowed: Mapped[bool]
