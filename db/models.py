"""The records of the office database (foundation: office, accounts, audit, outbox, settings)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncedRecord, new_id, utcnow


def _values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class Role(enum.StrEnum):
    """What an account may do (see ``kiosk.accounts.PERMISSIONS``)."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class EnvelopeStatus(enum.StrEnum):
    """Where an outbox envelope is on its way to the regional server."""

    PENDING = "pending"
    SENT = "sent"
    QUARANTINED = "quarantined"


class Office(SyncedRecord, Base):
    """A BAOM office. The office this installation runs is the one marked ``is_local``."""

    __tablename__ = "office"

    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(100), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="Africa/Casablanca")
    is_local: Mapped[bool] = mapped_column(default=False)

    accounts: Mapped[list[UserAccount]] = relationship(back_populates="office", lazy="raise")


class UserAccount(SyncedRecord, Base):
    """A person who logs in at the desk: an officer, a supervisor or an administrator."""

    __tablename__ = "user_account"
    __sync_exclude__: ClassVar[frozenset[str]] = frozenset({"failed_logins", "locked_until"})
    __table_args__ = (UniqueConstraint("name"),)

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=_values)
    )
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    disabled: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)

    office: Mapped[Office] = relationship(back_populates="accounts", lazy="raise")


class AuditEntry(SyncedRecord, Base):
    """Who did what to which record, and when. Never holds personal data itself."""

    __tablename__ = "audit_entry"

    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    user_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    detail: Mapped[str] = mapped_column(String(200), default="")


class OutboxEnvelope(Base):
    """One change waiting to be pushed to the regional server; its id is the idempotency key."""

    __tablename__ = "outbox_envelope"
    __table_args__ = (Index(None, "status", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    office_id: Mapped[uuid.UUID]
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[uuid.UUID]
    operation: Mapped[str] = mapped_column(String(8))
    base_version: Mapped[int]
    version: Mapped[int]
    payload: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[EnvelopeStatus] = mapped_column(
        Enum(EnvelopeStatus, native_enum=False, length=16, values_callable=_values),
        default=EnvelopeStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class Setting(SyncedRecord, Base):
    """An office-wide setting (see ``kiosk.settings.REGISTRY``), stored as JSON text."""

    __tablename__ = "setting"
    __table_args__ = (UniqueConstraint("office_id", "key"),)

    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
