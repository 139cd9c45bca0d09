"""The sync wire format: what an office and the regional server say to each other.

Both sides import these typed models: the office's sync client (``kiosk.sync``) and the
regional server. The protocol they carry is described, with examples, in ``docs/sync.md``.

- ``POST /api/v1/enrol``: :class:`EnrolRequest` → :class:`EnrolResponse` (no token needed).
- ``POST /api/v1/push``: :class:`PushRequest` → :class:`PushResponse` (bearer token).
- ``GET /api/v1/pull?after=CURSOR&limit=N``: → :class:`PullResponse` (bearer token).
- Every refusal: an HTTP status and an :class:`ErrorBody`.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX = "/api/v1"
MAX_PUSH_BATCH = 500
MAX_PULL_PAGE = 1000
MAX_PAYLOAD_CHARS = 16_000
"""The clear part of a record (``protocol.privacy.clear_part``): a few short fields."""
MAX_SEALED_CHARS = 360_000
"""A sealed copy: a record of up to about 256 KB, encrypted and in base64."""
MAX_PUSH_BYTES = 16 * 1024 * 1024
"""The largest push body: the client sends at most ``MAX_PUSH_BATCH`` envelopes and at most
this many bytes in one push (:func:`push_sized`). The largest envelope is about 425 KB."""


class WireModel(BaseModel):
    """Strict about unknown fields, so that a typo is an error and not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class EnrolRequest(WireModel):
    """An office PC exchanging its single-use enrolment code for its identity.

    ``local_office_id`` is the id the office database was created with (its records carry
    it as ``office_id``): the server keeps it and checks pushed payloads against it, so an
    office never has to rewrite its records when it enrols.
    """

    code: str = Field(min_length=6, max_length=64)
    local_office_id: uuid.UUID | None = None
    machine: str = Field(default="", max_length=200)


class EnrolResponse(WireModel):
    """The office's identity and its secret token (sent once, kept encrypted by the office).

    ``joins``: the office's other PCs keep working (the code added a machine), so this PC
    joins them rather than replacing them.
    """

    office_id: uuid.UUID
    name: str
    token: str
    joins: bool = False


class Envelope(WireModel):
    """One change of one office record: an outbox envelope on the wire.

    ``id`` is the idempotency key; ``payload`` is the JSON text of the record's clear part
    (what the region may read: ``resources/privacy/inventory.yaml``) and ``sealed`` the
    whole record encrypted for the office alone (``protocol.privacy``); ``content_hash`` is the
    SHA-256 the office computed over ``entity_type|entity_id|operation|version|payload|sealed``
    (``protocol.privacy.content_hash``). ``erase`` makes it a tombstone: the record was
    erased at the office, and the server destroys the sealed copies of its earlier
    versions (the envelope itself carries the record as the erasure left it, or its delete);
    left out of the JSON when false, so a server that predates it takes every other push.
    """

    id: uuid.UUID
    entity_type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    entity_id: uuid.UUID
    operation: Literal["upsert", "delete"]
    base_version: int = Field(ge=0)
    version: int = Field(ge=0)
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    payload: str = Field(max_length=MAX_PAYLOAD_CHARS)
    sealed: str = Field(default="", max_length=MAX_SEALED_CHARS, pattern=r"^[A-Za-z0-9+/=]*$")
    created_at: datetime
    erase: bool = Field(default=False, exclude_if=lambda erase: not erase)


class PushRequest(WireModel):
    """A batch of envelopes, oldest first."""

    envelopes: list[Envelope] = Field(max_length=MAX_PUSH_BATCH)


class Verdict(enum.StrEnum):
    """What the server did with one envelope.

    ``accepted`` and ``duplicate`` (same id, same hash, already stored) and ``invalid`` (the
    payload failed validation: stored as an error on the server) are acknowledgements: the
    office stops sending them. ``conflict`` (same id, other content) is quarantined by the
    office and shown to a supervisor.
    """

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    CONFLICT = "conflict"


def push_sized(envelopes: list[Envelope], limit: int = MAX_PUSH_BYTES) -> Iterator[list[Envelope]]:
    """``envelopes`` in order, in runs whose push body (``PushRequest.model_dump_json``)
    takes at most ``limit`` bytes; an envelope alone over it still goes alone."""
    empty = len(PushRequest(envelopes=[]).model_dump_json())
    run: list[Envelope] = []
    size = empty
    for envelope in envelopes:
        more = len(envelope.model_dump_json().encode()) + (1 if run else 0)  # and a comma
        if run and size + more > limit:
            yield run
            run, size, more = [], empty, more - 1
        run.append(envelope)
        size += more
    if run:
        yield run


class PushResult(WireModel):
    """The verdict on one envelope of a push."""

    id: uuid.UUID
    verdict: Verdict
    detail: str = ""


class PushResponse(WireModel):
    """One result per envelope pushed, in the same order."""

    results: list[PushResult]


class ServerChange(WireModel):
    """One change the server has for an office, in the order of the server's sequence.

    ``entity_type`` says what it is: ``directory_<hsds table>`` (a row of the shared service
    directory, ``entity_id`` its HSDS id), ``referral_outcome`` (a partner's counter-referral),
    ``user_account`` or ``setting`` (changes made for the office on the server). A
    ``delete`` is a tombstone and has no payload.
    """

    seq: int = Field(ge=1)
    entity_type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    entity_id: str = Field(max_length=200)
    operation: Literal["upsert", "delete"]
    payload: dict[str, Any] | None = None


class PullResponse(WireModel):
    """A page of changes after the office's cursor; ask again while ``more`` is true."""

    changes: list[ServerChange]
    cursor: int = Field(ge=0)
    more: bool


class ReferralOutcome(WireModel):
    """The payload of a ``referral_outcome`` change: what the receiving service reported."""

    referral_id: uuid.UUID
    state: Literal["accepted", "declined", "done"]
    reason: str = Field(default="", max_length=500)
    provided: str = Field(default="", max_length=500)
    outcome_date: str = Field(default="", max_length=10)
    reported_at: datetime


class ErrorBody(WireModel):
    """Every refusal: a stable machine-readable code and a plain sentence."""

    error: str
    message: str
