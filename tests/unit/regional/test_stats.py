"""Regional statistics: only consented or anonymous intakes, small cells hidden, no person data."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.unit.regional.factories import Clock, enrolled, envelope, intake, push, referral
from tests.unit.regional.test_cli import run
from tests.unit.regional.test_region_accounts import add_region_account, piped


def _answers(**extra: object) -> dict[str, object]:
    return {
        "person.category": "mre",
        "person.sex": "f",
        "person.birth_year": 1990,
        "person.nationality": "sn",
        "person.given_name": "Awa",
        "needs": ["health", "residence_papers"],
        **extra,
    }


def test_counts_hide_small_cells_and_skip_refused_consent(
    client: TestClient,
    db_url: str,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    login = add_region_account(monkeypatch, db_url)
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    consented = [intake(office.office_id, _answers()) for _ in range(6)]
    anonymous = [
        intake(
            office.office_id,
            {"person.category": "rpt", "person.age_band": "18-29", "needs": ["health"]},
            case_id=None,
            consent_record=False,
            consent_stats=False,
        )
        for _ in range(2)
    ]
    refused = intake(
        office.office_id, _answers(**{"person.category": "other"}), consent_stats=False
    )
    envelopes = [envelope("intake", payload) for payload in (*consented, *anonymous, refused)]
    done = referral(office.office_id, case_id=consented[0]["case_id"], state="done")
    envelopes.append(envelope("referral", done))
    assert set(push(client, office, *envelopes)) == {"accepted"}
    stats = client.get("/stats", auth=login).json()
    assert stats["total"] == 8
    assert stats["by_office"] == {"BAOM Agadir": 8}
    assert stats["by_category"] == {"mre": 6, "rpt": "<5"}
    assert stats["by_sex"] == {"f": 6, "unknown": "<5"}
    assert stats["by_age_band"] == {"30-44": 6, "18-29": "<5"}
    assert stats["by_nationality"] == {"SN": 6, "unknown": "<5"}
    assert stats["by_need"] == {"health": 8, "residence_papers": 6}
    assert stats["by_referral_outcome"] == {"done": "<5"}
    assert stats["by_month"] == {"2026-11": 8}
    text = json.dumps(stats)
    assert "Awa" not in text and consented[0]["case_id"] not in text
    assert client.get("/stats?month=2026-10", auth=login).json()["total"] == "<5"
    assert client.get("/stats?month=2026-13", auth=login).status_code == 422
    piped(monkeypatch, login[1] + "\n")
    code, out, _err = run(
        capsys, "stats", "--month", "2026-11", "--json", "--db", db_url, "--user", login[0]
    )
    assert code == 0
    printed = json.loads(out)
    assert printed["by_category"] == stats["by_category"] and printed["month"] == "2026-11"
