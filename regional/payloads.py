"""Validating pushed payloads: the clear part of each record, typed per entity type.

A record reaches the region as its clear part (``payload``) and its sealed copy
(``sealed``, opaque here). The clear part may hold only the fields that the data inventory
(``resources/privacy/inventory.yaml``) lets the region read; any other field is refused,
so a record can never leave an office readable by mistake.

The server does not recompute the content hash: the office hashes with its unit-of-work
operation (create/update/delete) while the wire says upsert/delete, so the server cannot
tell a create from an update. It checks the hash's shape (64 hex, done by the wire model)
and that the payload is a JSON object for the envelope's record and office.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from protocol.privacy import inventory
from protocol.wire import Envelope
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
    """The clear part every record has: its id, its office and its version."""

    model_config = ConfigDict(extra="allow")

    id: uuid.UUID
    office_id: uuid.UUID
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
    """What the region reads of a referral: the partner page's facts, never the person."""

    created_at: datetime
    service_id: uuid.UUID
    service_name: str = Field(max_length=300)
    organization_name: str = Field(default="", max_length=300)
    code: str = Field(min_length=1, max_length=16)
    token_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    priority: Literal["emergency", "urgent", "normal"]
    state: Literal[
        "created", "sent", "accepted", "declined", "done", "withdrawn", "expired", "redirected"
    ]
    due_at: datetime
    outcome_on: date | None = None


class AccountPayload(RecordPayload):
    """What the region reads of an office account: its name, and whether it is disabled."""

    name: str = Field(min_length=1, max_length=64)
    disabled: bool = False


class StatPayload(RecordPayload):
    """A de-identified statistics record (``db.cases.StatRecord``).

    ``needs`` is the JSON text of a list of need keys, ``outcomes`` of a list of
    ``[need_key, state]`` pairs (a referral's kind of service and where it ended), and
    ``resolutions`` of a list of ``[need_key, open|met|not_met]`` pairs (where the case's
    needs stood; an office of an earlier version sends none), ``cmsm`` of a list of
    ``[organisation id, state, days or null]`` (the month's referrals to CMSM members:
    where each stands, and the days from sent to the service's first answer).
    """

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    category: str = Field(max_length=16)
    sex: str = Field(max_length=8)
    age_band: str = Field(max_length=8)
    nationality: str = Field(max_length=8)
    commune: str = Field(max_length=100)
    needs: str = Field(max_length=4000)
    outcomes: str = Field(max_length=8000)
    resolutions: str = Field(default="[]", max_length=4000)
    cmsm: str = Field(default="[]", max_length=8000)

    def need_keys(self) -> list[str]:
        """The needs, as a list of keys (validated by :func:`validate`)."""
        values: list[str] = json.loads(self.needs)
        return values

    def outcome_pairs(self) -> list[tuple[str, str]]:
        """The referral outcomes, as (need key, state) pairs (validated by :func:`validate`)."""
        return [(str(need), str(state)) for need, state in json.loads(self.outcomes)]

    def resolution_pairs(self) -> list[tuple[str, str]]:
        """Where the needs stood, as (need key, state) pairs (validated by :func:`validate`)."""
        return [(str(need), str(state)) for need, state in json.loads(self.resolutions)]

    def cmsm_referrals(self) -> list[tuple[str, str, int | None]]:
        """The referrals to CMSM members, as (organisation id, state, days to the first
        answer or None) (validated by :func:`validate`)."""
        return [(str(org), str(state), days) for org, state, days in json.loads(self.cmsm)]


class StepStatPayload(RecordPayload):
    """A de-identified itinerary step duration (``db.cases.StepStat``): the month, the
    template and step (keys), done or skipped, and its days."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    template: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    step: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    outcome: Literal["done", "skipped"]
    days: int = Field(ge=0, le=36_500)


class DeletePayload(BaseModel):
    """A deletion carries only the record's id."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID


MODELS: dict[str, type[RecordPayload]] = {
    name: RecordPayload
    for name, entry in inventory().records.items()
    if entry.leaves_office == "sealed"
}
MODELS.update(
    referral=ReferralPayload,
    user_account=AccountPayload,
    stat_record=StatPayload,
    step_stat=StepStatPayload,
)
CLEAR_FIELDS = {name: frozenset(inventory().record(name).clear_fields.values()) for name in MODELS}
"""What the region may read of each record kind (``resources/privacy/inventory.yaml``)."""
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


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
    kept = sorted(set(data) - CLEAR_FIELDS[envelope.entity_type])
    if kept:
        raise InvalidPayload(
            f"{', '.join(kept)}: the data inventory keeps these fields at the office "
            "(they travel sealed)"
        )
    if not envelope.sealed:
        raise InvalidPayload("sealed: every record travels with its sealed copy")
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
    if isinstance(parsed, StatPayload):
        _check_stat_lists(parsed)
    return parsed


NEED_STATES = frozenset({"open", "met", "not_met"})


def _pairs(value: object, second: frozenset[str] | None = None) -> bool:
    """Whether ``value`` is a list of ``[key, key]`` pairs (the second among ``second``)."""
    return isinstance(value, list) and all(
        isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(part, str) and _KEY.match(part) for part in pair)
        and (second is None or pair[1] in second)
        for pair in value
    )


def _check_stat_lists(parsed: StatPayload) -> None:
    try:
        needs, outcomes = json.loads(parsed.needs), json.loads(parsed.outcomes)
        resolutions = json.loads(parsed.resolutions)
    except (ValueError, RecursionError):
        raise InvalidPayload("needs, outcomes and resolutions are JSON lists") from None
    if not isinstance(needs, list) or not all(
        isinstance(need, str) and _KEY.match(need) for need in needs
    ):
        raise InvalidPayload("needs: a list of need keys")
    if not _pairs(outcomes):
        raise InvalidPayload("outcomes: a list of [need key, state] pairs")
    if not _pairs(resolutions, NEED_STATES):
        raise InvalidPayload("resolutions: a list of [need key, open|met|not_met] pairs")
    try:
        cmsm = json.loads(parsed.cmsm)
    except (ValueError, RecursionError):
        raise InvalidPayload("cmsm is a JSON list") from None
    if not isinstance(cmsm, list) or not all(_cmsm_referral(item) for item in cmsm):
        raise InvalidPayload("cmsm: a list of [organisation id, state, days or null]")


def _cmsm_referral(item: object) -> bool:
    """Whether ``item`` is ``[organisation uuid, state key, whole days >= 0 or null]``."""
    if not (isinstance(item, list) and len(item) == 3):
        return False
    organisation, state, days = item
    try:
        uuid.UUID(str(organisation))
    except ValueError:
        return False
    return (
        isinstance(state, str)
        and bool(_KEY.match(state))
        and (days is None or (isinstance(days, int) and not isinstance(days, bool) and days >= 0))
    )
