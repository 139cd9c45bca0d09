"""Sync interrupted anywhere loses nothing and duplicates nothing (real server processes).

The client killed mid-push, the server killed mid-push, connections cut at random by a
proxy, and (property test) random interleavings of local edits, rounds, server changes
and interruptions: the server ends with exactly the envelopes the office committed, once.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from db.directory import Organization
from db.models import AuditEntry, EnvelopeStatus, Setting
from kiosk.office import OfficeContext, create_office, open_office, open_store
from kiosk.paths import Paths
from kiosk.sync import rounds
from kiosk.sync.client import RegionalClient
from kiosk.sync.push import push
from kiosk.sync.state import read_state
from regional.changes import append_many
from regional.offices import set_setting
from tests.helpers import regional
from tests.helpers.flaky_proxy import FlakyProxy, flaky_proxy, point_at
from tests.helpers.sync_office import (
    ACCOUNT,
    baom,
    baom_json,
    command,
    enrolled_office,
    fill_outbox,
    local_envelopes,
    server_count,
    server_envelopes,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[regional.Server]:
    """One regional server for the module's tests that do not kill it."""
    with regional.running_server(tmp_path_factory.mktemp("regional")) as running:
        yield running


def _exactly_once(server: regional.Server, office: Path) -> None:
    """The server holds each envelope of the office once, and the office knows it."""
    local = local_envelopes(office)
    stored = [(key, digest) for key, digest in server_envelopes(server) if key in local]
    assert len(stored) == len({key for key, _ in stored})
    assert dict(stored) == {key: digest for key, (digest, _) in local.items()}
    assert {status for _, status in local.values()} == {"sent"}


def test_a_client_killed_mid_push_resends_and_the_server_keeps_each_envelope_once(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    office_id = enrolled_office(office, server)
    fill_outbox(office, 6_000)
    client = subprocess.Popen(command(office, "sync", "--once"), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while server_count(server, office_id) < 1_000 and time.monotonic() < deadline:
        time.sleep(0.01)
    client.send_signal(signal.SIGKILL)
    client.wait(timeout=10)
    statuses = [status for _, status in local_envelopes(office).values()]
    assert "pending" in statuses and "sent" in statuses  # killed half-way

    done = baom_json(office, "sync", "--once")
    assert done["ok"] is True
    _exactly_once(server, office)


def test_a_server_that_stored_a_batch_but_never_answered_gets_it_again_as_duplicate(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    with flaky_proxy(server.url) as proxy:
        baom(office, "office", "init", "BAOM Akka", "--admin", ACCOUNT[0])
        office_id, code = regional.add_office(server.db_url, "BAOM Akka")
        baom(office, "enrol", "--server", proxy.url, "--code", code)
        fill_outbox(office, 30)
        proxy.cut_responses = True
        assert baom(office, "sync", "--once", check=False).returncode == 1
        assert server_count(server, office_id) == 36  # office, administrator, 4 audit entries, 30
        assert {status for _, status in local_envelopes(office).values()} == {"pending"}
        proxy.cut_responses = False
        done = baom_json(office, "sync", "--once")
        assert done["push"]["accepted"] == 0
        assert done["push"]["duplicate"] + done["push"]["invalid"] == 36
    _exactly_once(server, office)


def test_a_server_killed_mid_push_and_restarted_loses_nothing(tmp_path: Path) -> None:
    office = tmp_path / "office"
    with regional.running_server(tmp_path / "first") as first, flaky_proxy(first.url) as proxy:
        baom(office, "office", "init", "BAOM Irherm", "--admin", ACCOUNT[0])
        office_id, code = regional.add_office(first.db_url, "BAOM Irherm")
        baom(office, "enrol", "--server", proxy.url, "--code", code)
        fill_outbox(office, 5_000)
        client = subprocess.Popen(
            command(office, "sync", "--once"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while server_count(first, office_id) < 1_000 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.process.kill()
        _, errors = client.communicate(timeout=60)
        assert client.returncode == 1
        assert b"retrying later" in errors
        with regional.running_server(tmp_path / "second", db_url=first.db_url) as second:
            point_at(proxy, second.url)
            assert baom_json(office, "sync", "--once")["ok"] is True
            _exactly_once(second, office)


def test_connections_cut_at_random_end_in_exactly_once(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    with flaky_proxy(server.url, cut_rate=0.15, seed=3) as proxy:
        baom(office, "office", "init", "BAOM Foum Zguid", "--admin", ACCOUNT[0])
        _, code = regional.add_office(server.db_url, "BAOM Foum Zguid")
        baom(office, "enrol", "--server", proxy.url, "--code", code)
        fill_outbox(office, 2_000)
        for _attempt in range(30):
            if baom(office, "sync", "--once", check=False).returncode == 0:
                break
        else:
            pytest.fail("sync never got through a 15% cut rate in 30 rounds")
        assert proxy.cuts > 0
    _exactly_once(server, office)


# --- the property: random interleavings ------------------------------------------------

STEPS = st.lists(
    st.sampled_from(["edit", "edit_setting", "server_setting", "sync", "cut", "down", "crash"]),
    min_size=1,
    max_size=8,
)


class _Crash(Exception):
    """The client stops between two batches (as if killed after a commit)."""


def _office(folder: Path, server_url: str, server: regional.Server) -> OfficeContext:
    paths = Paths.resolve(folder)
    store, _ = open_store(paths, create=True)
    create_office(store, "BAOM Tamanar")
    store.close()
    context = open_office(paths)
    _, code = regional.add_office(server.db_url, "BAOM Tamanar")
    rounds.enrol(context.store, context.office_id, server_url, code)
    return context


def _server_setting(server: regional.Server, office_id: uuid.UUID, value: int) -> None:
    engine = create_engine(server.db_url)
    with Session(engine) as session:
        set_setting(session, office_id, "desk.auto_lock_minutes", str(value), datetime.now(UTC))
        session.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def proxy(server: regional.Server) -> Iterator[FlakyProxy]:
    """A proxy in front of the module's server, for the property test."""
    with flaky_proxy(server.url, seed=11) as running:
        yield running


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS, seed=st.integers(min_value=0, max_value=1000))
def test_any_interleaving_leaves_the_server_with_each_committed_envelope_once(
    tmp_path_factory: pytest.TempPathFactory,
    server: regional.Server,
    proxy: FlakyProxy,
    steps: list[str],
    seed: int,
) -> None:
    folder = tmp_path_factory.mktemp("interleaving")
    context = _office(folder, proxy.url, server)
    remote_id = read_state(context.store).remote_office_id
    assert remote_id is not None
    try:
        for number, step in enumerate(steps):
            proxy.refuse = proxy.cut_responses = False
            proxy.cut_rate = 0.0
            if step == "edit":
                with context.store.unit_of_work(context.system) as uow:
                    for item in range(1 + seed % 300):
                        uow.add(AuditEntry(user_name="t", action="edit", detail=f"{number}.{item}"))
            elif step == "edit_setting":
                context.settings.set(context.system, "desk.auto_lock_minutes", str(2 + number))
            elif step == "server_setting":
                _server_setting(server, remote_id, 20 + number)
            elif step == "sync":
                rounds.sync_round(context.store, context.office_id)
            elif step == "cut":
                proxy.cut_rate = 0.3
                rounds.sync_round(context.store, context.office_id)
            elif step == "down":
                proxy.refuse = True
                assert not rounds.sync_round(context.store, context.office_id).ok
            else:
                _crash_after_first_batch(context)
        proxy.refuse = proxy.cut_responses = False
        proxy.cut_rate = 0.0
        assert rounds.sync_round(context.store, context.office_id).ok
        local = local_envelopes(folder)
        stored = [(key, digest) for key, digest in server_envelopes(server) if key in local]
        assert len(stored) == len({key for key, _ in stored})
        assert dict(stored) == {key: digest for key, (digest, _) in local.items()}
        assert {status for _, status in local.values()} == {EnvelopeStatus.SENT.value}
        with context.store.session() as session:
            assert session.query(Setting).count() <= 1
    finally:
        context.close()


def _crash_after_first_batch(context: OfficeContext) -> None:
    state = read_state(context.store)

    def crash(_report: object) -> None:
        raise _Crash

    with RegionalClient(state.server_url, state.token) as client:
        try:
            push(context.store, client, batch_size=100, on_batch=crash)
        except _Crash:
            pass


def _directory_changes(server: regional.Server, count: int, office_id: str) -> None:
    """Directory rows waiting for one office only (the other tests' offices skip them)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            "office_id": uuid.UUID(office_id),
            "entity_type": "directory_organization",
            "entity_id": f"00000000-0000-4000-8000-{number:012d}",
            "operation": "upsert",
            "payload": {"id": f"00000000-0000-4000-8000-{number:012d}", "name": f"Org {number}"},
            "at": now,
        }
        for number in range(count)
    ]
    engine = create_engine(server.db_url)
    with Session(engine) as session:
        append_many(session, uuid.UUID(office_id), rows)
        session.commit()
    engine.dispose()


def _server_sequence(server: regional.Server, office_id: str, after: int) -> tuple[int, int]:
    """The last sequence number for an office, and how many of its changes follow ``after``
    (but its own records, which the PC that pushed them does not get back)."""
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        last, left = connection.execute(
            "SELECT max(seq), sum(seq > ?) FROM server_change"
            " WHERE office_id = ? AND entity_type != 'office_record'",
            (after, uuid.UUID(office_id).hex),
        ).fetchone()
    return int(last), int(left)


def _cursor(office: Path) -> int:
    context = open_office(Paths.resolve(office))
    try:
        return read_state(context.store).cursor
    finally:
        context.close()


def test_a_pull_killed_half_way_resumes_from_its_cursor(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    office_id = enrolled_office(office, server)
    baom_json(office, "sync", "--once")  # whatever the server had already
    start = _cursor(office)
    _directory_changes(server, 30_000, office_id)
    client = subprocess.Popen(command(office, "sync", "--once"), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _cursor(office) < start + 3_000 and time.monotonic() < deadline:
        time.sleep(0.02)
    client.send_signal(signal.SIGKILL)
    client.wait(timeout=10)
    stopped = _cursor(office)
    last, left = _server_sequence(server, office_id, stopped)
    assert start < stopped < last and 0 < left < 30_000

    done = baom_json(office, "sync", "--once")
    assert done["pull"]["cursor"] >= last  # past what the round itself pushed, too
    assert done["pull"]["changes"] == left  # resumed after the last page applied
    context = open_office(Paths.resolve(office))
    with context.store.session() as session:
        assert session.query(Organization).count() >= 30_000
    context.close()
