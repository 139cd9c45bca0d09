"""USB bundles: sealed round trip, tamper detection, idempotent import, export back, format 1."""

from __future__ import annotations

import base64
import json
import os
import stat
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from protocol.bundle import (
    BundleVersionError,
    EnvelopeBundle,
    bundle_secret,
    open_changes,
    open_envelopes,
    seal_envelopes,
)
from protocol.errors import BundleError
from protocol.privacy import token_hash
from protocol.wire import Envelope
from regional.config import Settings
from tests.unit.regional.factories import Clock, enrolled, envelope, push, record
from tests.unit.regional.test_cli import office_list, run


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
    opened = open_envelopes(sealed, bundle_secret(token))
    assert [str(item.id) for item in opened.envelopes] == [item["id"] for item in wires]
    for other in (
        bundle_secret("another token"),
        token_hash(token).encode(),  # what the server's database holds: no longer the key
        bytes.fromhex(token_hash(token)),
    ):
        with pytest.raises(BundleError, match="changed, damaged, or is for another office"):
            open_envelopes(sealed, other)
    document = json.loads(sealed)
    cipher = bytearray(document["ciphertext"].encode())
    cipher[10] = ord("A") if cipher[10] != ord("A") else ord("B")
    for changed in (
        {**document, "ciphertext": cipher.decode()},
        {**document, "office_id": str(uuid.uuid4())},
        {**document, "kind": "changes"},
    ):
        with pytest.raises(BundleError):
            open_envelopes(json.dumps(changed).encode(), bundle_secret(token))
    for junk in (b"", b"{}", b"[1]", b"\x00\xff", b"[" * 200_000, sealed[:-20]):
        with pytest.raises(BundleError):
            open_envelopes(junk, bundle_secret(token))


def test_import_is_idempotent_and_export_comes_back(
    client: TestClient, db_url: str, clock: Clock, tmp_path: Path, capsys, settings: Settings
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    key_file = settings.data_dir / "bundle-secret.key"  # made at the first enrolment
    assert len(key_file.read_bytes()) == 32
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
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


def _version_1(office_id: str) -> bytes:
    """A bundle as BAOM wrote it before format 2 (its content does not matter)."""
    document = {
        "format": "baom-sync-bundle",
        "version": 1,
        "kind": "envelopes",
        "office_id": office_id,
        "salt": base64.b64encode(b"s" * 16).decode(),
        "nonce": base64.b64encode(b"n" * 12).decode(),
        "ciphertext": base64.b64encode(b"c" * 40).decode(),
    }
    return json.dumps(document).encode()


def test_a_version_1_bundle_is_refused_with_what_to_do(
    client: TestClient, db_url: str, clock: Clock, tmp_path: Path, capsys
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    old = _version_1(office.office_id)
    with pytest.raises(BundleVersionError, match=r"older version of BAOM.*export it again"):
        open_envelopes(old, bundle_secret(office.token))
    with pytest.raises(BundleVersionError, match=r"older version of BAOM.*export it again"):
        open_changes(old.replace(b'"envelopes"', b'"changes"'), office.token)
    with pytest.raises(BundleVersionError, match="Unsupported bundle version 3"):
        open_envelopes(old.replace(b'"version": 1', b'"version": 3'), bundle_secret(office.token))
    path = tmp_path / "old.bundle"
    path.write_bytes(old)
    code, out, err = run(capsys, "import-bundle", str(path), "--db", db_url)
    assert code == 1 and out == ""
    assert err.strip() == (
        "baom-regional: This bundle was made by an older version of BAOM (bundle format 1); "
        "export it again."
    )
    assert office_list(db_url)[0]["envelopes"] == 0
