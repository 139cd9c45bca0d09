"""Enrolment and one sync round (push, then pull), with the outcome stored in ``sync_state``.

A round pushes every pending envelope, then pulls pages until the server has no more.
Each batch pushed and each page pulled is committed on its own, so a round that fails
half-way keeps what it did; the failure is recorded with the next attempt's time
(:mod:`kiosk.sync.schedule`) and the plain reason the desk shows.
"""

from __future__ import annotations

import ipaddress
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.exc import OperationalError

from db.base import utcnow
from db.store import Store
from db.sync import SyncState
from db.uow import Actor
from kiosk.statistics import make_closed_months
from kiosk.sync import schedule
from kiosk.sync.apply import apply_page
from kiosk.sync.client import RegionalClient
from kiosk.sync.errors import MachineReplaced, NotEnrolled, ProtocolError, SyncError
from kiosk.sync.push import PushReport, push
from kiosk.sync.state import state_of
from protocol import wire

NOT_ENROLLED = "this office is not enrolled with a regional server: run 'baom enrol'"


@dataclass
class PullReport:
    """What a pull did: pages and changes received, applied, and set aside as conflicts."""

    pages: int = 0
    changes: int = 0
    applied: int = 0
    conflicts: int = 0
    cursor: int = 0

    def as_json(self) -> dict[str, int]:
        """The figures, for ``baom sync --json``."""
        return dict(vars(self))


@dataclass
class RoundResult:
    """The outcome of one round: what moved, or why it failed and when it is tried again."""

    ok: bool
    error: str = ""
    error_kind: str = ""
    pushed: PushReport = field(default_factory=PushReport)
    pulled: PullReport = field(default_factory=PullReport)
    next_attempt_at: datetime | None = None
    duration_ms: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The outcome, as ``baom sync --once --json`` prints it."""
        answer: dict[str, Any] = {
            "ok": self.ok,
            "push": self.pushed.as_json(),
            "pull": self.pulled.as_json(),
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "duration_ms": round(self.duration_ms, 1),
        }
        if not self.ok:
            answer["error"] = self.error
            answer["error_kind"] = self.error_kind
        return answer


def _update_state(store: Store, change: Callable[[SyncState], None]) -> None:
    with store.session() as session:
        change(state_of(session))
        session.commit()


def check_server_url(server_url: str) -> str:
    """``server_url`` if the office may send its records there: HTTPS, or HTTP to this PC.

    The token and the records travel to it; plain HTTP would show them to the network.
    """
    parts = urlsplit(server_url.strip())
    if parts.scheme == "https" and parts.hostname:
        return server_url.strip()
    if parts.scheme == "http" and parts.hostname:
        try:
            loopback = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            loopback = parts.hostname == "localhost"
        if loopback:
            return server_url.strip()
        raise ProtocolError(
            f"{server_url} is plain HTTP: the regional server is reached over HTTPS "
            "(http:// only for a server on this PC)"
        )
    raise ProtocolError(f"{server_url} is not an https:// address of a regional server")


def enrol(
    store: Store,
    local_office_id: uuid.UUID | None,
    server_url: str,
    code: str,
    transport: httpx.BaseTransport | None = None,
) -> wire.EnrolResponse:
    """Exchange ``code`` for the office's identity and token, and keep them in the database.

    Enrolling again (a new code from the region, e.g. after the token was lost) replaces the
    token; the pull cursor is kept when the server's office is the same one. A restore
    (``kiosk.restore``) enrols before it has an office, without ``local_office_id``.
    """
    server_url = check_server_url(server_url)
    with RegionalClient(server_url, transport=transport) as client:
        answer = client.enrol(code.strip(), local_office_id)

    def store_identity(state: SyncState) -> None:
        if state.remote_office_id != answer.office_id:
            state.cursor = 0
        state.server_url = server_url.rstrip("/")
        state.remote_office_id = answer.office_id
        state.remote_office_name = answer.name
        state.token = answer.token
        state.enrolled_at = utcnow()
        state.last_error = state.last_error_kind = ""
        state.consecutive_failures = 0
        state.next_attempt_at = None

    _update_state(store, store_identity)
    return answer


def pull(
    store: Store,
    actor: Actor,
    office_id: uuid.UUID,
    client: RegionalClient,
    cursor: int,
    restoring: bool = False,
    joining: bool = False,
) -> PullReport:
    """Pull and apply pages after ``cursor`` until the server has no more (``restoring``
    and ``joining``: see :func:`~kiosk.sync.apply.apply_page`)."""
    report = PullReport(cursor=cursor)
    while True:
        page = client.pull(report.cursor)
        if page.changes or page.cursor != report.cursor:
            applied = apply_page(store, actor, office_id, page, restoring, joining)
            report.applied += applied.applied
            report.conflicts += applied.conflicts
        report.pages += 1
        report.changes += len(page.changes)
        advanced = page.cursor > report.cursor
        report.cursor = max(report.cursor, page.cursor)
        if not page.more:
            return report
        if not advanced:
            raise ProtocolError("the regional server says there is more but gives nothing new")


def sync_round(
    store: Store,
    office_id: uuid.UUID,
    interval: timedelta = schedule.DEFAULT_INTERVAL,
    transport: httpx.BaseTransport | None = None,
    rng: random.Random | None = None,
) -> RoundResult:
    """Run one round now (whatever the schedule says) and record how it went."""
    started = utcnow()
    with store.session() as session:
        state = state_of(session)
        server_url, token, cursor = state.server_url, state.token, state.cursor
        failures = state.consecutive_failures
    result = RoundResult(ok=False)
    try:
        if not token:
            raise NotEnrolled(NOT_ENROLLED)
        make_closed_months(store, office_id, started)
        with RegionalClient(server_url, token, transport) as client:
            result.pushed = push(store, client)
            result.pulled = pull(store, Actor.system(office_id), office_id, client, cursor)
            if result.pulled.applied or result.pulled.conflicts:  # their audit entries
                result.pushed = result.pushed.merge(push(store, client))
    except (SyncError, OperationalError) as error:
        if isinstance(error, SyncError):
            result.error, result.error_kind = str(error), error.kind
        else:  # the office database stayed locked by another writer beyond its timeout
            result.error, result.error_kind = f"the office database is busy ({error.orig})", "busy"
        if isinstance(error, NotEnrolled):
            return result  # nothing to retry until someone enrols the office
        retry_after = error.retry_after if isinstance(error, SyncError) else None
        plan = schedule.after_failure(utcnow(), failures + 1, retry_after, rng)
        result.next_attempt_at = plan.at

        def failed(state: SyncState) -> None:
            state.last_attempt = started
            state.last_error = result.error
            state.last_error_kind = result.error_kind
            state.consecutive_failures = failures + 1
            state.next_attempt_at = plan.at

        _update_state(store, failed)
    else:
        result.ok = True
        finished = utcnow()
        result.next_attempt_at = schedule.after_success(finished, interval).at

        def succeeded(state: SyncState) -> None:
            state.last_attempt = started
            state.last_success = finished
            state.last_error = state.last_error_kind = ""
            state.consecutive_failures = 0
            state.next_attempt_at = result.next_attempt_at

        _update_state(store, succeeded)
    result.duration_ms = (utcnow() - started).total_seconds() * 1000
    return result


def due(store: Store, now: datetime | None = None) -> bool:
    """Whether the scheduled round is due (an office not enrolled, or whose PC the region
    replaced by another, is never due: only "Sync now" tries again)."""
    with store.session() as session:
        state = state_of(session)
        if not state.token or state.last_error_kind == MachineReplaced.kind:
            return False
        return schedule.is_due(state.next_attempt_at, now or utcnow())
