"""The sync client's reading of the server's refusals."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from kiosk.sync.client import RegionalClient
from kiosk.sync.errors import ServerUnavailable
from kiosk.sync.schedule import BACKOFF_CAP


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", timedelta(seconds=120)),
        ("-5", timedelta(0)),
        ("Wed, 21 Oct 2026 07:28:00 GMT", None),
        ("9" * 30, BACKOFF_CAP),
    ],
)
def test_a_retry_after_is_read_and_an_absurd_one_is_capped(
    header: str, expected: timedelta | None
) -> None:
    def answer(_request: httpx.Request) -> httpx.Response:
        body = {"error": "maintenance", "message": "back soon"}
        return httpx.Response(503, json=body, headers={"Retry-After": header})

    with (
        RegionalClient("http://region.test", "token", httpx.MockTransport(answer)) as client,
        pytest.raises(ServerUnavailable) as refused,
    ):
        client.pull(0)
    assert refused.value.retry_after == expected
