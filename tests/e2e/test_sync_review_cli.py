"""``baom sync resolve|resend|dismiss``: what sync set aside, settled at the command line."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEntry, EnvelopeStatus, OutboxEnvelope
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.sync.apply import apply_page
from protocol import wire
from tests.helpers import regional
from tests.helpers.sync_office import (
    ACCOUNT,
    baom,
    baom_process,
    enrolled_office,
    fill_outbox,
    local_envelopes,
    server_envelopes,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[regional.Server]:
    """One regional server for the module."""
    with regional.running_server(tmp_path_factory.mktemp("regional")) as running:
        yield running


def _json(data_dir: Path, *args: str) -> Any:
    """Run the real ``baom … --json`` command in a process of its own; its JSON."""
    return json.loads(baom_process(data_dir, *args, "--json").stdout)


def _setting(key: str, value: Any, seq: int) -> wire.ServerChange:
    return wire.ServerChange(
        seq=seq,
        entity_type="setting",
        entity_id=str(uuid.uuid5(uuid.NAMESPACE_URL, key)),
        operation="upsert",
        payload={"key": key, "value": value},
    )


def _pull_while_changed_locally(data_dir: Path) -> None:
    """Two settings changed here and not sent, then changed by the region: two conflicts."""
    context = open_office(Paths.resolve(data_dir))
    try:
        context.settings.set(context.system, "desk.auto_lock_minutes", "7")
        context.settings.set(context.system, "sync.interval_minutes", "8")
        changes = [
            _setting("desk.auto_lock_minutes", 30, 1),
            _setting("sync.interval_minutes", 15, 2),
        ]
        page = wire.PullResponse(changes=changes, cursor=2, more=False)
        apply_page(context.store, context.system, context.office_id, page)
    finally:
        context.close()


def _all_sent(data_dir: Path) -> None:
    context = open_office(Paths.resolve(data_dir))
    try:
        with context.store.session() as session:
            for envelope in session.scalars(select(OutboxEnvelope)):
                envelope.status = EnvelopeStatus.SENT
            session.commit()
    finally:
        context.close()


def test_a_supervisor_applies_or_dismisses_a_conflict(tmp_path: Path) -> None:
    office = tmp_path / "office"
    baom(office, "office", "init", "BAOM Tafraout", "--admin", ACCOUNT[0])
    _pull_while_changed_locally(office)
    conflicts = {row["payload"]["key"]: row["id"] for row in _json(office, "sync", "conflicts")}
    lock, interval = conflicts["desk.auto_lock_minutes"], conflicts["sync.interval_minutes"]

    refused = baom_process(office, "sync", "resolve", lock, "--apply", check=False)
    assert refused.returncode == 1
    assert "send the office's changes first: sync, then apply" in refused.stderr
    assert "Traceback" not in refused.stderr
    no_note = baom_process(office, "sync", "resolve", interval, "--dismiss", check=False)
    assert no_note.returncode == 1 and "note" in no_note.stderr
    both = baom_process(office, "sync", "resolve", lock, "--apply", "--dismiss", check=False)
    assert both.returncode == 2 and "not allowed with" in both.stderr

    kept = _json(office, "sync", "resolve", interval, "--dismiss", "--note", "8 min is right")
    assert (kept["id"], kept["outcome"], kept["by"]) == (interval, "dismissed", ACCOUNT[0])
    _all_sent(office)  # the office's own changes reached the region
    applied = _json(office, "sync", "resolve", lock, "--apply")
    assert (applied["id"], applied["outcome"]) == (lock, "applied")

    shown = _json(office, "config", "show")
    assert (shown["desk.auto_lock_minutes"], shown["sync.interval_minutes"]) == (30, 8)
    assert _json(office, "sync", "status")["conflicts"] == 0
    assert _json(office, "sync", "conflicts") == []
    again = baom_process(office, "sync", "resolve", lock, "--apply", check=False)
    assert again.returncode == 1 and "resolved already" in again.stderr
    text = baom_process(office, "sync", "resolve", str(uuid.uuid4()), "--apply", check=False)
    assert text.returncode == 1 and "no sync conflict" in text.stderr


def _quarantine_by_the_region(office: Path) -> str:
    """Change the content of an envelope the region already has, and push it: refused."""
    context = open_office(Paths.resolve(office))
    with context.store.session() as session:
        changed = session.scalars(
            select(OutboxEnvelope)
            .join(AuditEntry, AuditEntry.id == OutboxEnvelope.entity_id)
            .where(AuditEntry.action == "fill")
            .order_by(OutboxEnvelope.created_at.desc())
        ).first()
        assert changed is not None
        changed.payload = changed.payload.replace('"record ', '"changed record ')
        changed.content_hash = "f" * 64
        changed.status = EnvelopeStatus.PENDING
        changed_id = str(changed.id)
        session.commit()
    context.close()
    assert baom_process(office, "sync", "--once", "--json").returncode == 0
    return changed_id


def test_a_refused_envelope_is_sent_again_and_another_dismissed(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    enrolled_office(office, server)
    fill_outbox(office, 2)
    assert _json(office, "sync", "--once")["ok"] is True
    first = _quarantine_by_the_region(office)
    quarantined = [row["id"] for row in _json(office, "sync", "quarantined")]
    assert quarantined == [first]

    resent = _json(office, "sync", "resend", first)
    assert (resent["id"], resent["outcome"]) == (first, "resent")
    new_id = resent["resent_as"]
    status = _json(office, "sync", "status")
    assert status["quarantined"] == 0 and status["pending"] >= 1
    done = _json(office, "sync", "--once")
    assert done["ok"] is True and done["push"]["conflict"] == 0
    assert done["push"]["accepted"] == status["pending"]
    local = local_envelopes(office)
    assert local[first][1] == "resent" and local[new_id][1] == "sent"
    on_server = dict(server_envelopes(server))
    assert on_server[new_id] == local[new_id][0] != "f" * 64

    second = _quarantine_by_the_region(office)
    no_note = baom_process(office, "sync", "dismiss", second, check=False)
    assert no_note.returncode == 2 and "--note" in no_note.stderr
    dismissed = _json(office, "sync", "dismiss", second, "--note", "a test record")
    assert dismissed["outcome"] == "dismissed"
    assert local_envelopes(office)[second][1] == "dismissed"
    assert _json(office, "sync", "status")["quarantined"] == 0
    refused = baom_process(office, "sync", "resend", second, check=False)
    assert refused.returncode == 1
    assert "is not quarantined (it is dismissed)" in refused.stderr
