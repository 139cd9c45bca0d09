"""Accounts, passwords (Argon2id), login with lock-out, and the permissions of each role."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import select

from db.base import utcnow
from db.models import Role, UserAccount
from db.store import Store
from db.uow import Actor

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session


@cache
def _hasher() -> PasswordHasher:
    """Argon2id with its default parameters (imported at the first use, not at start-up)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def argon2_hash(secret: str) -> str:
    """An Argon2id hash of ``secret`` (a password, the kiosk's PIN)."""
    return _hasher().hash(secret)


def argon2_matches(secret_hash: str, secret: str) -> bool:
    """Whether ``secret`` is the one hashed in ``secret_hash`` (False for a damaged hash)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


MINIMUM_PASSWORD_LENGTH = 8


class Permission(enum.StrEnum):
    """Something an account may be allowed to do."""

    SERVE_VISITORS = "serve_visitors"
    VIEW_REPORTS = "view_reports"
    CHANGE_OFFICE_SETTINGS = "change_office_settings"
    REVIEW_SYNC = "review_sync"
    MANAGE_ACCOUNTS = "manage_accounts"
    MERGE_PERSONS = "merge_persons"
    EXPORT_PERSONS = "export_persons"
    OVERRIDE_CONSENT = "override_consent"
    CLOSE_DAY = "close_day"
    WRITE_RECOVERY_SHEET = "write_recovery_sheet"
    VIEW_AUDIT = "view_audit"
    ERASE_PERSONS = "erase_persons"


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset({Permission.SERVE_VISITORS}),
    Role.SUPERVISOR: frozenset(
        {
            Permission.SERVE_VISITORS,
            Permission.VIEW_REPORTS,
            Permission.CHANGE_OFFICE_SETTINGS,
            Permission.REVIEW_SYNC,
            Permission.MERGE_PERSONS,
            Permission.EXPORT_PERSONS,
            Permission.OVERRIDE_CONSENT,
            Permission.CLOSE_DAY,
            Permission.VIEW_AUDIT,
            Permission.ERASE_PERSONS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


class AccountError(Exception):
    """An account operation was refused. ``message_key`` is the catalog key to show."""

    def __init__(self, message_key: str, detail: str = "") -> None:
        super().__init__(detail or message_key)
        self.message_key = message_key


class PermissionDenied(AccountError):
    """The actor's role does not allow this."""


class LoginRefused(AccountError):
    """Wrong name or password, a disabled account, or a locked one."""


def has_permission(actor: Actor, permission: Permission) -> bool:
    """Whether the actor's role grants ``permission``."""
    return permission in PERMISSIONS.get(Role(actor.role), frozenset())


def require(actor: Actor, permission: Permission) -> None:
    """Refuse with :class:`PermissionDenied` unless the actor may do this."""
    if not has_permission(actor, permission):
        raise PermissionDenied(
            "error.permission_denied", f"{actor.name} ({actor.role}) may not {permission}"
        )


@dataclass(frozen=True)
class AccountView:
    """An account as listed to an administrator (never the password hash)."""

    name: str
    role: str
    language: str
    disabled: bool
    locked: bool


@dataclass(frozen=True)
class LoginPolicy:
    """How many wrong passwords lock an account, and for how long."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=5)


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (refused when too short)."""
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise AccountError(
            "error.password_too_short",
            f"a password needs at least {MINIMUM_PASSWORD_LENGTH} characters",
        )
    return argon2_hash(password)


def receives_women(session: Session, actor: Actor) -> bool:
    """Whether the actor's account receives visitors who ask to be received by a woman."""
    if actor.user_id is None:
        return False
    return bool(
        session.scalar(select(UserAccount.receives_women).where(UserAccount.id == actor.user_id))
    )


class Accounts:
    """Account management and login for one office database."""

    def __init__(
        self, store: Store, office_id: uuid.UUID, policy: LoginPolicy | None = None
    ) -> None:
        self.store = store
        self.office_id = office_id
        self.policy = policy or LoginPolicy()

    def add(self, actor: Actor, name: str, role: Role, password: str, language: str = "fr") -> None:
        """Create an account; the name must be new."""
        require(actor, Permission.MANAGE_ACCOUNTS)
        name = name.strip()
        if not name:
            raise AccountError("error.name_required", "an account needs a name")
        with self.store.session() as session:
            if session.scalar(select(UserAccount.id).where(UserAccount.name == name)):
                raise AccountError("error.account_exists", f"an account named {name!r} exists")
        password_hash = hash_password(password)
        with self.store.unit_of_work(actor) as uow:
            uow.add(
                UserAccount(
                    office_id=actor.office_id,
                    name=name,
                    role=role,
                    password_hash=password_hash,
                    language=language,
                )
            )

    def list(self) -> Sequence[AccountView]:
        """Every account of the office, by name."""
        now = utcnow()
        with self.store.session() as session:
            accounts = session.scalars(select(UserAccount).order_by(UserAccount.name)).all()
            return [
                AccountView(
                    name=account.name,
                    role=account.role.value,
                    language=account.language,
                    disabled=account.disabled,
                    locked=account.locked_until is not None and account.locked_until > now,
                )
                for account in accounts
            ]

    def disable(self, actor: Actor, name: str) -> None:
        """Disable an account: it can no longer log in. Its history stays."""
        require(actor, Permission.MANAGE_ACCOUNTS)
        with self.store.unit_of_work(actor) as uow:
            account = uow.session.scalar(select(UserAccount).where(UserAccount.name == name))
            if account is None:
                raise AccountError("error.account_unknown", f"there is no account named {name!r}")
            account.disabled = True

    def set_language(self, actor: Actor, language: str) -> None:
        """Remember the language an officer prefers for the desk."""
        with self.store.unit_of_work(actor) as uow:
            account = uow.session.get(UserAccount, actor.user_id)
            if account is not None:
                account.language = language

    def receives_women(self, actor: Actor) -> bool:
        """Whether the officer said, in their profile, that they receive visitors who ask
        to be received by a woman."""
        with self.store.session() as session:
            return receives_women(session, actor)

    def set_receives_women(self, actor: Actor, value: bool) -> None:
        """The officer says whether they receive visitors who ask for a woman (their
        counter then offers those tickets first: ``kiosk.queue.rules``)."""
        with self.store.unit_of_work(actor) as uow:
            account = uow.session.get(UserAccount, actor.user_id)
            if account is not None:
                account.receives_women = value

    def login(self, name: str, password: str) -> tuple[Actor, str]:
        """The actor and preferred language of the account, or :class:`LoginRefused`.

        Every attempt is audited. After ``max_failures`` wrong passwords in a row the account
        is locked for ``lockout``, even for the right password.
        """
        now = utcnow()
        with self.store.session() as session:
            account = session.scalar(select(UserAccount).where(UserAccount.name == name.strip()))
            if account is None or account.disabled:
                raise LoginRefused("login.refused", "unknown or disabled account")
            actor = Actor(account.name, account.role.value, account.office_id, account.id)
        with self.store.unit_of_work(actor) as uow:
            account = uow.session.get(UserAccount, actor.user_id)
            assert account is not None
            if account.locked_until is not None and account.locked_until > now:
                uow.audit("login_locked", account)
                outcome: LoginRefused | None = LoginRefused("login.locked", "account locked")
            elif argon2_matches(account.password_hash, password):
                account.failed_logins = 0
                account.locked_until = None
                uow.audit("login", account)
                outcome = None
            else:
                account.failed_logins += 1
                if account.failed_logins >= self.policy.max_failures:
                    account.failed_logins = 0
                    account.locked_until = now + self.policy.lockout
                    uow.audit("lock", account)
                    outcome = LoginRefused("login.locked", "too many wrong passwords")
                else:
                    uow.audit("login_failed", account)
                    outcome = LoginRefused("login.refused", "wrong password")
            language = account.language
        if outcome is not None:
            raise outcome
        return actor, language

    def verify_password(self, actor: Actor, password: str) -> bool:
        """Whether ``password`` is the actor's (unlocking the desk after auto-lock)."""
        try:
            self.login(actor.name, password)
        except LoginRefused:
            return False
        return True
