"""USB bundles: sealed round trip, tamper detection, idempotent import, export back."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.sync.bundle import (
    EnvelopeBundle,
    key_material,
    open_changes,
    open_envelopes,
    seal_envelopes,
)
from kiosk.sync.errors import BundleError
from kiosk.sync.wire import Envelope
from tests.unit.regional.factories import Clock, enrolled, envelope, push, record
from tests.unit.regional.test_cli import run


def _bundle(office_id: str, token: str, count: int = 3) -> tuple[bytes, list[dict]]:
    wires = [
        envelope("person", record(office_id, given_name=f"Aminata Diallo {n}"))
        for n in range(count)
    ]
    bundle = EnvelopeBundle(
        office_id=uuid.UUID(office_id),
        created_at=datetime(2026, 11, 29, 12, 0),
        envelopes=[Envelope.model_validate(item) for item in wires],
    )
    return seal_envelopes(bundle, token), wires


def test_round_trip_and_tampering() -> None:
    office_id, token = str(uuid.uuid4()), "secret-token-" + "x" * 30
    sealed, wires = _bundle(office_id, token)
    assert b"Aminata" not in sealed and b"given_name" not in sealed  # encrypted
    opened = open_envelopes(sealed, key_material(token))
    assert [str(item.id) for item in opened.envelopes] == [item["id"] for item in wires]
    with pytest.raises(BundleError):
        open_envelopes(sealed, key_material("another token"))
    document = json.loads(sealed)
    cipher = bytearray(document["ciphertext"].encode())
    cipher[10] = ord("A") if cipher[10] != ord("A") else ord("B")
    for changed in (
        {**document, "ciphertext": cipher.decode()},
        {**document, "office_id": str(uuid.uuid4())},
        {**document, "kind": "changes"},
    ):
        with pytest.raises(BundleError):
            open_envelopes(json.dumps(changed).encode(), key_material(token))
    for junk in (b"", b"{}", b"[1]", b"\x00\xff", b"[" * 200_000, sealed[:-20]):
        with pytest.raises(BundleError):
            open_envelopes(junk, key_material(token))


def test_import_is_idempotent_and_export_comes_back(
    client: TestClient, db_url: str, clock: Clock, tmp_path: Path, capsys
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    sealed, wires = _bundle(office.office_id, office.token, count=4)
    assert push(client, office, wires[0]) == ["accepted"]
    path = tmp_path / "office.bundle"
    path.write_bytes(sealed)
    code, out, err = run(capsys, "import-bundle", str(path), "--json", "--db", db_url)
    assert code == 0, err
    assert json.loads(out) == {
        "office_id": office.office_id,
        "accepted": 3,
        "duplicate": 1,
        "invalid": 0,
        "conflict": 0,
    }
    code, out, _ = run(capsys, "import-bundle", str(path), "--json", "--db", db_url)
    assert json.loads(out)["duplicate"] == 4
    path.write_bytes(sealed.replace(b'"ciphertext":"', b'"ciphertext":"AAAA'))
    code, out, err = run(capsys, "import-bundle", str(path), "--db", db_url)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    code, _, _ = run(
        capsys,
        "office",
        "set-setting",
        office.office_id,
        "sync.interval_minutes",
        "15",
        "--db",
        db_url,
    )
    assert code == 0
    back = tmp_path / "back.bundle"
    code, _, err = run(capsys, "export-bundle", office.office_id, str(back), "--db", db_url)
    assert code == 0, err
    changes = open_changes(back.read_bytes(), office.token)
    assert [change.entity_type for change in changes.changes] == ["setting"]
    assert changes.cursor == changes.changes[-1].seq and changes.after == 0
    with pytest.raises(BundleError):
        open_changes(back.read_bytes(), "wrong token")
