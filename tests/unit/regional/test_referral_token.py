"""A referral token belongs to one referral: a pushed copy of another's token is refused."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, push, referral


def _pushed(client: TestClient, office: Enrolled, payload: dict[str, Any]) -> dict[str, Any]:
    """The one result of pushing ``payload`` as a referral envelope."""
    answer = client.post(
        "/api/v1/push",
        json={"envelopes": [envelope("referral", payload)]},
        headers=office.headers,
    )
    assert answer.status_code == 200, answer.text
    [result] = answer.json()["results"]
    return result


def test_a_token_already_held_by_another_referral_is_refused(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    other = enrolled(client, db_url, "BAOM Tiznit", clock())
    original = referral(office.office_id)
    token = original["token"]
    assert push(client, office, envelope("referral", original)) == ["accepted"]

    for pusher in (other, office):  # read from the slip, by another office or the same
        copy = _pushed(client, pusher, referral(pusher.office_id, token=token, code="EVIL-1"))
        assert copy["verdict"] == "invalid"
        assert "token" in copy["detail"] and "another referral" in copy["detail"]

    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    assert "BAOM Agadir" in page.text and "BAOM Tiznit" not in page.text
    assert "K7M-4PX" in page.text and "EVIL-1" not in page.text

    updated = {**original, "version": 2, "priority": "emergency"}  # its own token: fine
    assert push(client, office, envelope("referral", updated)) == ["accepted"]
    assert "Urgence" in client.get(f"/r/{token}").text


def test_an_update_cannot_take_another_referrals_token(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    first, second = referral(office.office_id), referral(office.office_id, code="SEC-OND")
    assert push(client, office, envelope("referral", first), envelope("referral", second)) == [
        "accepted",
        "accepted",
    ]
    moved = {**second, "version": 2, "token": first["token"]}
    assert _pushed(client, office, moved)["verdict"] == "invalid"
    assert "K7M-4PX" in client.get(f"/r/{first['token']}").text
    assert "SEC-OND" in client.get(f"/r/{second['token']}").text


def test_two_referrals_with_one_token_in_one_batch(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    first = referral(office.office_id)
    copy = referral(office.office_id, token=first["token"], code="EVIL-1")
    verdicts = push(client, office, envelope("referral", first), envelope("referral", copy))
    assert verdicts == ["accepted", "invalid"]
    assert "K7M-4PX" in client.get(f"/r/{first['token']}").text
