"""What one running server holds: settings, database engine, sessions, rate limiter, key file."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from regional.bundle_keys import KeyFile
from regional.config import Settings
from regional.database import make_engine, session_factory
from regional.models import ServerMeta
from regional.ratelimit import RateLimiter

_SECRET_KEY = "page_secret"


class Runtime:
    """The resources of one server instance (kept on ``app.state.regional``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.factory: sessionmaker[Session] = session_factory(self.engine)
        self.limiter = RateLimiter(settings.page_rate_per_minute)
        self.bundle_keys = KeyFile(settings.secret_path)
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
