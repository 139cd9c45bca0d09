"""Rate limits per client, counted in the database so that every server process shares them.

Each client of a limit has a token bucket (:class:`~regional.models.RateBucket`): ``rate``
requests per ``per`` seconds, with bursts up to ``rate``. One statement takes a token, so two
processes (or threads) counting the same client cannot both spend its last token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from regional.clock import Clock
from regional.models import RateBucket

KEY_CHARS = 200
_EPOCH = datetime(1970, 1, 1)


def _least(first: ColumnElement[float], second: ColumnElement[float]) -> ColumnElement[float]:
    """The smaller of two numbers, in SQL that SQLite and PostgreSQL both understand."""
    return case((first < second, first), else_=second)


class RateLimiter:
    """``rate`` requests per ``per`` seconds per key, with bursts up to ``rate``."""

    def __init__(
        self, factory: sessionmaker[Session], clock: Clock, rate: int, per: float = 60.0
    ) -> None:
        self.factory = factory
        self.clock = clock
        self.capacity = float(rate)
        self.refill = rate / per
        self.per = per

    def allow(self, key: str) -> bool:
        """Take one token of ``key``'s bucket; False when it is empty."""
        now = (self.clock() - _EPOCH).total_seconds()
        with self.factory() as session, session.begin():
            insert = (
                postgresql.insert(RateBucket)
                if session.get_bind().dialect.name == "postgresql"
                else sqlite.insert(RateBucket)
            )
            first = insert.values(
                key=key[:KEY_CHARS], tokens=self.capacity - 1, at=now, allowed=True
            )
            since = literal(now) - RateBucket.at
            refilled = _least(literal(self.capacity), RateBucket.tokens + since * self.refill)
            allowed = session.scalar(
                first.on_conflict_do_update(
                    index_elements=[RateBucket.key],
                    set_={
                        "tokens": case((refilled >= 1, refilled - 1), else_=refilled),
                        "at": now,
                        "allowed": refilled >= 1,
                    },
                ).returning(RateBucket.allowed)
            )
            session.execute(delete(RateBucket).where(RateBucket.at < now - self.per))
        return bool(allowed)
