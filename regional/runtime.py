"""What one running server process holds: settings, database engine, sessions, key file.

Everything the server's processes must agree on (rate-limit counts, codes, the page secret,
published statistics, the offices' bundle secrets) is in the database, so that several
processes, or several hosts behind one proxy, behave as one server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import datetime

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from regional.bundle_keys import KeyFile
from regional.config import Settings
from regional.database import make_engine, reader_factory, session_factory
from regional.models import ServerMeta
from regional.offices import OfficeError, authenticate
from regional.ratelimit import RateLimiter
from regional.region_accounts import LoginCache

_SECRET_KEY = "page_secret"


class Runtime:
    """The resources of one server instance (kept on ``app.state.regional``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.factory: sessionmaker[Session] = session_factory(self.engine)
        self.reader: sessionmaker[Session] = reader_factory(self.engine)
        self.limiter = RateLimiter(self.factory, settings.clock, settings.page_rate_per_minute)
        self.bundle_keys = KeyFile(settings.secret_path)
        self.logins = LoginCache()
        self._secret: bytes | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current time from the settings' clock."""
        return self.settings.clock()

    def page_secret(self) -> bytes:
        """The server secret for page nonces, made once and kept in the database."""
        with self._lock:
            if self._secret is None:
                self._secret = _load_or_make_secret(self.factory).encode()
            return self._secret

    def nonce(self, token: str) -> str:
        """The hidden form nonce of one referral page (HMAC of its token)."""
        digest = hmac.new(self.page_secret(), token.encode(), hashlib.sha256).hexdigest()
        return digest[:32]

    def is_live_token(self, token: str) -> bool:
        """Whether ``token`` is a live PC's token (it may send a push of the push's size).

        True when the database cannot tell: the push route checks the token again before it
        reads the body, and answers 503 then.
        """
        try:
            with self.reader() as session, session.begin():
                authenticate(session, token)
        except OfficeError:
            return False
        except SQLAlchemyError:
            return True
        return True

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def _load_or_make_secret(factory: sessionmaker[Session]) -> str:
    for _attempt in range(3):
        with factory() as session, session.begin():
            row = session.get(ServerMeta, _SECRET_KEY)
            if row is not None:
                return row.value
        try:
            with factory() as session, session.begin():
                value = secrets.token_hex(32)
                session.add(ServerMeta(key=_SECRET_KEY, value=value))
            return value
        except IntegrityError:
            continue
    raise RuntimeError("could not make the page secret")
