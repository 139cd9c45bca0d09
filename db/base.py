"""The declarative base, UUIDv7 keys, UTC times and the columns every synced record has."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import uuid6
from sqlalchemy import DateTime, Dialect, MetaData, TypeDecorator, Uuid, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """A UUIDv7: unique without asking a server, and ordered by creation time."""
    return uuid.UUID(bytes=uuid6.uuid7().bytes)


def enum_values(kind: type[enum.Enum]) -> list[str]:
    """The values of an enum, as stored (``Enum(..., values_callable=enum_values)``)."""
    return [str(member.value) for member in kind]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def json_value(value: Any) -> Any:
    """A column value as a record's JSON carries it (ids and times as text, enums by value)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """The one declarative base of the office database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, uuid.UUID: Uuid}


class SyncedRecord:
    """Columns of every record that leaves the office through sync.

    ``version`` counts the synced changes of the record; the unit of work raises it. Columns
    named in ``__sync_exclude__`` are local state: they are neither synced nor versioned.
    """

    __sync_exclude__: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


@event.listens_for(SyncedRecord, "init", propagate=True)
def _id_at_creation(_record: SyncedRecord, _args: Any, kwargs: dict[str, Any]) -> None:
    """A synced record has its id as soon as it is made, so that others can refer to it."""
    kwargs.setdefault("id", new_id())
