"""Sync in the desk: rounds on a worker of their own, and the status bar's plain words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from db.sync import SyncState
from kiosk.i18n import Catalog
from kiosk.office import OfficeContext
from kiosk.sync import rounds, state
from tests.helpers import regional
from ui.sync import SyncRunner, status_text
from ui.tasks import Tasks

STRINGS = {
    "desk.sync_not_enrolled": "Not connected to the region",
    "desk.sync_revoked": "This office's access was revoked by the region: call the "
    "regional administrator",
    "desk.sync_last_success_today": "Synced at {time} · {pending} waiting",
    "desk.sync_last_success_on": "Synced on {day} at {time} · {pending} waiting",
    "desk.sync_never_pending": "Never synced · {pending} waiting",
    "desk.sync_quarantined": "{count} refused (see a supervisor)",
    "desk.sync_error_unavailable": "Regional server out of reach: retrying by itself",
    "desk.sync_error_other": "Sync failed",
    "desk.sync_replaced": "This PC was replaced by another PC of the office on {date}: it no "
    "longer syncs. Ask the regional administrator.",
}
TR = Catalog({"fr": STRINGS}).translator("fr")
NOW = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # 21:00 in Morocco
FAILING = {
    "enrolled": True,
    "last_success": "2026-11-29T13:05:00+00:00",
    "pending": 2,
    "quarantined": 1,
    "last_error": "the regional server cannot be reached",
    "error_kind": "unavailable",
}


def test_the_status_text_says_what_matters_in_plain_words() -> None:
    assert status_text({"enrolled": False}, TR) == "Not connected to the region"
    revoked = {"enrolled": True, "error_kind": "revoked", "last_error": "…", "pending": 3}
    assert "revoked by the region" in status_text(revoked, TR)
    replaced = {
        **FAILING,
        "error_kind": "replaced",
        "last_error": "this PC was replaced by another PC of the office on 2026-12-05: …",
    }
    assert status_text(replaced, TR) == (
        "This PC was replaced by another PC of the office on 05/12/2026: it no longer syncs. "
        "Ask the regional administrator."
    )
    never = {"enrolled": True, "last_success": None, "pending": 4, "quarantined": 0}
    assert status_text(never, TR) == "Never synced · 4 waiting"
    synced = {**FAILING, "last_error": "", "error_kind": "", "quarantined": 0}
    assert status_text(synced, TR, now=NOW) == "Synced at 14:05 · 2 waiting"  # office time
    # the error first: what the officer must know, and what a short status bar still shows
    assert status_text(FAILING, TR, now=NOW) == (
        "Regional server out of reach: retrying by itself · "
        "Synced at 14:05 · 2 waiting · 1 refused (see a supervisor)"
    )
    assert status_text(FAILING, TR, now=NOW + timedelta(days=1)).startswith(
        "Regional server out of reach: retrying by itself · Synced on 29/11 at 14:05 · "
    )


@pytest.mark.parametrize("language", ["fr", "ar", "zgh", "en"])
def test_every_status_reads_in_the_four_languages(office: OfficeContext, language: str) -> None:
    tr = office.catalog.translator(language)
    statuses = [
        {"enrolled": False},
        {"enrolled": True, "last_success": None, "pending": 4},
        {**FAILING, "last_error": "", "error_kind": ""},
        {**FAILING, "last_success": "2026-11-27T09:30:00+00:00"},
        {**FAILING, "error_kind": "revoked"},
        {**FAILING, "error_kind": "replaced", "last_error": "replaced … on 2026-12-05: …"},
        {**FAILING, "error_kind": "error"},
    ]
    texts = [status_text(status, tr, now=NOW) for status in statuses]
    for text in texts:
        assert "{" not in text and "desk." not in text, text
    assert len(set(texts)) == len(texts)
    assert "14:05" in texts[2] and "27/11" in texts[3] and "10:30" in texts[3]


@pytest.fixture
def runner(office: OfficeContext, tasks: Tasks) -> Iterator[SyncRunner]:
    """A sync runner on the test's workers, stopped after the test."""
    sync = SyncRunner(office, tasks, tick_ms=60_000)
    yield sync
    sync.stop()


def test_sync_now_runs_a_round_off_the_gui_thread_and_tells_the_status(
    qtbot: QtBot, office: OfficeContext, runner: SyncRunner, tmp_path: Path
) -> None:
    with qtbot.waitSignal(runner.status_changed, timeout=10_000) as first:
        runner.start()
    assert first.args[0]["enrolled"] is False

    with regional.running_server(tmp_path) as server:
        _, code = regional.add_office(server.db_url, office.office_name)
        rounds.enrol(office.store, office.office_id, server.url, code)
        with qtbot.waitSignal(runner.status_changed, timeout=10_000) as synced:
            runner.sync_now()
        assert synced.args[0]["last_success"] is not None
    status = synced.args[0]
    assert status["pending"] == 0 and status["last_error"] == ""
    assert status_text(status, TR).startswith("Synced ")

    with qtbot.waitSignal(runner.status_changed, timeout=15_000) as failed:
        runner.request_sync_soon()  # the server is gone now
    assert failed.args[0]["error_kind"] == "unavailable"
    assert "out of reach" in status_text(failed.args[0], TR)


def test_a_replaced_pc_is_not_retried(office: OfficeContext) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        body = {"error": "machine_replaced", "message": "This PC was replaced … on 2026-12-05."}
        return httpx.Response(401, json=body)

    def enrolled(sync: SyncState) -> None:
        sync.server_url, sync.token = "http://region.test", "old token"

    rounds._update_state(office.store, enrolled)
    result = rounds.sync_round(
        office.store, office.office_id, transport=httpx.MockTransport(refuse)
    )
    assert (result.ok, result.error_kind) == (False, "replaced")
    assert "2026-12-05" in result.error
    assert not rounds.due(office.store, datetime.now(UTC) + timedelta(days=30))
    status = state.status(office.store)
    assert "05/12/2026" in status_text(status, office.catalog.translator("fr"))
