"""The records of the office database: office, accounts, audit, outbox, settings, kiosk
prompts, queue."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from db.base import Base, SyncedRecord, enum_values, new_id, utcnow


class Role(enum.StrEnum):
    """What an account may do (see ``kiosk.accounts.PERMISSIONS``)."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class EnvelopeStatus(enum.StrEnum):
    """Where an outbox envelope is on its way to the regional server.

    A supervisor reviews a quarantined envelope (``kiosk.sync.review``): ``resent`` (its
    content went again as a new envelope, ``resent_as``) or ``dismissed``; both are kept.
    """

    PENDING = "pending"
    SENT = "sent"
    QUARANTINED = "quarantined"
    RESENT = "resent"
    DISMISSED = "dismissed"


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
        Enum(Role, native_enum=False, length=16, values_callable=enum_values)
    )
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    disabled: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    receives_women: Mapped[bool] = mapped_column(default=False)

    office: Mapped[Office] = relationship(back_populates="accounts", lazy="raise")


class AuditEntry(SyncedRecord, Base):
    """Who did what to which record, and when. Never holds personal data itself.

    Append-only (triggers refuse an update or a delete) and chained: ``seq`` is its place
    in this database's trail, ``entry_hash`` the SHA-256 of its content with
    ``prev_hash``, the hash of the entry before (``db.audit_chain``). The chain is this
    PC's own: it is not synced, and an entry another PC of the office made is chained here
    when it arrives.
    """

    __tablename__ = "audit_entry"
    __sync_exclude__: ClassVar[frozenset[str]] = frozenset({"seq", "prev_hash", "entry_hash"})

    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    user_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    seq: Mapped[int] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEntry, "init")
def _whole_at_creation(_entry: AuditEntry, _args: Any, kwargs: dict[str, Any]) -> None:
    """An audit entry has every value its hash covers as soon as it is made, so that it is
    chained before it is written (``db.audit_chain``)."""
    kwargs.setdefault("at", utcnow())
    kwargs.setdefault("user_id", None)
    kwargs.setdefault("entity_type", "")
    kwargs.setdefault("entity_id", None)
    kwargs.setdefault("detail", "")


class OutboxEnvelope(Base):
    """One change waiting to be pushed to the regional server; its id is the idempotency key.

    ``payload`` is what the region may read of the record (its clear part) and ``sealed``
    the whole record encrypted for the office alone (``protocol.privacy``).
    """

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
    payload: Mapped[str] = mapped_column(Text)  # the clear part (protocol.privacy.clear_part)
    sealed: Mapped[str] = mapped_column(Text, default="")  # the sealed copy (protocol.privacy.seal)
    from_region: Mapped[bool] = mapped_column(default=False)  # a pulled change, applied here
    erase: Mapped[bool] = mapped_column(default=False)  # a tombstone: earlier sealed copies go
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[EnvelopeStatus] = mapped_column(
        Enum(EnvelopeStatus, native_enum=False, length=16, values_callable=enum_values),
        default=EnvelopeStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    review_note: Mapped[str] = mapped_column(Text, default="")
    resent_as: Mapped[uuid.UUID | None] = mapped_column(default=None)


class ChangeMark(Base):
    """How many times a table was written (kept by triggers; see ``db.changes``); never synced."""

    __tablename__ = "change_mark"

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)


class Setting(SyncedRecord, Base):
    """An office-wide setting (see ``kiosk.settings.REGISTRY``), stored as JSON text."""

    __tablename__ = "setting"
    __table_args__ = (UniqueConstraint("office_id", "key"),)

    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)


class KioskPrompt(SyncedRecord, Base):
    """One kiosk prompt recorded by the office in a spoken language (``kiosk.prompts``): the
    WAV file (mono, 16-bit PCM) in base64, so that it travels sealed as an office setting."""

    __tablename__ = "kiosk_prompt"
    __table_args__ = (UniqueConstraint("office_id", "language", "key"),)

    language: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(64))
    audio: Mapped[str] = mapped_column(Text)
    duration_ms: Mapped[int]


class TicketState(enum.StrEnum):
    """Where a queue ticket is (see ``kiosk.queue.states`` for the allowed transitions)."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class PriorityKind(enum.StrEnum):
    """Why a visitor is served first."""

    ELDERLY = "elderly"
    PREGNANT = "pregnant"
    DISABILITY = "disability"
    BABY = "baby"


class QueueEventKind(enum.StrEnum):
    """What happened to a ticket; one append-only :class:`QueueEvent` per happening."""

    TAKEN = "taken"
    CALLED = "called"
    RECALLED = "recalled"
    STARTED = "started"
    DONE = "done"
    NO_SHOW = "no_show"
    HELD = "held"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    REACTIVATED = "reactivated"
    CLOSED = "closed"


class Ticket(SyncedRecord, Base):
    """A queue ticket: its number of the office day, its reason of visit and where it is.

    ``issued_reason`` is the reason the number was drawn for (numbers run per reason);
    ``reason_key`` is the reason it waits for now, which a transfer changes. ``arrived_at``
    is the original arrival time, kept through transfers so the ticket keeps its place.

    ``version`` doubles as an optimistic lock: an UPDATE based on a version that another
    process has changed meanwhile (two counters calling the same ticket) fails with
    ``StaleDataError`` instead of silently overwriting the other change.
    """

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("office_id", "office_day", "number"),
        UniqueConstraint("office_id", "office_day", "issued_reason", "sequence"),
        Index(None, "office_id", "office_day", "state", "priority", "arrived_at"),
        Index(None, "office_id", "office_day", "counter", "first_called_at"),
    )

    office_day: Mapped[date]
    issued_reason: Mapped[str] = mapped_column(String(64))
    reason_key: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int]
    priority: Mapped[bool] = mapped_column(default=False)
    priority_kind: Mapped[PriorityKind | None] = mapped_column(
        Enum(PriorityKind, native_enum=False, length=16, values_callable=enum_values), default=None
    )
    language: Mapped[str] = mapped_column(String(8), default="fr")
    state: Mapped[TicketState] = mapped_column(
        Enum(TicketState, native_enum=False, length=16, values_callable=enum_values),
        default=TicketState.WAITING,
    )
    call_count: Mapped[int] = mapped_column(default=0)
    counter: Mapped[int | None] = mapped_column(default=None)
    for_counter: Mapped[int | None] = mapped_column(default=None)
    arrived_at: Mapped[datetime]
    first_called_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    woman_preferred: Mapped[bool] = mapped_column(default=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}


class QueueEvent(SyncedRecord, Base):
    """One happening in the life of a ticket. Append-only: never changed once written."""

    __tablename__ = "queue_event"
    __table_args__ = (Index(None, "office_id", "kind", "at"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[QueueEventKind] = mapped_column(
        Enum(QueueEventKind, native_enum=False, length=16, values_callable=enum_values)
    )
    counter: Mapped[int | None] = mapped_column(default=None)
    at: Mapped[datetime]
    detail: Mapped[str] = mapped_column(String(200), default="")
