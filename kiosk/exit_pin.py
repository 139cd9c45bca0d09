"""The supervisor PIN that closes the kiosk: 4 to 8 digits, stored as an Argon2id hash.

The hash lives in the office database (table ``setting``, key :data:`PIN_KEY`, JSON text,
synced like every office setting) together with the count of wrong PINs in a row and the
end of a lock-out. It is not in the settings registry, so ``baom config show`` never lists
it and ``baom config set`` cannot overwrite it: ``baom kiosk set-pin`` sets it. After
``max_failures`` wrong PINs in a row (the numbers of :class:`kiosk.accounts.LoginPolicy`)
the PIN is refused, even the right one, for ``lockout``. Every attempt is audited
(``kiosk_exit``) by the system actor; the PIN itself is never written anywhere.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from db.base import utcnow
from db.models import Setting
from db.store import Store
from db.uow import Actor
from kiosk.accounts import (
    AccountError,
    LoginPolicy,
    Permission,
    argon2_hash,
    argon2_matches,
    require,
)

PIN_KEY = "kiosk.exit_pin"
MINIMUM_DIGITS = 4
MAXIMUM_DIGITS = 8


class PinError(AccountError):
    """A PIN was refused: ``message_key`` is the catalog key to show."""


def validate_pin(pin: str) -> str:
    """``pin`` if it is 4 to 8 digits (0-9), else :class:`PinError`."""
    if not (pin.isascii() and pin.isdigit() and MINIMUM_DIGITS <= len(pin) <= MAXIMUM_DIGITS):
        raise PinError(
            "kiosk.pin.invalid",
            f"a kiosk PIN is {MINIMUM_DIGITS} to {MAXIMUM_DIGITS} digits (0-9), nothing else",
        )
    return pin


class ExitPin:
    """The kiosk's exit PIN of one office database."""

    def __init__(
        self,
        store: Store,
        office_id: uuid.UUID,
        policy: LoginPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.office_id = office_id
        self.policy = policy or LoginPolicy()
        self._clock = clock

    def is_set(self) -> bool:
        """Whether a supervisor has set a PIN."""
        with self.store.session() as session:
            raw = session.scalar(select(Setting.value).where(Setting.key == PIN_KEY))
        return bool(raw and json.loads(raw).get("hash"))

    def set(self, actor: Actor, pin: str) -> None:
        """Store the hash of a new PIN (supervisors and administrators); clears a lock-out."""
        require(actor, Permission.CHANGE_OFFICE_SETTINGS)
        state = {"hash": argon2_hash(validate_pin(pin)), "failures": 0, "locked_until": None}
        with self.store.unit_of_work(actor) as uow:
            row = uow.session.scalar(select(Setting).where(Setting.key == PIN_KEY))
            if row is None:
                uow.add(Setting(key=PIN_KEY, value=json.dumps(state)))
            else:
                row.value = json.dumps(state)
            uow.audit("kiosk_pin_set", detail="a new kiosk exit PIN was set")

    def check(self, pin: str) -> None:
        """Return when ``pin`` is right; else :class:`PinError` with ``kiosk.pin.not_set``,
        ``kiosk.pin.locked`` or ``kiosk.pin.wrong``. Audited either way, without the PIN."""
        now = self._clock()
        with self.store.unit_of_work(Actor.system(self.office_id)) as uow:
            row = uow.session.scalar(select(Setting).where(Setting.key == PIN_KEY))
            state = json.loads(row.value) if row is not None else {}
            if row is None or not state.get("hash"):
                uow.audit("kiosk_exit", detail="refused: no PIN is set")
                outcome: PinError | None = PinError("kiosk.pin.not_set", "no kiosk PIN is set")
            elif state.get("locked_until") and datetime.fromisoformat(state["locked_until"]) > now:
                uow.audit("kiosk_exit", detail="refused: locked after too many wrong PINs")
                outcome = PinError("kiosk.pin.locked", "too many wrong PINs, try again later")
            elif argon2_matches(state["hash"], pin):
                state.update(failures=0, locked_until=None)
                uow.audit("kiosk_exit", detail="right PIN: the kiosk closes")
                outcome = None
            else:
                failures = int(state.get("failures") or 0) + 1
                if failures >= self.policy.max_failures:
                    until = now + self.policy.lockout
                    state.update(failures=0, locked_until=until.isoformat())
                    uow.audit("kiosk_exit", detail=f"wrong PIN {failures}: locked until {until}")
                    outcome = PinError("kiosk.pin.locked", "too many wrong PINs, try again later")
                else:
                    state.update(failures=failures, locked_until=None)
                    uow.audit("kiosk_exit", detail=f"wrong PIN {failures}")
                    outcome = PinError("kiosk.pin.wrong", "wrong PIN")
            if row is not None and state.get("hash"):
                new_value = json.dumps(state)
                if new_value != row.value:
                    row.value = new_value
        if outcome is not None:
            raise outcome
