"""Two offices enrolled on one server, each syncing on its own schedule.

A real server process with the demo directory; two offices in two data folders, enrolled
with ``baom enrol``, each with its own ``sync.interval_minutes`` and its own intakes. The
desk's schedule (``ui.sync._round_if_due``: a round when ``kiosk.sync.rounds.due`` says so)
is driven with an injected clock, 15 minutes in a fraction of a second.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from db.cases import Intake
from db.sync import SyncState
from kiosk.office import OfficeContext, open_office
from kiosk.paths import Paths
from kiosk.statistics import make_closed_months, month_of
from kiosk.sync import rounds, state
from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.sync_office import baom, baom_json, enrolled_office, local_envelopes
from ui.sync import TICK_MS, _round_if_due

DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "resources/directory/souss-massa-demo.json"
INTERVALS = {"A": 1, "B": 7}  # minutes
INTAKES = {"A": 5, "B": 6}  # regional statistics hide cells under 5
VISITED = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[regional.Server]:
    """A server process with the demo directory (shared by every office)."""
    with regional.running_server(tmp_path_factory.mktemp("regional")) as running:
        _regional(running, "directory", "import", str(DEMO_DIRECTORY))
        yield running


def _regional(server: regional.Server, *args: str, stdin: str | None = None) -> Any:
    done = subprocess.run(
        [*regional.command(), *args, "--db", server.db_url, "--json"],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _intakes(office: Path, folder: Path, count: int) -> None:
    for number in range(count):
        path = folder / f"intake-{number}.json"
        values = answers(person__given_name=f"Awa{number}", person__phone=f"06123450{number:02}")
        path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
        baom(office, "intake", "submit", str(path))


def _pull_all(server: regional.Server, context: OfficeContext) -> list[dict[str, Any]]:
    """Every change the server gives this office from the start (with its own token)."""
    token = state.read_state(context.store).token
    changes: list[dict[str, Any]] = []
    cursor, more = 0, True
    while more:
        page = httpx.get(
            f"{server.url}/api/v1/pull",
            params={"after": cursor, "limit": 1000},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        changes += page["changes"]
        cursor, more = page["cursor"], page["more"]
    return changes


class Clock:
    """The injected clock of the sync schedule."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_two_offices_sync_on_their_own_schedules_and_see_only_their_own_changes(
    tmp_path: Path, server: regional.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = {name: tmp_path / f"office-{name}" for name in INTERVALS}
    ids = {
        "A": enrolled_office(folders["A"], server, "BAOM Inezgane"),
        "B": enrolled_office(folders["B"], server, "BAOM Tiznit"),
    }
    for name, folder in folders.items():
        baom(folder, "config", "set", "sync.interval_minutes", str(INTERVALS[name]))
        _intakes(folder, tmp_path, INTAKES[name])
    _regional(server, "office", "set-setting", ids["A"], "desk.auto_lock_minutes", "30")

    contexts = {name: open_office(Paths.resolve(folder)) for name, folder in folders.items()}
    try:
        clock = Clock(datetime.now(UTC))
        monkeypatch.setattr(rounds, "utcnow", clock)
        real_round = rounds.sync_round
        done: dict[str, list[tuple[datetime, rounds.RoundResult]]] = {name: [] for name in folders}
        current = ""

        def recorded(*args: Any, **kwargs: Any) -> rounds.RoundResult:
            result = real_round(*args, **kwargs)
            done[current].append((clock.now, result))
            return result

        monkeypatch.setattr(rounds, "sync_round", recorded)
        start = clock.now
        tick = timedelta(milliseconds=TICK_MS)
        while clock.now <= start + timedelta(minutes=15):  # the desk's timer, 15 minutes long
            for name, context in contexts.items():
                current = name
                status = _round_if_due(context, force=False)
                assert status["last_error"] == "", status
            clock.now += tick

        for name, context in contexts.items():
            times = [at for at, _ in done[name]]
            interval = timedelta(minutes=INTERVALS[name])
            assert times[0] == start  # never synced: due at once
            assert {b - a for a, b in pairwise(times)} == {interval}
            assert len(times) == 15 // INTERVALS[name] + 1
            assert all(result.ok for _, result in done[name])
            planned = state.read_state(context.store)
            assert planned.next_attempt_at == times[-1] + interval
            assert not rounds.due(context.store, times[-1] + interval - timedelta(seconds=1))
            assert rounds.due(context.store, times[-1] + interval)
        first = {name: done[name][0][1].pulled for name in folders}
        assert first["A"].applied == first["B"].applied + 1  # the directory, and A's setting
        assert first["B"].applied > 50 and first["B"].conflicts == 0
        assert sum(result.pulled.changes for _, result in done["A"][1:]) == 0

        pulled = {name: _pull_all(server, context) for name, context in contexts.items()}
        kinds = {name: {c["entity_type"] for c in changes} for name, changes in pulled.items()}
        assert all(kind.startswith("directory_") for kind in kinds["B"])
        assert kinds["A"] - kinds["B"] == {"setting"}
        [setting] = [c for c in pulled["A"] if c["entity_type"] == "setting"]
        assert setting["payload"]["key"] == "desk.auto_lock_minutes"
        shared = [c for c in pulled["A"] if c["entity_type"] != "setting"]
        assert [c["seq"] for c in shared] == [c["seq"] for c in pulled["B"]]
        for context in contexts.values():
            assert state.status(context.store)["pending"] == 0
    finally:
        for context in contexts.values():
            context.close()

    assert baom_json(folders["A"], "config", "show")["desk.auto_lock_minutes"] == 30
    assert baom_json(folders["B"], "config", "show")["desk.auto_lock_minutes"] != 30
    listed = {row["office_id"]: row for row in _regional(server, "office", "list")}
    for name, folder in folders.items():
        row = listed[ids[name]]
        assert row["envelopes"] == len(local_envelopes(folder)) > INTAKES[name]
        assert row["quarantined"] == 0 and row["last_sync"] is not None
    for folder in folders.values():  # their visits were in a month now published
        context = open_office(Paths.resolve(folder))
        try:
            with context.store.session() as session:
                session.execute(update(Intake).values(at=VISITED))
                session.execute(update(SyncState).values(statistics_through=""))  # not made yet
                session.commit()
            assert make_closed_months(context.store, context.office_id, datetime.now(UTC)) > 0
        finally:
            context.close()
        baom_json(folder, "sync", "--once")
    login = ("region-souss", "correct horse battery")
    _regional(server, "user", "add", login[0], "--role", "region", stdin=login[1] + "\n")
    stats = httpx.get(f"{server.url}/stats?month={month_of(VISITED)}", auth=login).json()
    assert stats["by_office"] == {"BAOM Inezgane": 5, "BAOM Tiznit": 6}
    assert stats["total"] == 11
