"""Region accounts: only region staff read the statistics (``/stats``, ``baom-regional stats``)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from regional.app import create_app
from regional.clock import utcnow
from regional.config import Settings
from regional.database import downgrade, make_engine, upgrade
from regional.models import Base
from tests.conftest import REGION_HASHER
from tests.unit.regional.factories import Clock
from tests.unit.regional.test_cli import run

PASSWORD = "correct horse battery"
CHALLENGE = 'Basic realm="baom-regional"'


def piped(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """Standard input is a pipe holding ``text``."""
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def add_region_account(
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
    name: str = "amina",
    role: str = "region",
    password: str = PASSWORD,
) -> tuple[str, str]:
    """``baom-regional user add NAME --role ROLE`` with the password piped; the login."""
    piped(monkeypatch, password + "\n")
    with contextlib.redirect_stdout(io.StringIO()):
        assert run(None, "user", "add", name, "--role", role, "--db", db_url)[0] == 0
    return name, password


def refused(client: TestClient, path: str = "/stats", **options: Any) -> str:
    """GET ``path``: a 401 with the Basic challenge; its message."""
    answer = client.get(path, **options)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == CHALLENGE
    assert answer.json()["error"] == "unauthorized"
    message: str = answer.json()["message"]
    return message


def test_stats_need_an_enabled_region_account(
    client: TestClient, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    admin = add_region_account(monkeypatch, db_url, "youssef", "admin")
    refused(client)
    refused(client, headers={"Authorization": "Basic not-base64!"})
    refused(client, auth=("amina", "wrong password"))
    refused(client, auth=("nobody", PASSWORD))
    refused(client, "/stats?month=2026-13")  # nothing said to a stranger, not even 422
    assert client.get("/stats", auth=login).status_code == 200
    assert client.get("/stats", auth=admin).json()["total"] is None  # nobody counted
    assert run(None, "user", "disable", "amina", "--db", db_url)[0] == 0
    refused(client, auth=login)


def test_five_wrong_passwords_lock_the_account_for_five_minutes(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    for _attempt in range(5):
        refused(client, auth=("amina", "wrong password"))
    assert "locked" in refused(client, auth=login)
    clock.advance(timedelta(minutes=5))
    assert client.get("/stats", auth=login).status_code == 200


def test_login_attempts_are_rate_limited_per_client(
    settings: Settings, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_region_account(monkeypatch, db_url)
    app = create_app(dataclasses.replace(settings, page_rate_per_minute=3))
    with TestClient(app) as client:
        for _attempt in range(3):
            refused(client, auth=("mallory", "guess number n"))
        answer = client.get("/stats", auth=("amina", PASSWORD))
        assert answer.status_code == 429 and answer.json()["error"] == "rate_limited"
        refused(client)  # no credentials: nothing to check, nothing counted


def test_user_add_list_disable(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    piped(monkeypatch, PASSWORD + "\nignored second line\n")
    code, out, _ = run(
        capsys, "user", "add", " amina ", "--role", "region", "--json", "--db", db_url
    )
    assert code == 0 and json.loads(out) == {"name": "amina", "role": "region"}
    for name, password, why in [
        ("amina", PASSWORD, "exists"),
        ("karim", "short", "at least 10 characters"),
        ("karim", "mot de passe été", "ASCII"),
        ("a:b", PASSWORD, "without ':'"),
        ("x" * 65, PASSWORD, "1 to 64"),
    ]:
        piped(monkeypatch, password + "\n")
        code, out, err = run(capsys, "user", "add", name, "--role", "admin", "--db", db_url)
        assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
        assert why in err
    assert run(capsys, "user", "disable", "amina", "--db", db_url)[0] == 0
    code, out, _ = run(capsys, "user", "list", "--json", "--db", db_url)
    [listed] = json.loads(out)
    assert datetime.fromisoformat(listed.pop("created_at")) <= utcnow()
    assert listed == {"name": "amina", "role": "region", "disabled": True, "locked": False}
    code, _out, err = run(capsys, "user", "disable", "nobody", "--db", db_url)
    assert code == 1 and "no region account named 'nobody'" in err


def test_user_add_asks_twice_at_a_terminal(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    code, _out, err = run(capsys, "user", "add", "amina", "--role", "region", "--db", db_url)
    assert code == 1 and err == "baom-regional: the two passwords differ\n"
    answers = iter([PASSWORD, PASSWORD])
    assert run(capsys, "user", "add", "amina", "--role", "region", "--db", db_url)[0] == 0


def test_the_stats_command_needs_a_region_account(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name, password = add_region_account(monkeypatch, db_url)
    for stdin, extra in [("", ()), ("wrong password\n", ("--user", name))]:
        piped(monkeypatch, stdin)
        code, out, err = run(capsys, "stats", "--json", *extra, "--db", db_url)
        assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    piped(monkeypatch, password + "\n")
    code, out, _ = run(capsys, "stats", "--month", "2026-10", "--user", name, "--db", db_url)
    assert code == 0 and json.loads(out)["month"] == "2026-10"


def test_the_region_account_table_comes_and_goes_with_revision_0003(db_url: str) -> None:
    engine = make_engine(db_url)
    downgrade(engine, "0002")
    with engine.connect() as connection:
        assert not inspect(connection).has_table("region_account")
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert [d for d in differences if "region_account" in repr(d)] == []


def test_the_region_hashes_at_argon2id_s_recommended_cost() -> None:
    """The tests hash at the smallest cost (``tests/conftest.py``); the region at RFC 9106's
    second recommendation, as the office."""
    stored = REGION_HASHER.hash("region-password")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert REGION_HASHER.verify(stored, "region-password")
