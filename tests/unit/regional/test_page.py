"""The counter-referral page: content, languages, reports, refusals, 404 and rate limit."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from html import escape

import anyio
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from regional.app import create_app
from regional.config import Settings
from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, push, referral


def _referral(client: TestClient, office: Enrolled, **fields: object) -> dict:
    payload = referral(office.office_id, **fields)
    assert push(client, office, envelope("referral", payload)) == ["accepted"]
    return payload


def _nonce(page: str) -> str:
    found = re.search(r'name="nonce" value="([0-9a-f]+)"', page)
    assert found
    return found.group(1)


def _report(client: TestClient, token: str, **form: str):
    nonce = _nonce(client.get(f"/r/{token}").text)
    return client.post(f"/r/{token}", data={"nonce": nonce, **form})


def _outcomes(client: TestClient, office: Enrolled) -> list[dict]:
    changes = client.get("/api/v1/pull", headers=office.headers).json()["changes"]
    return [change for change in changes if change["entity_type"] == "referral_outcome"]


def test_the_page_shows_the_slip_facts_and_no_person_data(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    payload = _referral(client, office, priority="emergency")
    answer = client.get(f"/r/{payload['token']}")
    assert answer.status_code == 200
    page = answer.text
    assert '<html lang="fr" dir="ltr">' in page
    assert 'name="viewport"' in page and "<script" not in page
    for shown in ("Centre de santé Tikiouine", "BAOM Agadir", "K7M-4PX", "2026-11-29", "Urgence"):
        assert shown in page
    for hidden in (payload["case_id"], payload["id"], payload["service_id"], office.office_id):
        assert hidden not in page
    for name in ('name="outcome" value="received"', 'value="done"', 'value="declined"'):
        assert name in page
    assert 'name="provided"' in page and 'name="outcome_date"' in page
    assert '<select name="reason"' in page and 'id="submit"' in page


def test_arabic_is_right_to_left(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    payload = _referral(client, office)
    page = client.get(f"/r/{payload['token']}?lang=ar").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "المصلحة" in page and "عاجل" in page


def test_reports_move_forward_once_each(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    token = _referral(client, office)["token"]
    assert _report(client, token, outcome="received").status_code == 200
    assert _report(client, token, outcome="received").status_code == 200  # the same: nothing new
    done = {"outcome": "done", "provided": "consultation", "outcome_date": "2026-11-30"}
    answer = _report(client, token, **done)
    assert answer.status_code == 200 and "Merci" in answer.text
    assert _report(client, token, **done).status_code == 200
    backwards = _report(client, token, outcome="received")
    assert backwards.status_code == 409 and "déjà" in backwards.text
    outcomes = _outcomes(client, office)
    assert [change["payload"]["state"] for change in outcomes] == ["accepted", "done"]
    assert outcomes[1]["payload"]["provided"] == "consultation"
    assert outcomes[1]["payload"]["outcome_date"] == "2026-11-30"
    other = enrolled(client, db_url, "BAOM Tata", clock())
    assert _outcomes(client, other) == []


def test_a_decline_needs_a_listed_reason(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    token = _referral(client, office)["token"]
    assert _report(client, token, outcome="declined", reason="because").status_code == 400
    assert _report(client, token, outcome="done", outcome_date="soon").status_code == 400
    assert _report(client, token).status_code == 400
    assert _report(client, token, outcome="declined", reason="full").status_code == 200
    assert [c["payload"]["reason"] for c in _outcomes(client, office)] == ["full"]


@pytest.mark.parametrize(
    ("day", "lang", "message"),
    [
        ("2026-11-28", "fr", "La date ne peut être ni avant l'orientation ni dans le futur."),
        ("2026-12-01", "fr", "La date ne peut être ni avant l'orientation ni dans le futur."),
        ("2030-01-01", "ar", "لا يمكن أن يكون التاريخ قبل تاريخ التوجيه ولا في المستقبل."),
    ],
)
def test_an_outcome_date_outside_the_referral_and_today_is_refused(
    day: str, lang: str, message: str, client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())  # now: 2026-11-29 10:00 UTC
    token = _referral(client, office)["token"]  # made 2026-11-29 09:00
    done = {"outcome": "done", "provided": "consultation", "outcome_date": day, "lang": lang}
    answer = _report(client, token, **done)
    assert answer.status_code == 400
    page = answer.text
    assert f'<p class="error" role="alert">{escape(message)}</p>' in page
    assert 'name="outcome_date"' in page and 'id="submit"' in page  # the form again
    assert f'<html lang="{lang}"' in page
    assert _outcomes(client, office) == []
    clock.advance(timedelta(days=2))  # 2026-12-01: only the day then in the future is taken
    assert _report(client, token, **done).status_code == (200 if day == "2026-12-01" else 400)


def test_an_outcome_date_from_the_referral_day_to_tomorrow_is_taken(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())  # now: 2026-11-29 10:00 UTC
    token = _referral(client, office)["token"]  # made 2026-11-29 09:00: the day counts
    made_day = {"outcome": "done", "provided": "consultation", "outcome_date": "2026-11-29"}
    assert _report(client, token, **made_day).status_code == 200
    other = _referral(client, office)["token"]
    tomorrow = {**made_day, "outcome_date": "2026-11-30"}  # an office ahead of UTC
    assert _report(client, other, **tomorrow).status_code == 200
    outcomes = _outcomes(client, office)
    assert [change["payload"]["outcome_date"] for change in outcomes] == [
        "2026-11-29",
        "2026-11-30",
    ]


@pytest.mark.parametrize("nonce", ["0" * 32, "é" * 32], ids=["wrong", "not_ascii"])
def test_a_form_without_the_right_nonce_is_not_taken(
    nonce: str, client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    token = _referral(client, office)["token"]
    answer = client.post(f"/r/{token}", data={"nonce": nonce, "outcome": "received"})
    assert answer.status_code == 404
    assert _outcomes(client, office) == []


@pytest.mark.parametrize("state", ["withdrawn", "expired", "redirected", "old", "unknown"])
def test_closed_and_unknown_referrals_get_the_same_plain_404(
    state: str, client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    if state == "unknown":
        token = "x" * 22
    elif state == "old":
        token = _referral(client, office)["token"]
        clock.advance(timedelta(days=91))
    else:
        token = _referral(client, office, state=state)["token"]
    unknown = client.get("/r/" + "y" * 22)
    answer = client.get(f"/r/{token}")
    assert answer.status_code == 404
    assert answer.text == unknown.text
    assert "BAOM" not in answer.text and "K7M" not in answer.text
    assert client.post(f"/r/{token}", data={"outcome": "received"}).status_code == 404


def test_the_page_is_rate_limited_per_client(settings: Settings) -> None:
    limited = Settings(settings.db_url, settings.data_dir, settings.clock, page_rate_per_minute=5)
    with TestClient(create_app(limited)) as client:
        codes = [client.get("/r/" + "z" * 22).status_code for _ in range(7)]
    assert codes[:5] == [404] * 5
    assert codes[5:] == [429, 429]


def _check_security_headers(answer: Response, style: str) -> None:
    """The page's headers: no framing, no caching, no referrer, only its own style and form."""
    headers = answer.headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    policy = {
        name: values
        for name, *values in (
            part.split() for part in headers["content-security-policy"].split(";")
        )
    }
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy["style-src"] == [f"'sha256-{digest}'"]  # the page's one <style>, nothing else


def test_every_answer_of_the_page_carries_the_security_headers(
    settings: Settings, db_url: str, clock: Clock
) -> None:
    limited = Settings(settings.db_url, settings.data_dir, settings.clock, page_rate_per_minute=5)
    with TestClient(create_app(limited)) as client:
        office = enrolled(client, db_url, "BAOM Agadir", clock())
        token = _referral(client, office)["token"]
        shown = client.get(f"/r/{token}")
        answers = [
            shown,
            client.post(f"/r/{token}", data={"nonce": _nonce(shown.text)}),  # no outcome
            client.get("/r/" + "y" * 22),
            client.get("/r/a/b"),  # no such route
            client.post(f"/r/{token}", content=b"x" * 9_000, headers={"Content-Type": "text"}),
            *[client.get(f"/r/{token}") for _ in range(3)],
        ]
    assert [answer.status_code for answer in answers] == [200, 400, 404, 404, 413, 200, 200, 429]
    style = re.search(r"<style>(.*)</style>", shown.text)
    assert style is not None
    for answer in answers:
        _check_security_headers(answer, style.group(1))


def test_a_partner_leaving_while_sending_the_form_is_no_server_error(settings: Settings) -> None:
    """The browser closes before its form has arrived: a plain 400, nothing raised."""
    app = create_app(settings)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/r/" + "x" * 22,
        "raw_path": b"/r/" + b"x" * 22,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    messages = iter([{"type": "http.request", "body": b"outcome=", "more_body": True}])
    sent: list[dict] = []

    async def receive() -> dict:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: dict) -> None:
        sent.append(message)

    with TestClient(app):
        anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 400
