"""Offices: registration, single-use enrolment codes, machines and their tokens, revocation
and settings."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from protocol.privacy import token_hash
from regional.changes import append_change
from regional.models import EnrolmentCode, Office, OfficeMachine, ReceivedEnvelope

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 12
CODE_LIFETIME = timedelta(hours=24)


class OfficeError(Exception):
    """A refusal about an office, in a plain sentence (``code`` is the machine-readable one)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise_code(code: str) -> str:
    """The code as typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """The SHA-256 (hex) of a normalised enrolment code: all the server keeps of it."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_code() -> str:
    """A fresh code, e.g. ``K7MP-4XQ9-RT2W`` (about 59 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def add_office(session: Session, name: str, now: datetime) -> tuple[uuid.UUID, str]:
    """Register an office; returns its id and a first enrolment code."""
    name = name.strip()
    if not name or len(name) > 200:
        raise OfficeError("invalid_name", "An office name has 1 to 200 characters.")
    office = Office(id=uuid.uuid4(), name=name, created_at=now)
    session.add(office)
    session.flush()
    return office.id, issue_code(session, office.id, now)


def issue_code(
    session: Session,
    office_id: uuid.UUID,
    now: datetime,
    adds_machine: bool = False,
    replace: bool = False,
) -> str:
    """A new single-use code for an office (valid 24 hours); the office's earlier unused
    codes, of both kinds, stop working.

    Enrolling with it adds a machine to the office with ``adds_machine`` (a second PC);
    otherwise it replaces the office's machines, which an office that has a live machine
    must ask for with ``replace`` (a lost or replaced PC: it is cut off).
    """
    if adds_machine and replace:
        raise OfficeError("invalid_code_kind", "A code either replaces or adds a machine.")
    if not adds_machine and not replace and live_machines(session, office_id):
        raise OfficeError(
            "office_enrolled",
            f"Office {office_id} already has a live PC: use --replace to cut it off for a "
            "new one (a lost or replaced PC), or --add-machine for a second PC.",
        )
    unused = session.scalars(
        select(EnrolmentCode).where(
            EnrolmentCode.office_id == office_id,
            EnrolmentCode.used_at.is_(None),
            EnrolmentCode.expires_at > now,
        )
    )
    for earlier in unused:
        earlier.expires_at = now
    code = new_code()
    session.add(
        EnrolmentCode(
            code_hash=hash_code(code),
            office_id=office_id,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            adds_machine=adds_machine,
        )
    )
    return code


def enrol(
    session: Session,
    code: str,
    machine: str,
    now: datetime,
    local_id: uuid.UUID | None = None,
) -> tuple[OfficeMachine, str]:
    """Exchange a code for a new machine of the office and its secret token.

    Unless the code adds a machine, the office's other machines are revoked, replaced by
    the new one (``replaced_by``). ``local_id``
    is the id the office's database already gives its records; no other office may have it.
    """
    refused = OfficeError("enrolment_refused", "This enrolment code is unknown, used or expired.")
    entry = session.get(EnrolmentCode, hash_code(code), with_for_update=True)
    if entry is None or entry.used_at is not None or entry.expires_at <= now:
        raise refused
    office = session.get(Office, entry.office_id)
    if office is None or office.revoked_at is not None:
        raise refused
    if local_id is not None:
        other = session.scalar(select(Office.id).where(Office.local_id == local_id))
        if other is not None and other != office.id:
            raise OfficeError("enrolment_refused", "Another office already has this identity.")
        office.local_id = local_id
    entry.used_at = now
    added_id = uuid.uuid4()
    if not entry.adds_machine:
        for live in live_machines(session, office.id):
            live.revoked_at = now
            live.replaced_by = added_id
    token = secrets.token_urlsafe(32)
    added = OfficeMachine(
        id=added_id,
        office_id=office.id,
        token_hash=token_hash(token),
        name=machine[:200],
        enrolled_at=now,
    )
    session.add(added)
    session.flush()
    return added, token


def live_machines(session: Session, office_id: uuid.UUID) -> list[OfficeMachine]:
    """The office's machines that are not revoked, the most recently enrolled first."""
    return list(
        session.scalars(
            select(OfficeMachine)
            .where(OfficeMachine.office_id == office_id, OfficeMachine.revoked_at.is_(None))
            .order_by(OfficeMachine.enrolled_at.desc(), OfficeMachine.id)
        )
    )


def authenticate(session: Session, token: str) -> OfficeMachine:
    """The machine whose token this is; refuses unknown tokens, revoked machines and the
    machines of revoked offices."""
    machine = session.scalars(
        select(OfficeMachine).where(OfficeMachine.token_hash == token_hash(token))
    ).one_or_none()
    if machine is None:
        raise OfficeError("unauthorized", "A valid office token is needed.")
    if machine.revoked_at is not None and machine.replaced_by is not None:
        raise OfficeError(
            "machine_replaced",
            f"This PC was replaced by another PC of the office on "
            f"{machine.revoked_at.date().isoformat()}: ask the regional administrator.",
        )
    if machine.revoked_at is not None:
        raise OfficeError("machine_revoked", "This PC's access has been revoked.")
    office = session.get(Office, machine.office_id)
    if office is None or office.revoked_at is not None:
        raise OfficeError("office_revoked", "This office's access has been revoked.")
    return machine


def revoke(session: Session, office_id: uuid.UUID, now: datetime) -> None:
    """Revoke an office: the tokens of all its machines stop working at once."""
    office = session.get(Office, office_id)
    if office is None:
        raise OfficeError("unknown_office", f"No office {office_id}.")
    office.revoked_at = office.revoked_at or now


def get_office(session: Session, office_id: uuid.UUID) -> Office:
    """An office by id, or an :class:`OfficeError`."""
    office = session.get(Office, office_id)
    if office is None:
        raise OfficeError("unknown_office", f"No office {office_id}.")
    return office


def list_machines(session: Session, office_id: uuid.UUID) -> list[dict[str, Any]]:
    """``baom-regional office machines``: every machine of an office, live or not, oldest
    first, with when and by which machine (and its name) a replaced one was replaced."""
    get_office(session, office_id)
    machines = list(
        session.scalars(
            select(OfficeMachine)
            .where(OfficeMachine.office_id == office_id)
            .order_by(OfficeMachine.enrolled_at, OfficeMachine.id)
        )
    )
    names = {machine.id: machine.name for machine in machines}

    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return [
        {
            "machine_id": str(machine.id),
            "name": machine.name,
            "enrolled_at": moment(machine.enrolled_at),
            "last_sync": moment(machine.last_sync),
            "revoked_at": moment(machine.revoked_at),
            "replaced_by": str(machine.replaced_by) if machine.replaced_by else None,
            "replaced_by_name": names.get(machine.replaced_by) if machine.replaced_by else None,
        }
        for machine in machines
    ]


@dataclass(frozen=True)
class OfficeSummary:
    """One line of ``baom-regional office list``."""

    office_id: uuid.UUID
    name: str
    last_sync: datetime | None
    envelopes: int
    quarantined: int
    revoked: bool
    machines: int

    def as_json(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "office_id": str(self.office_id),
            "name": self.name,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "envelopes": self.envelopes,
            "quarantined": self.quarantined,
            "revoked": self.revoked,
            "machines": self.machines,
        }


def list_offices(session: Session) -> list[OfficeSummary]:
    """Every office, by name."""
    counts = dict(
        session.execute(
            select(ReceivedEnvelope.office_id, func.count()).group_by(ReceivedEnvelope.office_id)
        ).all()
    )
    machines = dict(
        session.execute(
            select(OfficeMachine.office_id, func.count())
            .where(OfficeMachine.revoked_at.is_(None))
            .group_by(OfficeMachine.office_id)
        ).all()
    )
    return [
        OfficeSummary(
            office.id,
            office.name,
            office.last_sync,
            counts.get(office.id, 0),
            office.quarantined,
            office.revoked_at is not None,
            machines.get(office.id, 0),
        )
        for office in session.scalars(select(Office).order_by(Office.name, Office.id))
    ]


def set_setting(
    session: Session, office_id: uuid.UUID, key: str, value_json: str, now: datetime
) -> int:
    """Record a ``setting`` change for one office; returns its sequence number."""
    get_office(session, office_id)
    try:
        json.loads(value_json)
    except ValueError as error:
        raise OfficeError("invalid_value", f"The value is not JSON: {error}") from None
    if not key or len(key) > 100:
        raise OfficeError("invalid_key", "A setting key has 1 to 100 characters.")
    entity_id = str(uuid.uuid5(office_id, f"setting:{key}"))
    payload = {"key": key, "value": value_json}
    return append_change(session, office_id, "setting", entity_id, "upsert", payload, now)
