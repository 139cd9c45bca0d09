"""The region disables (and enables again) an office's account; the office applies it at its pull.

A real server process; an office with an officer account enrols and syncs, then
``baom-regional office disable-account`` / ``enable-account`` make ``user_account``
changes that the office applies at its next ``baom sync --once``. An account with unsynced
local changes is not overwritten: the change becomes a ``sync_conflict``.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import EnvelopeStatus, OutboxEnvelope
from kiosk.accounts import LoginRefused
from kiosk.office import open_office
from kiosk.paths import Paths
from tests.helpers import regional
from tests.helpers.sync_office import ACCOUNT, baom, baom_json

NAME = "amina"
PASSWORD = "correct horse 42"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[regional.Server]:
    """One regional server for the module; each test sets up its own office."""
    with regional.running_server(tmp_path_factory.mktemp("regional")) as running:
        yield running


def _regional(server: regional.Server, *args: str, check: bool = True) -> Any:
    where = ("--db", server.db_url, "--data-dir", str(server.data_dir))
    done = subprocess.run(
        [*regional.command(), *args, "--json", *where],
        capture_output=True,
        text=True,
        check=False,
    )
    if not check:
        return done
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _office_with_officer(
    folder: Path, server: regional.Server, monkeypatch: pytest.MonkeyPatch
) -> str:
    """An office with the officer account, enrolled and synced once; returns its server id."""
    baom(folder, "office", "init", "BAOM Taroudant", "--admin", ACCOUNT[0])
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    baom(folder, "user", "add", NAME, "--role", "officer")
    office_id, code = regional.add_office(server.db_url, "BAOM Taroudant")
    baom_json(folder, "enrol", "--server", server.url, "--code", code)
    first = baom_json(folder, "sync", "--once")
    assert first["ok"] is True and first["push"]["conflict"] == 0
    return office_id


def _account(folder: Path) -> dict[str, Any]:
    [account] = [row for row in baom_json(folder, "user", "list") if row["name"] == NAME]
    return account


def _pending_account_envelopes(folder: Path) -> int:
    context = open_office(Paths.resolve(folder))
    try:
        with context.store.session() as session:
            found = session.scalars(
                select(OutboxEnvelope.id).where(
                    OutboxEnvelope.entity_type == "user_account",
                    OutboxEnvelope.status == EnvelopeStatus.PENDING,
                )
            )
            return len(found.all())
    finally:
        context.close()


def _can_log_in(folder: Path) -> bool:
    context = open_office(Paths.resolve(folder))
    try:
        context.accounts.login(NAME, PASSWORD)
    except LoginRefused:
        return False
    finally:
        context.close()
    return True


def test_the_region_disables_and_enables_an_account_at_the_next_pull(
    tmp_path: Path, server: regional.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = tmp_path / "office"
    office_id = _office_with_officer(office, server, monkeypatch)
    assert _account(office)["disabled"] is False and _can_log_in(office)

    disabled = _regional(server, "office", "disable-account", office_id, NAME)
    assert disabled["disabled"] is True and disabled["name"] == NAME
    assert _account(office)["disabled"] is False  # not before the office pulls
    done = baom_json(office, "sync", "--once")
    assert done["ok"] is True
    assert (done["pull"]["applied"], done["pull"]["conflicts"]) == (1, 0)
    assert _account(office)["disabled"] is True
    assert not _can_log_in(office)

    enabled = _regional(server, "office", "enable-account", office_id, NAME)
    assert enabled["account_id"] == disabled["account_id"]
    assert enabled["seq"] > disabled["seq"]
    assert baom_json(office, "sync", "--once")["pull"]["applied"] == 1
    assert _account(office) == {**_account(office), "disabled": False, "role": "officer"}
    assert _can_log_in(office)
    assert baom_json(office, "sync", "conflicts") == []


def test_an_account_changed_at_the_office_and_not_pushed_is_not_overwritten(
    tmp_path: Path, server: regional.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = tmp_path / "office"
    office_id = _office_with_officer(office, server, monkeypatch)
    context = open_office(Paths.resolve(office))
    try:
        actor, _ = context.accounts.login(NAME, PASSWORD)
        context.accounts.set_language(actor, "ar")  # a pending envelope for the account
    finally:
        context.close()
    assert _pending_account_envelopes(office) == 1

    disabled = _regional(server, "office", "disable-account", office_id, NAME)
    cursor = baom_json(office, "sync", "status")["cursor"]
    bundle = tmp_path / "server.bundle"  # the change arrives before the office could push
    _regional(server, "export-bundle", office_id, str(bundle), "--after", str(cursor))
    imported = baom_json(office, "sync", "import-bundle", str(bundle))
    assert (imported["applied"], imported["conflicts"]) == (0, 1)
    assert _account(office)["disabled"] is False
    assert _account(office)["language"] == "ar"
    assert _can_log_in(office)
    [conflict] = baom_json(office, "sync", "conflicts")
    assert conflict["reason"] == "local_changes"
    assert conflict["entity_type"] == "user_account"
    assert conflict["entity_id"] == disabled["account_id"]
    assert conflict["payload"]["disabled"] is True

    # Once the office has pushed its change, the region's next one starts from it.
    assert baom_json(office, "sync", "--once")["ok"] is True
    assert _pending_account_envelopes(office) == 0
    _regional(server, "office", "disable-account", office_id, NAME)
    assert baom_json(office, "sync", "--once")["pull"]["applied"] == 1
    assert _account(office)["disabled"] is True
    assert _account(office)["language"] == "ar"
    assert not _can_log_in(office)


def test_an_account_the_office_never_pushed_is_a_one_line_error(
    tmp_path: Path, server: regional.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = tmp_path / "office"
    office_id = _office_with_officer(office, server, monkeypatch)
    refused = _regional(server, "office", "disable-account", office_id, "nobody", check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert "never pushed an account named 'nobody'" in line
    other, _ = regional.add_office(server.db_url, "BAOM Tata")  # the account is not its own
    refused = _regional(server, "office", "disable-account", other, NAME, check=False)
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
