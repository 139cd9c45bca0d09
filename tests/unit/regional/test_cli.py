"""The ``baom-regional`` command: offices, settings, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from regional.cli import main
from regional.config import parse_proxies
from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, push, record


def run(capsys: pytest.CaptureFixture[str] | None, *args: str) -> tuple[int, str, str]:
    """Run the command in-process; returns its exit code, stdout and stderr."""
    code = main(list(args))
    if capsys is None:
        return code, "", ""
    out, err = capsys.readouterr()
    return code, out, err


def office_list(db_url: str) -> list[dict[str, Any]]:
    """``baom-regional office list --json`` as data."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["office", "list", "--json", "--db", db_url]) == 0
    rows: list[dict[str, Any]] = json.loads(buffer.getvalue())
    return rows


def test_office_add_list_revoke(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "office", "add", "BAOM Agadir", "--json", "--db", db_url)
    assert code == 0
    added = json.loads(out)
    assert set(added) == {"office_id", "enrolment_code"}
    rows = office_list(db_url)
    assert rows == [
        {
            "office_id": added["office_id"],
            "name": "BAOM Agadir",
            "last_sync": None,
            "envelopes": 0,
            "quarantined": 0,
            "revoked": False,
            "machines": 0,
        }
    ]
    assert run(capsys, "office", "revoke", added["office_id"], "--db", db_url)[0] == 0
    assert office_list(db_url)[0]["revoked"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["office", "revoke", "00000000-0000-0000-0000-000000000000"],
        ["office", "set-setting", "00000000-0000-0000-0000-000000000000", "k", "1"],
        ["office", "disable-account", "00000000-0000-0000-0000-000000000000", "amina"],
        ["office", "enable-account", "00000000-0000-0000-0000-000000000000", "amina"],
        ["office", "add", ""],
        ["directory", "import", "/nonexistent/package.json"],
        ["import-bundle", "/nonexistent/bundle"],
        ["stats", "--month", "2026-13"],
    ],
)
def test_errors_are_one_line_without_traceback(
    args: list[str], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *args, "--db", db_url)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_bad_database_url_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/missing/dir/x.db"
    code, _out, err = run(capsys, "office", "list", "--db", url)
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_proxies_are_addresses_or_networks_as_uvicorn_reads_them() -> None:
    given = " 127.0.0.1, ::1,,10.1.2.3/8 "
    assert parse_proxies(given) == ("127.0.0.1", "::1", "10.0.0.0/8")
    assert parse_proxies("") == ()


@pytest.mark.parametrize("proxies", ["0.0.0.0/0", "10.0.0.1, ::/0", "0.0.0.0/0.0.0.0"])
def test_a_network_of_every_address_is_refused_as_star_is(proxies: str) -> None:
    with pytest.raises(ValueError, match="every address"):
        parse_proxies(proxies)


@pytest.mark.parametrize("proxies", ["*", "nginx", "127.0.0.1,10.0.0.0/33"])
def test_serve_refuses_a_proxy_that_is_not_an_address(
    proxies: str, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    code, out, err = run(
        capsys, "serve", "--data-dir", str(tmp_path), "--forwarded-allow-ips", proxies
    )
    assert code == 1 and out == ""
    assert err.startswith("baom-regional: --forwarded-allow-ips: not an IP address or network")


def test_db_upgrade_and_data_dir(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    folder = tmp_path / "regional"
    code, out, _ = run(capsys, "--data-dir", str(folder), "db", "upgrade", "--json")
    assert code == 0 and json.loads(out) == {"upgraded": True}
    assert (folder / "regional.db").exists()
    code, out, _ = run(capsys, "db", "upgrade", "--data-dir", str(folder))
    assert out.strip() == "up to date"


def test_directory_import_twice(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers.hsds import HSDS

    package = str(HSDS / "spec-3.0-examples" / "service_full.json")
    code, out, _ = run(capsys, "directory", "import", package, "--json", "--db", db_url)
    assert code == 0 and json.loads(out)["created"] > 0
    code, out, _ = run(capsys, "directory", "import", package, "--json", "--db", db_url)
    assert json.loads(out)["created"] == 0 and json.loads(out)["updated"] == 0


@pytest.mark.slow
def test_the_throughput_measure_runs(tmp_path) -> None:
    from regional.bench import measure_throughput

    rate = measure_throughput(f"sqlite:///{tmp_path}/bench.db", offices=2, envelopes=200, batch=50)
    assert rate > 0


def _account_changes(client: TestClient, office: Enrolled) -> list[dict[str, Any]]:
    changes = client.get("/api/v1/pull", headers=office.headers).json()["changes"]
    return [change for change in changes if change["entity_type"] == "user_account"]


def test_disable_and_enable_an_account_from_its_latest_pushed_payload(
    client: TestClient, db_url: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    first = record(
        office.office_id,
        name="amina",
        role="officer",
        password_hash="$argon2id$v=19$first",
        language="fr",
        disabled=False,
    )
    second = {**first, "version": 2, "language": "ar", "password_hash": "$argon2id$v=19$second"}
    other = record(office.office_id, name="youssef", role="supervisor", password_hash="h")
    verdicts = push(
        client,
        office,
        envelope("user_account", second),  # received first, but the higher version
        envelope("user_account", first),
        envelope("user_account", other),
    )
    assert verdicts == ["accepted"] * 3

    code, out, err = run(
        capsys, "office", "disable-account", office.office_id, "amina", "--json", "--db", db_url
    )
    assert code == 0, err
    answer = json.loads(out)
    assert answer["account_id"] == first["id"] and answer["disabled"] is True
    [change] = _account_changes(client, office)
    assert change["seq"] == answer["seq"] and change["entity_id"] == first["id"]
    assert change["operation"] == "upsert"
    assert change["payload"] == {"id": first["id"], "name": second["name"], "disabled": True}

    code, out, _ = run(
        capsys, "office", "enable-account", office.office_id, " amina", "--db", db_url
    )
    assert code == 0 and "enabled" in out
    assert [c["payload"]["disabled"] for c in _account_changes(client, office)] == [True, False]
    other_office = enrolled(client, db_url, "BAOM Tata", clock())
    assert _account_changes(client, other_office) == []


def test_an_account_renamed_or_never_pushed_is_refused(
    client: TestClient, db_url: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    account = record(office.office_id, name="amina", role="officer", password_hash="h")
    renamed = {**account, "version": 2, "name": "amina.b"}
    assert push(client, office, envelope("user_account", account)) == ["accepted"]
    assert push(client, office, envelope("user_account", renamed)) == ["accepted"]
    expected = {
        "amina": f"Office {office.office_id}'s account 'amina' was renamed or deleted since: "
        "give its current name.",
        "nobody": f"Office {office.office_id} has never pushed an account named 'nobody'.",
    }
    for name, message in expected.items():
        code, out, err = run(
            capsys, "office", "disable-account", office.office_id, name, "--db", db_url
        )
        assert (code, out, err) == (1, "", f"baom-regional: {message}\n")
    code, _, _ = run(
        capsys, "office", "disable-account", office.office_id, "amina.b", "--db", db_url
    )
    assert code == 0
    assert _account_changes(client, office)[0]["payload"]["name"] == "amina.b"
