"""``baom enrol`` and ``baom sync`` against a real regional server process."""

from __future__ import annotations

import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import EnvelopeStatus, OutboxEnvelope
from kiosk.office import open_office
from kiosk.paths import Paths
from tests.helpers import regional
from tests.helpers.flaky_proxy import flaky_proxy
from tests.helpers.sync_office import (
    ACCOUNT,
    baom,
    baom_json,
    baom_process,
    enrolled_office,
    fill_outbox,
    local_envelopes,
    server_envelopes,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[regional.Server]:
    """One regional server for the module; each test enrols its own office."""
    with regional.running_server(tmp_path_factory.mktemp("regional")) as running:
        yield running


def _regional(server: regional.Server, *args: str) -> str:
    return subprocess.run(
        [*regional.command(), *args, "--db", server.db_url, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _set_status(data_dir: Path, status: EnvelopeStatus) -> None:
    context = open_office(Paths.resolve(data_dir))
    with context.store.session() as session:
        for envelope in session.scalars(select(OutboxEnvelope)):
            envelope.status = status
        session.commit()
    context.close()


def _on_server(server: regional.Server, data_dir: Path) -> dict[str, str]:
    mine = local_envelopes(data_dir)
    return {key: digest for key, digest in server_envelopes(server) if key in mine}


def test_an_office_enrols_pushes_each_envelope_once_and_reports_its_status(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    enrolled_office(office, server)
    fill_outbox(office, 40)
    before = baom_json(office, "sync", "status")
    assert before["enrolled"] and before["last_success"] is None
    assert (
        before["pending"] == 46 and before["sent"] == 0
    )  # the office, the administrator, their audit, the recovery sheet's, the server address, 40

    done = baom_json(office, "sync", "--once")
    assert done["ok"] is True
    assert done["push"]["sent"] == done["push"]["accepted"] == 46  # none refused as invalid
    local = local_envelopes(office)
    assert {status for _, status in local.values()} == {"sent"}
    assert _on_server(server, office) == {key: digest for key, (digest, _) in local.items()}

    _set_status(office, EnvelopeStatus.PENDING)  # as if the office never heard the answers
    again = baom_json(office, "sync", "--once")
    assert again["push"]["duplicate"] == 46
    assert again["push"]["accepted"] == again["push"]["conflict"] == 0
    assert len(_on_server(server, office)) == 46

    status = baom_json(office, "sync", "status")
    assert {"last_success", "pending", "sent", "last_error", "quarantined"} <= set(status)
    assert (status["pending"], status["sent"], status["quarantined"]) == (0, 46, 0)
    assert status["last_error"] == "" and status["last_success"] is not None
    assert status["server"] == server.url
    assert baom_json(office, "config", "show")["sync.server_url"] == server.url


def test_a_conflicting_envelope_is_quarantined_and_the_rest_goes_on(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    enrolled_office(office, server)
    fill_outbox(office, 5)
    baom_json(office, "sync", "--once")
    context = open_office(Paths.resolve(office))
    with context.store.session() as session:  # same id, other content
        changed = session.scalars(select(OutboxEnvelope).order_by(OutboxEnvelope.created_at)).all()[
            -1
        ]
        changed.payload = changed.payload.replace("record 4", "record four")
        changed.content_hash = "f" * 64
        changed.status = EnvelopeStatus.PENDING
        changed_id = str(changed.id)
        session.commit()
    context.close()
    fill_outbox(office, 5)

    done = baom_json(office, "sync", "--once")
    assert done["ok"] is True
    assert done["push"]["conflict"] == 1
    assert done["push"]["sent"] == 6
    [quarantined] = baom_json(office, "sync", "quarantined")
    assert quarantined["id"] == changed_id
    assert quarantined["entity_type"] == "audit_entry"
    status = baom_json(office, "sync", "status")
    assert (status["pending"], status["quarantined"]) == (0, 1)


def test_a_setting_changed_on_the_server_reaches_the_office(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    office_id = enrolled_office(office, server)
    _regional(server, "office", "set-setting", office_id, "sync.interval_minutes", "9")
    done = baom_json(office, "sync", "--once")
    assert done["pull"]["applied"] == 1
    assert baom_json(office, "config", "show")["sync.interval_minutes"] == 9
    assert baom_json(office, "sync", "status")["cursor"] == done["pull"]["cursor"] > 0
    assert baom_json(office, "sync", "--once")["pull"]["changes"] == 0


def test_a_revoked_office_is_told_so_in_plain_words(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    office_id = enrolled_office(office, server)
    _regional(server, "office", "revoke", office_id)
    refused = baom_process(office, "sync", "--once", "--json", check=False)
    assert refused.returncode == 1
    assert '"ok": false' in refused.stdout
    assert "revoked by the region: call the regional administrator" in refused.stdout
    [line] = refused.stderr.strip().splitlines()
    assert "revoked by the region" in line
    status = baom_json(office, "sync", "status")
    assert status["error_kind"] == "revoked"
    assert "revoked" in status["last_error"]


def test_a_server_out_of_reach_or_in_maintenance_changes_nothing_and_is_retried(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    with flaky_proxy(server.url) as proxy:
        baom(office, "office", "init", "BAOM Tata", "--admin", ACCOUNT[0])
        _, code = regional.add_office(server.db_url, "BAOM Tata")
        baom(office, "enrol", "--server", proxy.url, "--code", code)
        fill_outbox(office, 10)
        proxy.refuse = True
        down = baom(office, "sync", "--once", check=False)
        assert down.returncode == 1
        assert "cannot be reached" in down.stderr
        status = baom_json(office, "sync", "status")
        assert (status["pending"], status["error_kind"]) == (16, "unavailable")
        planned = datetime.fromisoformat(status["next_attempt_at"])
        assert planned > datetime.now(UTC)

        proxy.refuse = False
        maintenance = Path(server.db_url.removeprefix("sqlite:///")).parent / "maintenance"
        maintenance.touch()
        try:
            busy = baom(office, "sync", "--once", "--json", check=False)
        finally:
            maintenance.unlink()
        assert busy.returncode == 1
        assert "maintenance" in busy.stdout
        status = baom_json(office, "sync", "status")
        assert status["pending"] == 16
        planned = datetime.fromisoformat(status["next_attempt_at"])
        assert planned >= datetime.now(UTC) + timedelta(seconds=100)  # Retry-After: 120

        assert baom_json(office, "sync", "--once")["push"]["sent"] == 16
        status = baom_json(office, "sync", "status")
        assert (status["pending"], status["last_error"]) == (0, "")


def test_without_enrolment_sync_says_what_to_do(tmp_path: Path) -> None:
    office = tmp_path / "office"
    baom(office, "office", "init", "BAOM Tafraout", "--admin", ACCOUNT[0])
    refused = baom(office, "sync", "--once", check=False)
    assert refused.returncode == 1
    assert "baom enrol" in refused.stderr
    assert baom_json(office, "sync", "status")["enrolled"] is False


def test_bundles_travel_both_ways_and_apply_once(tmp_path: Path, server: regional.Server) -> None:
    office = tmp_path / "office"
    office_id = enrolled_office(office, server)
    fill_outbox(office, 8)
    out = tmp_path / "office.bundle"
    assert baom_json(office, "sync", "export-bundle", str(out))["envelopes"] == 14
    _regional(server, "import-bundle", str(out))
    assert len(_on_server(server, office)) == 14
    assert baom_json(office, "sync", "status")["pending"] == 14  # not acknowledged yet
    pushed = baom_json(office, "sync", "--once")["push"]
    assert pushed["accepted"] == 0 and pushed["sent"] == 14

    baom(office, "config", "set", "desk.auto_lock_minutes", "7")  # not pushed yet
    _regional(server, "office", "set-setting", office_id, "desk.auto_lock_minutes", "30")
    _regional(server, "office", "set-setting", office_id, "sync.interval_minutes", "11")
    back = tmp_path / "server.bundle"
    _regional(server, "export-bundle", office_id, str(back))
    imported = baom_json(office, "sync", "import-bundle", str(back))
    assert (imported["applied"], imported["conflicts"]) == (1, 1)
    assert baom_json(office, "config", "show")["sync.interval_minutes"] == 11
    assert baom_json(office, "config", "show")["desk.auto_lock_minutes"] == 7
    [conflict] = baom_json(office, "sync", "conflicts")
    assert conflict["reason"] == "local_changes"
    assert conflict["payload"]["key"] == "desk.auto_lock_minutes"
    assert baom_json(office, "sync", "import-bundle", str(back))["applied"] == 0


def _regional_refused(server: regional.Server, *args: str) -> str:
    done = subprocess.run(
        [*regional.command(), *args, "--db", server.db_url, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == "", done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    return done.stderr


def test_an_office_enrolled_before_bundle_secrets_gets_bundles_after_one_online_sync(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    office_id = enrolled_office(office, server, "BAOM Tata")
    with sqlite3.connect(server.db_url.removeprefix("sqlite:///")) as connection:
        connection.execute(  # as the migration leaves an office enrolled before it
            "UPDATE office_machine SET bundle_secret = NULL WHERE office_id = ?",
            (uuid.UUID(office_id).hex,),
        )
    back = tmp_path / "server.bundle"
    refused = _regional_refused(server, "export-bundle", office_id, str(back))
    assert "must sync online once (or enrol again)" in refused and not back.exists()
    out = tmp_path / "office.bundle"
    baom_json(office, "sync", "export-bundle", str(out))
    refused = _regional_refused(server, "import-bundle", str(out))
    assert "must sync online once (or enrol again)" in refused

    baom_json(office, "sync", "--once")
    _regional(server, "import-bundle", str(out))
    _regional(server, "office", "set-setting", office_id, "sync.interval_minutes", "13")
    _regional(server, "export-bundle", office_id, str(back))
    assert baom_json(office, "sync", "import-bundle", str(back))["applied"] == 1
    assert baom_json(office, "config", "show")["sync.interval_minutes"] == 13


def test_a_bundle_of_format_1_is_refused_at_the_office(
    tmp_path: Path, server: regional.Server
) -> None:
    office = tmp_path / "office"
    office_id = enrolled_office(office, server, "BAOM Akka")
    old = tmp_path / "old.bundle"
    salt, nonce, cipher = "c2FsdHNhbHRzYWx0c2FsdA==", "bm9uY2Vub25jZW5v", "Y2lwaGVydGV4dA=="
    old.write_text(
        '{"format": "baom-sync-bundle", "version": 1, "kind": "changes", '
        f'"office_id": "{office_id}", "salt": "{salt}", "nonce": "{nonce}", '
        f'"ciphertext": "{cipher}"}}'
    )
    cursor = baom_json(office, "sync", "status")["cursor"]
    refused = baom(office, "sync", "import-bundle", str(old), check=False)
    assert refused.returncode == 1
    assert "made by an older version of BAOM (bundle format 1); export it again" in refused.stderr
    assert baom_json(office, "sync", "status")["cursor"] == cursor
