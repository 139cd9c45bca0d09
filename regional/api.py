"""The sync API (``/api/v1``): enrolment, push, pull, health, and the region's statistics."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from protocol.privacy import token_hash
from protocol.wire import (
    API_PREFIX,
    MAX_PULL_PAGE,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    PullResponse,
    PushRequest,
    PushResponse,
)
from regional import changes, push
from regional.bundle_keys import holds_secret, remember
from regional.models import Office, OfficeMachine, ReceivedEnvelope
from regional.offices import OfficeError, authenticate, enrol, live_machines
from regional.payloads import MAX_INT, storable
from regional.region_accounts import AccountRefused, login
from regional.runtime import Runtime
from regional.stats import MONTH, NotPublished, regional_stats

router = APIRouter()
_bearer = HTTPBearer(auto_error=False)
_basic = HTTPBasic(realm="baom-regional", auto_error=False)
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 404, 422, 429, 503)
}
SYNC_NOTED_EVERY = timedelta(minutes=1)
"""How often a PC's last sync time is written (every request would take the write lock)."""
BODY_ERRORS = {**ERRORS, 413: {"model": ErrorBody, "description": "The body is over the limit"}}


class ApiError(Exception):
    """A refusal answered with ``status`` and an :class:`ErrorBody`."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


class Health(BaseModel):
    """The server is up."""

    status: str


class EnvelopeStatus(BaseModel):
    """What the server holds of one envelope the office pushed."""

    id: uuid.UUID
    entity_type: str
    received_at: datetime
    status: str
    error: str


def runtime(request: Request) -> Runtime:
    """The server's resources."""
    found: Runtime = request.app.state.regional
    return found


def _machine(session: Session, token: str) -> OfficeMachine:
    """The live PC whose token this is, or a 401 :class:`ApiError`."""
    try:
        return authenticate(session, token)
    except OfficeError as refusal:
        raise ApiError(401, refusal.code, str(refusal)) from None


def office_id(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID:
    """The authenticated office (401 for a missing, unknown or revoked token).

    The token is checked in a reading transaction. The server also notes when the PC
    synced, at most once every ``SYNC_NOTED_EVERY``, and learns its bundle secret if it does
    not hold it (enrolled before bundle format 2, or a replaced key file).
    """
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "unauthorized", "A valid office token is needed.")
    server, token = runtime(request), credentials.credentials
    now = server.now()
    with server.reader() as session, session.begin():
        machine = _machine(session, token)
        noted = machine.last_sync is not None and now - machine.last_sync < SYNC_NOTED_EVERY
        if noted and holds_secret(machine, token, server.bundle_keys):
            return machine.office_id
    with server.factory() as session, session.begin():
        machine = _machine(session, token)
        machine.last_sync = now
        session.execute(update(Office).where(Office.id == machine.office_id).values(last_sync=now))
        remember(machine, token, server.bundle_keys)
        return machine.office_id


def origin(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    """Which PC of the office asks: its token's hash (after :func:`office_id` accepted it)."""
    return token_hash(credentials.credentials) if credentials is not None else None


Server = Annotated[Runtime, Depends(runtime)]
OfficeId = Annotated[uuid.UUID, Depends(office_id)]
Origin = Annotated[str | None, Depends(origin)]


@router.get(f"{API_PREFIX}/health", responses=ERRORS)
async def health() -> Health:
    """200 when the server is up (503 in maintenance); answered on the event loop, never
    queued behind the database work of the thread pool."""
    return Health(status="ok")


@router.post(f"{API_PREFIX}/enrol", responses=BODY_ERRORS)
def enrol_office(body: EnrolRequest, server: Server, request: Request) -> EnrolResponse:
    """Exchange a single-use enrolment code for the office's identity and token."""
    client = request.client.host if request.client else "unknown"
    if not server.limiter.allow(f"enrol:{client}"):
        raise ApiError(429, "rate_limited", "Too many attempts; wait a minute.")
    if not storable(body.code + body.machine):
        raise ApiError(422, "invalid_request", "The code or machine name is not valid text.")
    with server.factory() as session, session.begin():
        try:
            machine, token = enrol(
                session, body.code, body.machine, server.now(), body.local_office_id
            )
        except OfficeError as refusal:
            raise ApiError(401, refusal.code, str(refusal)) from None
        remember(machine, token, server.bundle_keys)
        name = session.get_one(Office, machine.office_id).name
        joins = len(live_machines(session, machine.office_id)) > 1
        return EnrolResponse(office_id=machine.office_id, name=name, token=token, joins=joins)


PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
    }
}
"""The push's body as the schema documents it (the route reads it itself, see below)."""


@router.post(f"{API_PREFIX}/push", responses=BODY_ERRORS, openapi_extra=PUSH_BODY)
async def push_envelopes(
    request: Request, server: Server, office: OfficeId, pc: Origin
) -> PushResponse:
    """Store a batch of envelopes (a :class:`PushRequest`); one verdict per envelope, in order.

    The token is checked before the body is read. The body (at most ``MAX_PUSH_BYTES``) is
    gathered into one buffer, then parsed and stored in a worker thread, so that a large push
    never holds the event loop and its parsed copy replaces the buffer.
    """
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
    return await run_in_threadpool(_store_push, server, office, pc, body)


def _store_push(
    server: Runtime, office: uuid.UUID, pc: str | None, body: bytearray
) -> PushResponse:
    try:
        envelopes = PushRequest.model_validate_json(body).envelopes
    except ValidationError as error:
        problems = [{**problem, "loc": ("body", *problem["loc"])} for problem in error.errors()]
        raise RequestValidationError(problems) from None
    finally:
        body.clear()
    try:
        results = push.push(server.factory, office, envelopes, server.now, pc)
    except push.PushBusy as busy:
        raise ApiError(503, "unavailable", str(busy)) from None
    except push.Unstorable as refusal:
        raise ApiError(422, "invalid_request", str(refusal)) from None
    return PushResponse(results=results)


@router.get(f"{API_PREFIX}/pull", responses=ERRORS)
def pull_changes(
    server: Server,
    office: OfficeId,
    pc: Origin,
    after: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = changes.DEFAULT_PULL_PAGE,
) -> PullResponse:
    """The changes after ``after`` visible to this office, oldest first."""
    with server.reader() as session, session.begin():
        return changes.pull(session, office, after, limit, pc)


@router.get(f"{API_PREFIX}/envelopes/{{envelope_id}}", responses=ERRORS)
def envelope_status(envelope_id: uuid.UUID, server: Server, office: OfficeId) -> EnvelopeStatus:
    """What the server holds of one of this office's envelopes (404 for any other)."""
    with server.reader() as session, session.begin():
        row = session.scalars(
            select(ReceivedEnvelope).where(
                ReceivedEnvelope.id == envelope_id, ReceivedEnvelope.office_id == office
            )
        ).one_or_none()
    if row is None:
        raise ApiError(404, "not_found", "No such envelope for this office.")
    return EnvelopeStatus(
        id=row.id,
        entity_type=row.entity_type,
        received_at=row.received_at,
        status="invalid" if row.error is not None else "stored",
        error=row.error or "",
    )


def region_staff(
    request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]
) -> None:
    """Let in an enabled region account (HTTP Basic): 401 otherwise, 429 when too many tries.

    Sync, so FastAPI runs it, and Argon2, in its thread pool. Every attempt with credentials
    takes a token of the client's rate limit (a failure cannot be told before the password
    is checked). The 401 is an ``HTTPException`` so that it carries the Basic challenge.
    """
    challenge = _basic.make_authenticate_headers()
    if credentials is None:
        raise HTTPException(401, "A region account is needed (HTTP Basic).", challenge)
    server = runtime(request)
    client = request.client.host if request.client else "unknown"
    if not server.limiter.allow(f"stats:{client}"):
        raise ApiError(429, "rate_limited", "Too many login attempts; wait a minute.")
    try:
        login(
            server.factory, credentials.username, credentials.password, server.now(), server.logins
        )
    except AccountRefused as refusal:
        raise HTTPException(401, f"Region account refused: {refusal}.", challenge) from None


@router.get("/stats", responses=ERRORS, dependencies=[Depends(region_staff)])
def statistics(
    server: Server, month: Annotated[str | None, Query(pattern=MONTH.pattern)] = None
) -> dict[str, Any]:
    """The published statistics of a closed month, for region staff (small counts hidden).

    A table's key is present only when its count is published; ``hidden`` lists, table by
    table, the keys whose count is hidden, without the count (months published before it
    was added lack it).
    """
    try:
        return regional_stats(server.reader, server.factory, month, server.now())
    except NotPublished as refusal:
        raise ApiError(404, "not_published", str(refusal)) from None
