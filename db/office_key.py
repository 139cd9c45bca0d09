"""The office's recovery key: the one local row that the office data key derives from.

The key is made with the database (migration 0008) and printed on the recovery sheet
(``kiosk.recovery``); what it seals and how is the privacy contract (``protocol.privacy``).
"""

from __future__ import annotations

import os
from datetime import datetime

from sqlalchemy import LargeBinary
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.base import Base, utcnow
from protocol.privacy import RECOVERY_KEY_BYTES

KEY_ID = 1
"""The id of the one ``office_key`` row."""


class OfficeKey(Base):
    """The office's recovery key (local, never synced): the office data key derives from it."""

    __tablename__ = "office_key"

    id: Mapped[int] = mapped_column(primary_key=True, default=KEY_ID)
    recovery_key: Mapped[bytes] = mapped_column(LargeBinary(RECOVERY_KEY_BYTES))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def new_recovery_key() -> bytes:
    """A fresh random recovery key."""
    return os.urandom(RECOVERY_KEY_BYTES)


def read_recovery_key(session: Session) -> bytes | None:
    """The office's recovery key, or None before the office has one."""
    row = session.get(OfficeKey, KEY_ID)
    return None if row is None else bytes(row.recovery_key)


def ensure_recovery_key(session: Session) -> bytes:
    """The office's recovery key, made (in ``session``, not committed) when it has none."""
    key = read_recovery_key(session)
    if key is None:
        key = new_recovery_key()
        session.add(OfficeKey(id=KEY_ID, recovery_key=key))
        session.flush()
    return key
