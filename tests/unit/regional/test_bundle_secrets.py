"""Bundle secrets: not in the database, learnt from the token, kept under the server key file."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from protocol.bundle import (
    EnvelopeBundle,
    bundle_secret,
    open_changes,
    open_envelopes,
    seal_envelopes,
)
from protocol.errors import BundleError
from protocol.wire import Envelope
from regional import bundle
from regional.bundle_keys import (
    KeyFile,
    OfficeSecretUnknown,
    SecretFileInvalid,
    SecretFileMissing,
)
from regional.clock import utcnow
from regional.config import Settings
from regional.database import make_engine, session_factory
from regional.models import OfficeMachine
from regional.offices import issue_code
from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, record
from tests.unit.regional.test_cli import office_list, run


def _sealed(office: Enrolled, count: int = 2) -> bytes:
    envelopes = [
        Envelope.model_validate(envelope("person", record(office.office_id))) for _ in range(count)
    ]
    body = EnvelopeBundle(
        office_id=uuid.UUID(office.office_id),
        created_at=datetime(2026, 11, 29, 12, 0),
        envelopes=envelopes,
    )
    return seal_envelopes(body, office.token)


def _stored(db_url: str, office: Enrolled) -> OfficeMachine:
    """The office's one machine."""
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            machine_of = OfficeMachine.office_id == uuid.UUID(office.office_id)
            return session.scalars(select(OfficeMachine).where(machine_of)).one()
    finally:
        engine.dispose()


def _forget(db_url: str, office: Enrolled) -> None:
    """As for an office enrolled before bundle format 2: no secret stored."""
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            session.execute(
                update(OfficeMachine)
                .where(OfficeMachine.office_id == uuid.UUID(office.office_id))
                .values(bundle_secret=None)
            )
    finally:
        engine.dispose()


def _online(client: TestClient, office: Enrolled) -> None:
    assert client.get("/api/v1/pull", headers=office.headers).status_code == 200


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_copy_of_the_database_opens_no_bundle(
    client: TestClient, db_url: str, clock: Clock, settings: Settings, tmp_path: Path, capsys
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    sealed = _sealed(office)
    path = tmp_path / "office.bundle"
    path.write_bytes(sealed)
    client.app.state.regional.close()  # type: ignore[attr-defined]
    copy = tmp_path / "backup" / "regional.db"
    copy.parent.mkdir()
    shutil.copy(db_url.removeprefix("sqlite:///"), copy)
    row = _stored(f"sqlite:///{copy}", office)
    assert row.token_hash is not None and row.bundle_secret is not None
    stored = base64.b64decode(row.bundle_secret)
    assert bundle_secret(office.token) not in stored  # encrypted, not the secret itself
    for guess in (row.token_hash.encode(), bytes.fromhex(row.token_hash), stored, stored[12:44]):
        with pytest.raises(BundleError, match="changed, damaged, or is for another office"):
            open_envelopes(sealed, guess)
    elsewhere = tmp_path / "no-secret"
    code, out, err = run(
        capsys,
        "import-bundle",
        str(path),
        "--db",
        f"sqlite:///{copy}",
        "--data-dir",
        str(elsewhere),
    )
    assert code == 1 and out == ""
    assert "bundle secret file" in err and "is missing" in err
    assert not (elsewhere / "bundle-secret.key").exists()  # a refusal makes no key file
    code, out, err = run(capsys, "import-bundle", str(path), "--db", f"sqlite:///{copy}")
    assert code == 0, err  # the database with its own key file opens it
    assert office_list(f"sqlite:///{copy}")[0]["envelopes"] == 2


def test_an_office_enrolled_before_learns_its_secret_at_its_next_request(
    client: TestClient, db_url: str, clock: Clock, tmp_path: Path, capsys
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    _forget(db_url, office)
    path = tmp_path / "office.bundle"
    path.write_bytes(_sealed(office))
    back = tmp_path / "back.bundle"
    for args in (("import-bundle", str(path)), ("export-bundle", office.office_id, str(back))):
        code, out, err = run(capsys, *args, "--db", db_url)
        assert code == 1 and out == "" and not back.exists()
        assert "must sync online once (or enrol again)" in err
    _online(client, office)
    assert _stored(db_url, office).bundle_secret is not None
    code, out, err = run(capsys, "import-bundle", str(path), "--db", db_url, "--json")
    assert code == 0, err
    code, out, err = run(capsys, "export-bundle", office.office_id, str(back), "--db", db_url)
    assert code == 0, err
    assert open_changes(back.read_bytes(), office.token).office_id == uuid.UUID(office.office_id)


def test_a_refused_token_teaches_nothing(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    _forget(db_url, office)
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/api/v1/pull", headers=wrong).status_code == 401
    assert _stored(db_url, office).bundle_secret is None


def test_a_lost_key_file_refuses_bundles_until_the_office_syncs_online(
    client: TestClient, db_url: str, clock: Clock, settings: Settings
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    keys = KeyFile(settings.secret_path)
    factory = client.app.state.regional.factory  # type: ignore[attr-defined]
    sealed = _sealed(office)
    before = _stored(db_url, office).bundle_secret
    settings.secret_path.unlink()
    with pytest.raises(SecretFileMissing, match="restore that file from its backup"):
        bundle.import_bundle(factory, keys, sealed, utcnow)
    with pytest.raises(SecretFileMissing):
        bundle.export_bundle(factory, keys, uuid.UUID(office.office_id), 0, utcnow)
    _online(client, office)  # online sync is unaffected, and makes a new key file
    assert len(settings.secret_path.read_bytes()) == 32
    assert _stored(db_url, office).bundle_secret not in (None, before)
    _, results = bundle.import_bundle(factory, keys, sealed, utcnow)
    assert [str(result.verdict) for result in results] == ["accepted", "accepted"]


def test_a_replaced_key_file_is_said_and_healed_by_online_sync(
    client: TestClient, db_url: str, clock: Clock, settings: Settings
) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    second = enrolled(client, db_url, "BAOM Tiznit", clock())
    keys = KeyFile(settings.secret_path)
    factory = client.app.state.regional.factory  # type: ignore[attr-defined]
    assert bundle.export_bundle(factory, keys, uuid.UUID(first.office_id), 0, utcnow)
    _online(client, first)  # its sync time is fresh: the next request still learns at once
    settings.secret_path.write_bytes(b"\x01" * 32)  # another server's key, say
    for office in (first, second):
        with pytest.raises(OfficeSecretUnknown, match=r"cannot be decrypted.*was it replaced"):
            bundle.export_bundle(factory, keys, uuid.UUID(office.office_id), 0, utcnow)
    _online(client, first)
    data = bundle.export_bundle(factory, keys, uuid.UUID(first.office_id), 0, utcnow)
    assert open_changes(data, first.token).office_id == uuid.UUID(first.office_id)
    with pytest.raises(OfficeSecretUnknown):  # not seen online yet
        bundle.export_bundle(factory, keys, uuid.UUID(second.office_id), 0, utcnow)
    assert settings.secret_path.read_bytes() == b"\x01" * 32  # the file is kept as it is


def test_a_damaged_key_file_is_refused_and_left_alone(
    client: TestClient, db_url: str, clock: Clock, settings: Settings, tmp_path: Path, capsys
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    settings.secret_path.write_bytes(b"short")
    path = tmp_path / "office.bundle"
    path.write_bytes(_sealed(office))
    code, out, err = run(capsys, "import-bundle", str(path), "--db", db_url)
    assert code == 1 and out == ""
    assert err.strip().endswith("is not a bundle secret file (5 bytes, 32 expected).")
    _online(client, office)  # online sync goes on
    assert settings.secret_path.read_bytes() == b"short"
    with pytest.raises(SecretFileInvalid):
        KeyFile(settings.secret_path).load(create=True)


def test_the_secret_file_option_and_variable(
    client: TestClient,
    db_url: str,
    clock: Clock,
    settings: Settings,
    tmp_path: Path,
    capsys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    moved = tmp_path / "keys" / "regional.key"
    moved.parent.mkdir()
    shutil.move(settings.secret_path, moved)
    out_file = tmp_path / "back.bundle"
    args = ("export-bundle", office.office_id, str(out_file), "--db", db_url)
    assert run(capsys, *args)[0] == 1
    code, _, err = run(capsys, *args, "--secret-file", str(moved))
    assert code == 0, err
    assert open_changes(out_file.read_bytes(), office.token).cursor == 0
    out_file.unlink()
    monkeypatch.setenv("BAOM_REGIONAL_SECRET_FILE", str(moved))
    assert Settings.resolve(db_url).secret_path == moved
    code, _, err = run(capsys, *args)
    assert code == 0, err


def test_re_enrolment_replaces_the_secret(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    keys_path = client.app.state.regional.settings.secret_path  # type: ignore[attr-defined]
    keys = KeyFile(keys_path)
    factory = client.app.state.regional.factory  # type: ignore[attr-defined]
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            fresh = issue_code(session, uuid.UUID(office.office_id), clock(), replace=True)
    finally:
        engine.dispose()
    answer = client.post("/api/v1/enrol", json={"code": fresh, "machine": "new PC"})
    assert answer.status_code == 200
    token = answer.json()["token"]
    data = bundle.export_bundle(factory, keys, uuid.UUID(office.office_id), 0, utcnow)
    assert open_changes(data, token).office_id == uuid.UUID(office.office_id)
    with pytest.raises(BundleError):
        open_changes(data, office.token)


def test_first_use_at_once_makes_one_private_key_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bundle-secret.key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: KeyFile(path).load(create=True), range(16)))
    assert keys == {path.read_bytes()} and len(path.read_bytes()) == 32
    assert list(path.parent.iterdir()) == [path]  # no partial file left behind
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
