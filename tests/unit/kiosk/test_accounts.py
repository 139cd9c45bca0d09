"""Accounts: Argon2id passwords, lock-out after wrong passwords, roles enforced in the core."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.base import utcnow
from db.models import AuditEntry, Role, UserAccount
from db.uow import Actor
from kiosk import accounts
from kiosk.accounts import (
    AccountError,
    LoginRefused,
    Permission,
    PermissionDenied,
    has_permission,
)
from kiosk.office import OfficeContext
from tests.conftest import OFFICE_HASHER


def _password_hash(office: OfficeContext, name: str) -> str:
    with office.store.session() as session:
        value = session.scalar(select(UserAccount.password_hash).where(UserAccount.name == name))
    assert value is not None
    return value


def test_passwords_are_stored_as_argon2id_hashes(office: OfficeContext) -> None:
    stored = _password_hash(office, "amina")
    assert stored.startswith("$argon2id$")
    assert "demo-password" not in stored


def test_the_office_hashes_at_argon2id_s_recommended_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests hash at the smallest cost (``tests/conftest.py``); the office at RFC 9106's
    second recommendation: 64 MiB, three passes, four lanes."""
    monkeypatch.setattr(accounts, "_hasher", OFFICE_HASHER)
    stored = accounts.argon2_hash("demo-password")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.argon2_matches(stored, "demo-password")
    assert not accounts.argon2_matches(stored, "demo-passwore")


def test_the_right_password_logs_in_with_the_account_role(office: OfficeContext) -> None:
    actor, language = office.accounts.login("amina", "demo-password")
    assert (actor.name, actor.role, language) == ("amina", "officer", "fr")


@pytest.mark.parametrize(("name", "password"), [("amina", "wrong"), ("nobody", "demo-password")])
def test_a_wrong_name_or_password_is_refused_the_same_way(
    office: OfficeContext, name: str, password: str
) -> None:
    with pytest.raises(LoginRefused) as refused:
        office.accounts.login(name, password)
    assert refused.value.message_key == "login.refused"


def test_five_wrong_passwords_lock_the_account_for_five_minutes(office: OfficeContext) -> None:
    for _ in range(4):
        with pytest.raises(LoginRefused, match="wrong password"):
            office.accounts.login("amina", "wrong")
    with pytest.raises(LoginRefused) as fifth:
        office.accounts.login("amina", "wrong")
    assert fifth.value.message_key == "login.locked"
    with pytest.raises(LoginRefused) as right_but_locked:
        office.accounts.login("amina", "demo-password")
    assert right_but_locked.value.message_key == "login.locked"

    with office.store.session() as session:
        account = session.scalar(select(UserAccount).where(UserAccount.name == "amina"))
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.at)))
    assert account is not None and account.locked_until is not None
    remaining = account.locked_until - utcnow()
    assert timedelta(minutes=4) < remaining <= timedelta(minutes=5)
    assert actions.count("login_failed") == 4 and "lock" in actions


def test_the_account_opens_again_when_the_lock_expires(office: OfficeContext) -> None:
    for _ in range(5):
        with pytest.raises(LoginRefused):
            office.accounts.login("amina", "wrong")
    with office.store.unit_of_work(office.system) as uow:
        account = uow.session.scalar(select(UserAccount).where(UserAccount.name == "amina"))
        assert account is not None
        account.locked_until = utcnow() - timedelta(seconds=1)
    actor, _ = office.accounts.login("amina", "demo-password")
    assert actor.name == "amina"


def test_a_disabled_account_cannot_log_in(office: OfficeContext) -> None:
    office.accounts.disable(office.system, "amina")
    with pytest.raises(LoginRefused):
        office.accounts.login("amina", "demo-password")
    assert [view.disabled for view in office.accounts.list()] == [True]


def test_an_officer_cannot_manage_accounts(office: OfficeContext) -> None:
    officer, _ = office.accounts.login("amina", "demo-password")
    with pytest.raises(PermissionDenied):
        office.accounts.add(officer, "intruder", Role.ADMIN, "long-enough-1")
    with pytest.raises(PermissionDenied):
        office.accounts.disable(officer, "amina")
    assert [view.name for view in office.accounts.list()] == ["amina"]


def test_roles_grant_what_they_should() -> None:
    def actor(role: Role) -> Actor:
        return Actor("x", role.value, uuid.uuid4())

    assert has_permission(actor(Role.OFFICER), Permission.SERVE_VISITORS)
    assert not has_permission(actor(Role.OFFICER), Permission.VIEW_REPORTS)
    assert has_permission(actor(Role.SUPERVISOR), Permission.VIEW_REPORTS)
    assert not has_permission(actor(Role.SUPERVISOR), Permission.MANAGE_ACCOUNTS)
    assert all(has_permission(actor(Role.ADMIN), permission) for permission in Permission)


def test_short_passwords_and_duplicate_names_are_refused(office: OfficeContext) -> None:
    with pytest.raises(AccountError, match="at least 8"):
        office.accounts.add(office.system, "karim", Role.OFFICER, "short")
    with pytest.raises(AccountError, match="exists"):
        office.accounts.add(office.system, "amina", Role.OFFICER, "long-enough-1")


def test_the_desk_language_is_remembered(office: OfficeContext) -> None:
    actor, _ = office.accounts.login("amina", "demo-password")
    office.accounts.set_language(actor, "ar")
    assert office.accounts.login("amina", "demo-password")[1] == "ar"
