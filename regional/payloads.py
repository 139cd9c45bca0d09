"""Validating pushed payloads with typed models, one per entity type.

The server does not recompute the content hash: the office hashes with its unit-of-work
operation (create/update/delete) while the wire says upsert/delete, so the server cannot
tell a create from an update. It checks the hash's shape (64 hex, done by the wire model)
and that the payload is a JSON object for the envelope's record and office.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kiosk.sync.wire import Envelope
from regional.clock import as_naive_utc

MAX_INT = 2**31 - 1


def storable(text: str) -> bool:
    """Whether ``text`` can be stored by every database: valid UTF-8 and no NUL character."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class InvalidPayload(Exception):
    """Why an envelope's payload is refused (kept with the stored envelope)."""


class RecordPayload(BaseModel):
    """The columns every synced office record has; other columns are kept as they come."""

    model_config = ConfigDict(extra="allow")

    id: uuid.UUID
    office_id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int = Field(ge=0)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        """Times as naive UTC, refused when out of range (e.g. year 1 with an offset)."""
        if isinstance(value, datetime):
            try:
                value = as_naive_utc(value)
            except OverflowError:
                raise ValueError("time out of range") from None
            if not 1900 <= value.year <= 2200:
                raise ValueError("time out of range")
        return value


class ReferralPayload(RecordPayload):
    """A referral (``db.cases.Referral``)."""

    case_id: uuid.UUID
    need_key: str = Field(max_length=64)
    service_id: uuid.UUID
    service_name: str = Field(max_length=300)
    organization_name: str = Field(default="", max_length=300)
    code: str = Field(min_length=1, max_length=16)
    token: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    priority: Literal["emergency", "urgent", "normal"]
    state: Literal[
        "created", "sent", "accepted", "declined", "done", "withdrawn", "expired", "redirected"
    ]
    due_at: datetime
    consent_share: bool
    override_reason: str = ""
    redirected_from_id: uuid.UUID | None = None
    reason: str = ""
    provided: str = ""
    outcome_on: date | None = None
    sent_at: datetime | None = None


class IntakePayload(RecordPayload):
    """An intake (``db.cases.Intake``); ``answers`` is the JSON text of a flat object."""

    case_id: uuid.UUID | None = None
    ticket_id: uuid.UUID | None = None
    form_id: str = Field(max_length=32)
    form_version: int
    language: str = Field(default="fr", max_length=8)
    consent_record: bool
    consent_share: bool = False
    consent_stats: bool = False
    consent_method: str = Field(default="", max_length=8)
    answers: str
    at: datetime

    def answer_values(self) -> dict[str, Any]:
        """The answers as a dict (validated as such by :func:`validate`)."""
        values: dict[str, Any] = json.loads(self.answers)
        return values


class DeletePayload(BaseModel):
    """A deletion carries only the record's id."""

    model_config = ConfigDict(extra="allow")

    id: uuid.UUID


GENERIC_TYPES = frozenset(
    {
        "office",
        "user_account",
        "audit_entry",
        "setting",
        "ticket",
        "queue_event",
        "person",
        "case",
        "visit",
        "case_need",
        "case_entry",
        "accompaniment_step",
        "referral_event",
    }
)
MODELS: dict[str, type[RecordPayload]] = {
    "referral": ReferralPayload,
    "intake": IntakePayload,
    **{name: RecordPayload for name in GENERIC_TYPES},
}


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "payload"
    return f"{where}: {first['msg']}"[:500]


def validate(envelope: Envelope, office_id: uuid.UUID) -> BaseModel:
    """The typed payload of ``envelope`` pushed by ``office_id``, or :class:`InvalidPayload`."""
    model = MODELS.get(envelope.entity_type)
    if model is None:
        raise InvalidPayload(f"unknown entity type {envelope.entity_type!r}")
    try:
        data = json.loads(envelope.payload)
    except (ValueError, RecursionError):
        raise InvalidPayload("payload is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidPayload("payload is not a JSON object")
    if not storable(json.dumps(data, ensure_ascii=False)):
        raise InvalidPayload("payload holds a NUL character or invalid Unicode")
    try:
        if envelope.operation == "delete":
            parsed: BaseModel = DeletePayload.model_validate(data)
        else:
            parsed = model.model_validate(data)
    except ValidationError as error:
        raise InvalidPayload(_first_error(error)) from None
    if parsed.id != envelope.entity_id:  # type: ignore[attr-defined]
        raise InvalidPayload("payload id differs from entity_id")
    if isinstance(parsed, RecordPayload):
        if parsed.office_id != office_id:
            raise InvalidPayload("payload office_id is not the pushing office")
        if parsed.version != envelope.version:
            raise InvalidPayload("payload version differs from the envelope's")
    if isinstance(parsed, IntakePayload):
        try:
            answers = json.loads(parsed.answers)
        except (ValueError, RecursionError):
            raise InvalidPayload("answers is not JSON") from None
        if not isinstance(answers, dict):
            raise InvalidPayload("answers is not a JSON object")
    return parsed
