"""The sync client's own tables: where the office stands with the regional server.

Local state, never synced: ``sync_state`` is one row (the server, this office's identity
there, its secret token, the pull cursor and how the last rounds went); ``sync_conflict``
holds each pulled change that was not applied (a local row with unsynced changes, or a
change that could not be applied), for a supervisor to review. The database is encrypted
with SQLCipher, so the token is kept encrypted at rest with everything else.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, new_id, utcnow

STATE_ID = 1
"""The id of the one ``sync_state`` row."""


class SyncState(Base):
    """The office's enrolment with its regional server, its pull cursor and its last rounds."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True, default=STATE_ID)
    server_url: Mapped[str] = mapped_column(String(500), default="")
    remote_office_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    remote_office_name: Mapped[str] = mapped_column(String(200), default="")
    token: Mapped[str] = mapped_column(Text, default="")
    enrolled_at: Mapped[datetime | None] = mapped_column(default=None)
    cursor: Mapped[int] = mapped_column(default=0)
    last_success: Mapped[datetime | None] = mapped_column(default=None)
    last_attempt: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_kind: Mapped[str] = mapped_column(String(32), default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    statistics_through: Mapped[str] = mapped_column(String(7), default="")
    """The last month whose statistics records were made (``kiosk.statistics``)."""


class SyncConflict(Base):
    """A pulled change that was not applied, kept for a supervisor to review.

    ``reason`` is ``local_changes`` (the local row has changes not yet pushed),
    ``not_applicable`` (the change could not be applied; ``detail`` says why) or
    ``reference_emptied`` (applied, but a link to a row this office lacks was emptied) or
    ``concurrent_edit`` (another PC of the office changed the record to the same version and
    its version won; ``payload`` holds the values this PC had).
    A supervisor resolves it (``kiosk.sync.review``): ``resolution`` is ``applied`` or
    ``dismissed`` (the office keeps its own version; ``note`` says why). A later change of
    the same record, applied or set aside, closes it as ``superseded`` (``kiosk.sync.apply``).
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (Index(None, "resolved", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    seq: Mapped[int] = mapped_column(default=0)
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(8))
    payload: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    resolved: Mapped[bool] = mapped_column(default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    resolution: Mapped[str] = mapped_column(String(16), default="")
    note: Mapped[str] = mapped_column(Text, default="")
