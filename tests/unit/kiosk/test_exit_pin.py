"""The kiosk exit PIN: 4 to 8 digits, Argon2id, lock-out after wrong PINs, audited without it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from db.base import utcnow
from db.models import AuditEntry, Setting
from db.uow import Actor
from kiosk.accounts import LoginPolicy, PermissionDenied
from kiosk.exit_pin import PIN_KEY, ExitPin, PinError, validate_pin
from kiosk.office import OfficeContext

PIN = "482916"


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


def _stored(office: OfficeContext) -> str:
    with office.store.session() as session:
        value = session.scalar(select(Setting.value).where(Setting.key == PIN_KEY))
    assert value is not None
    return value


def _exit_audit(office: OfficeContext) -> list[AuditEntry]:
    with office.store.session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == "kiosk_exit").order_by(AuditEntry.at)
            )
        )


@pytest.mark.parametrize("pin", ["1234", "12345678", "0000"])
def test_four_to_eight_digits_are_accepted(pin: str) -> None:
    assert validate_pin(pin) == pin


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "12 34", "١٢٣٤", "-1234"])
def test_anything_else_is_refused(pin: str) -> None:
    with pytest.raises(PinError, match="4 to 8 digits") as refused:
        validate_pin(pin)
    assert refused.value.message_key == "kiosk.pin.invalid"


def test_the_pin_is_stored_as_an_argon2id_hash_in_the_office_settings(
    office: OfficeContext,
) -> None:
    assert not office.exit_pin.is_set()
    office.exit_pin.set(office.system, PIN)
    assert office.exit_pin.is_set()
    stored = _stored(office)
    assert PIN not in stored
    assert json.loads(stored)["hash"].startswith("$argon2id$")
    assert PIN_KEY not in office.settings.all()  # not shown by 'baom config show'


def test_an_officer_may_not_set_the_pin(office: OfficeContext) -> None:
    officer = Actor("amina", "officer", office.office_id)
    with pytest.raises(PermissionDenied):
        office.exit_pin.set(officer, PIN)


def test_without_a_pin_the_kiosk_stays_locked(office: OfficeContext) -> None:
    with pytest.raises(PinError) as refused:
        office.exit_pin.check("1234")
    assert refused.value.message_key == "kiosk.pin.not_set"


@pytest.mark.slow  # six PIN hashes (Argon2): about 2 s
def test_five_wrong_pins_in_a_row_lock_it_for_five_minutes(office: OfficeContext) -> None:
    clock = Clock()
    pin = ExitPin(office.store, office.office_id, LoginPolicy(), clock)
    pin.set(office.system, PIN)
    pin.check(PIN)
    for _ in range(4):
        with pytest.raises(PinError, match="wrong PIN"):
            pin.check("0000")
    pin.check(PIN)  # a right PIN starts the count again
    for _ in range(4):
        with pytest.raises(PinError, match="wrong PIN"):
            pin.check("0000")
    with pytest.raises(PinError) as fifth:
        pin.check("0000")
    assert fifth.value.message_key == "kiosk.pin.locked"
    clock.now += timedelta(minutes=4, seconds=59)
    with pytest.raises(PinError) as still:
        pin.check(PIN)  # even the right one
    assert still.value.message_key == "kiosk.pin.locked"
    clock.now += timedelta(seconds=2)
    pin.check(PIN)


def test_the_office_uses_the_login_lock_out_numbers(office: OfficeContext) -> None:
    assert office.exit_pin.policy == LoginPolicy(max_failures=5, lockout=timedelta(minutes=5))


def test_every_attempt_is_audited_by_the_system_without_the_pin(office: OfficeContext) -> None:
    office.exit_pin.set(office.system, PIN)
    with pytest.raises(PinError):
        office.exit_pin.check("975310")
    office.exit_pin.check(PIN)
    entries = _exit_audit(office)
    assert [entry.detail for entry in entries] == ["wrong PIN 1", "right PIN: the kiosk closes"]
    assert {entry.user_name for entry in entries} == {"system"}
    with office.store.session() as session:
        details = session.scalars(select(AuditEntry.detail)).all()
    assert not any(PIN in detail or "975310" in detail for detail in details)


def test_at_a_terminal_the_pin_is_asked_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk import kiosk_cli

    monkeypatch.setattr(kiosk_cli.sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter(["4829", "4829", "4829", "9999"])
    monkeypatch.setattr(kiosk_cli.getpass, "getpass", lambda _prompt: next(answers))
    assert kiosk_cli._read_pin() == "4829"
    with pytest.raises(PinError, match="the two PINs differ"):
        kiosk_cli._read_pin()
