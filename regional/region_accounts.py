"""The region's own accounts: the staff who may read the statistics.

``/stats`` (HTTP Basic) and ``baom-regional stats --user NAME`` let in an enabled account
with its password (an Argon2id hash is kept). Five wrong passwords in a row lock the
account for five minutes, even for the right password. HTTP Basic as FastAPI reads it
carries ASCII only, so names and passwords are printable ASCII, and a name has no ``:``.
A browser sends the login with every request (the dashboard's pages and exports): a login
checked with Argon2 is remembered by the process for :data:`REMEMBERED` (:class:`LoginCache`),
while the account is read at every request, so that a lock or a disabled account holds at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from regional.models import RegionAccount

ROLES = ("region", "admin")
MAX_NAME = 64
MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
REMEMBERED = timedelta(minutes=5)
"""How long a process trusts a login it checked with Argon2 (same name, password and hash)."""

_hasher = PasswordHasher()  # argon2-cffi's default type is Argon2id
_REFUSED = "wrong name or password, or a disabled region account"


class AccountRefused(Exception):
    """A refused login or account change; the message says why in one line."""


@dataclass(frozen=True)
class AccountSummary:
    """A region account as listed (never its password hash)."""

    name: str
    role: str
    disabled: bool
    locked: bool
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "locked": self.locked,
            "created_at": self.created_at.isoformat(timespec="seconds"),
        }


class LoginCache:
    """The logins one server process checked lately: a keyed digest of name and password, with
    the account's password hash then and until when it is trusted (never the password)."""

    SIZE = 256

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._seen: OrderedDict[bytes, tuple[str, datetime]] = OrderedDict()

    def _digest(self, name: str, password: str) -> bytes:
        return hmac.new(self._key, f"{name}\0{password}".encode(), hashlib.sha256).digest()

    def knows(self, name: str, password: str, password_hash: str, now: datetime) -> bool:
        """Whether this login was checked against ``password_hash`` less than REMEMBERED ago."""
        with self._lock:
            found = self._seen.get(self._digest(name, password))
        return found is not None and found[0] == password_hash and now < found[1]

    def remember(self, name: str, password: str, password_hash: str, now: datetime) -> None:
        """Trust this login for :data:`REMEMBERED` (the oldest is forgotten past SIZE)."""
        with self._lock:
            self._seen[self._digest(name, password)] = (password_hash, now + REMEMBERED)
            while len(self._seen) > self.SIZE:
                self._seen.popitem(last=False)


def _printable(text: str) -> bool:
    return all(" " <= char <= "~" for char in text)


def _valid_name(name: str) -> bool:
    return 1 <= len(name) <= MAX_NAME and _printable(name) and ":" not in name


def _locked(account: RegionAccount, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def add_account(session: Session, name: str, role: str, password: str, now: datetime) -> None:
    """Create an account; the name must be new and the password long enough."""
    name = name.strip()
    if not _valid_name(name):
        raise AccountRefused(f"a name is 1 to {MAX_NAME} printable ASCII characters, without ':'")
    if role not in ROLES:
        raise AccountRefused(f"a role is one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountRefused(f"a password needs at least {MIN_PASSWORD} characters")
    if not _printable(password):
        raise AccountRefused("a password is printable ASCII characters (all HTTP Basic carries)")
    if session.scalar(select(RegionAccount.id).where(RegionAccount.name == name)) is not None:
        raise AccountRefused(f"a region account named {name!r} exists")
    session.add(
        RegionAccount(
            id=uuid.uuid4(),
            name=name,
            role=role,
            password_hash=_hasher.hash(password),
            created_at=now,
        )
    )


def list_accounts(session: Session, now: datetime) -> list[AccountSummary]:
    """Every region account, by name."""
    accounts = session.scalars(select(RegionAccount).order_by(RegionAccount.name))
    return [
        AccountSummary(
            account.name, account.role, account.disabled, _locked(account, now), account.created_at
        )
        for account in accounts
    ]


def disable_account(session: Session, name: str) -> None:
    """Disable an account: it can no longer log in."""
    account = session.scalar(select(RegionAccount).where(RegionAccount.name == name.strip()))
    if account is None:
        raise AccountRefused(f"there is no region account named {name!r}")
    account.disabled = True


def _usable(account: RegionAccount | None, name: str, now: datetime) -> RegionAccount:
    if account is None or account.disabled:
        raise AccountRefused(_REFUSED)
    if _locked(account, now):
        raise AccountRefused(f"region account {name!r} is locked; try again in a few minutes")
    return account


def login(
    factory: sessionmaker[Session],
    name: str,
    password: str,
    now: datetime,
    cache: LoginCache | None = None,
) -> None:
    """Let an enabled, unlocked account in with its password, or raise :class:`AccountRefused`.

    The hash is checked outside any transaction (Argon2 takes a while); the account is then
    read again under a row lock to count a failure, so parallel wrong guesses all count and
    a lock set meanwhile holds. A login ``cache`` knows is let in without Argon2 when the
    account is still usable, and clears the account's failures as any right login does.
    """
    if not _valid_name(name):
        raise AccountRefused(_REFUSED)
    with factory() as session, session.begin():
        found = session.scalar(select(RegionAccount).where(RegionAccount.name == name))
        account = _usable(found, name, now)
        account_id, password_hash = account.id, account.password_hash
        known = cache is not None and cache.knows(name, password, password_hash, now)
        if known and not account.failed_logins:
            return
    right: bool = known
    if not known:
        try:
            right = _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            right = False
    with factory() as session, session.begin():
        account = _usable(session.get(RegionAccount, account_id, with_for_update=True), name, now)
        if right:
            account.failed_logins = 0
            account.locked_until = None
            if cache is not None:
                cache.remember(name, password, account.password_hash, now)
            return
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            account.failed_logins = 0
            account.locked_until = now + LOCKOUT
    raise AccountRefused(_REFUSED)
