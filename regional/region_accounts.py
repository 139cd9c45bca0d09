"""The region's own accounts: the staff who may read the statistics.

``/stats`` (HTTP Basic) and ``baom-regional stats --user NAME`` let in an enabled account
with its password (an Argon2id hash is kept). Five wrong passwords in a row lock the
account for five minutes, even for the right password. HTTP Basic as FastAPI reads it
carries ASCII only, so names and passwords are printable ASCII, and a name has no ``:``.
"""

from __future__ import annotations

import uuid
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


def login(factory: sessionmaker[Session], name: str, password: str, now: datetime) -> None:
    """Let an enabled, unlocked account in with its password, or raise :class:`AccountRefused`.

    The hash is checked outside any transaction (Argon2 takes a while); the account is then
    read again under a row lock to count a failure, so parallel wrong guesses all count and
    a lock set meanwhile holds.
    """
    if not _valid_name(name):
        raise AccountRefused(_REFUSED)
    with factory() as session, session.begin():
        found = session.scalar(select(RegionAccount).where(RegionAccount.name == name))
        account = _usable(found, name, now)
        account_id, password_hash = account.id, account.password_hash
    try:
        right: bool = _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        right = False
    with factory() as session, session.begin():
        account = _usable(session.get(RegionAccount, account_id, with_for_update=True), name, now)
        if right:
            account.failed_logins = 0
            account.locked_until = None
            return
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            account.failed_logins = 0
            account.locked_until = now + LOCKOUT
    raise AccountRefused(_REFUSED)
