"""The print spool's table: one row per print job, kept across restarts. Local: never synced.

A job holds the ESC/POS bytes to send (made once, so a reprint is the same print) and where
each fragment ends in them. See ``printing.spool`` for how jobs move between states.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, new_id, utcnow


def _values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class PrintJobState(enum.StrEnum):
    """Where a print job is: queued → sending → printed | sent_unconfirmed | failed |
    may_have_printed. ``sent_unconfirmed``: every byte left and the printer did not confirm
    (it gave no status answer after the job), so nobody knows whether it printed."""

    QUEUED = "queued"
    SENDING = "sending"
    PRINTED = "printed"
    FAILED = "failed"
    MAY_HAVE_PRINTED = "may_have_printed"
    SENT_UNCONFIRMED = "sent_unconfirmed"
    CANCELLED = "cancelled"


class PrintJob(Base):
    """A slip, ticket or test page on its way to the printer.

    ``started`` tells whether bytes may have left during the current attempt: a job that
    stops while sending goes back to the queue when nothing left, and waits for an officer
    (reprint or mark printed) when something may have printed. ``lease_until`` is how long
    the process sending it may take before another process considers it stopped.
    """

    __tablename__ = "print_job"
    __table_args__ = (Index(None, "state", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(200))
    printer_uri: Mapped[str] = mapped_column(String(300))
    profile: Mapped[str] = mapped_column(String(64), default="")
    width: Mapped[int]
    pause_ms: Mapped[int] = mapped_column(default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    chunk_ends: Mapped[str] = mapped_column(Text)
    state: Mapped[PrintJobState] = mapped_column(
        Enum(PrintJobState, native_enum=False, length=16, values_callable=_values),
        default=PrintJobState.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    owner: Mapped[str] = mapped_column(String(100), default="")
    started: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str] = mapped_column(Text, default="")
    printed_at: Mapped[datetime | None] = mapped_column(default=None)
