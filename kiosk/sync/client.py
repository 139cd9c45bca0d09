"""The HTTP side of sync: enrol, push and pull against the regional server (``wire``).

Every failure becomes a :class:`SyncError` whose ``kind`` says what the office can do:
``revoked``, ``replaced`` (another PC of the office took this one's place) and
``unauthorized`` need the regional administrator; ``unavailable`` (server
errors, maintenance, timeouts, refused or reset connections) is retried later by itself;
``protocol`` means the two sides do not understand each other (an update is needed).
"""

from __future__ import annotations

import platform
import re
import ssl
import uuid
from datetime import timedelta
from functools import cache
from types import TracebackType
from typing import Any, TypeVar

import certifi
import httpx
from pydantic import BaseModel, ValidationError

from kiosk.sync.errors import (
    REVOKED_MESSAGE,
    MachineReplaced,
    OfficeRevoked,
    ProtocolError,
    ServerUnavailable,
    SyncError,
    Unauthorized,
)
from kiosk.sync.schedule import BACKOFF_CAP
from protocol import wire

_Model = TypeVar("_Model", bound=BaseModel)
_JSON = {"Content-Type": "application/json"}
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def _retry_after(response: httpx.Response) -> timedelta | None:
    """The ``Retry-After`` seconds, at most the backoff cap (None for a date or no header)."""
    value = response.headers.get("Retry-After", "")
    try:
        seconds = int(value)
    except ValueError:
        return None
    return timedelta(seconds=max(0, min(seconds, int(BACKOFF_CAP.total_seconds()))))


def _error_body(response: httpx.Response) -> wire.ErrorBody | None:
    try:
        return wire.ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return None


def _replaced(body: wire.ErrorBody) -> MachineReplaced:
    """``machine_replaced``: the date the server names (``YYYY-MM-DD``), kept in the message
    for the desk to say."""
    found = re.search(r"\d{4}-\d{2}-\d{2}", body.message)
    on = f" on {found.group()}" if found else ""
    return MachineReplaced(
        f"this PC was replaced by another PC of the office{on}: it no longer syncs; "
        "ask the regional administrator"
    )


def _refusal(response: httpx.Response) -> SyncError:
    body = _error_body(response)
    said = f": {body.message}" if body is not None and body.message else ""
    if response.status_code == 401 and body is not None and body.error == "office_revoked":
        return OfficeRevoked(REVOKED_MESSAGE)
    if response.status_code == 401 and body is not None and body.error == "machine_replaced":
        return _replaced(body)
    if response.status_code >= 500:
        if response.status_code == 503:
            message = "the regional server is under maintenance"
        else:
            message = f"the regional server failed (HTTP {response.status_code})"
        return ServerUnavailable(f"{message}{said}; retrying later", _retry_after(response))
    if response.status_code in (401, 403):
        return Unauthorized(f"the regional server refused this office{said}")
    return ProtocolError(
        f"the regional server refused the request (HTTP {response.status_code}){said}"
    )


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every round (making one reads the CA bundle: ~50 ms)."""
    return ssl.create_default_context(cafile=certifi.where())  # as httpx does by default


class RegionalClient:
    """A connection to one regional server; use as a context manager."""

    def __init__(
        self, server_url: str, token: str = "", transport: httpx.BaseTransport | None = None
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.server_url = server_url.rstrip("/")
        self._http = httpx.Client(
            base_url=f"{self.server_url}{wire.API_PREFIX}",
            headers=headers,
            timeout=TIMEOUT,
            transport=transport,
            verify=_tls(),
        )

    def __enter__(self) -> RegionalClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **options)
        except httpx.TimeoutException as error:
            raise ServerUnavailable(
                f"the regional server did not answer in time ({type(error).__name__}); "
                "retrying later"
            ) from error
        except httpx.TransportError as error:
            reason = str(error) or type(error).__name__
            raise ServerUnavailable(
                f"the regional server cannot be reached at {self.server_url} ({reason}); "
                "retrying later"
            ) from error
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def _parse(self, response: httpx.Response, model: type[_Model]) -> _Model:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as error:
            raise ProtocolError(
                f"the regional server's answer is not understood ({error.error_count()} errors); "
                "the office or the server needs an update"
            ) from error

    def enrol(self, code: str, local_office_id: uuid.UUID | None) -> wire.EnrolResponse:
        """Exchange an enrolment code for the office's identity and token."""
        request = wire.EnrolRequest(
            code=code, local_office_id=local_office_id, machine=platform.node()[:200]
        )
        response = self._request("POST", "/enrol", content=request.model_dump_json(), headers=_JSON)
        return self._parse(response, wire.EnrolResponse)

    def push(self, envelopes: list[wire.Envelope]) -> wire.PushResponse:
        """Send one batch of envelopes; one verdict per envelope."""
        body = wire.PushRequest(envelopes=envelopes).model_dump_json()
        response = self._request("POST", "/push", content=body, headers=_JSON)
        return self._parse(response, wire.PushResponse)

    def pull(self, after: int, limit: int = wire.MAX_PULL_PAGE) -> wire.PullResponse:
        """One page of the server's changes after ``after``."""
        response = self._request("GET", "/pull", params={"after": after, "limit": limit})
        return self._parse(response, wire.PullResponse)

    def health(self) -> dict[str, Any]:
        """The server's health answer."""
        answer: dict[str, Any] = self._request("GET", "/health").json()
        return answer
