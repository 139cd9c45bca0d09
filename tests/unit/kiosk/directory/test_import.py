"""Import: the official examples, dirty packages, one transaction, nothing changed twice."""

from __future__ import annotations

import csv
import json
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import directory as d
from db.models import AuditEntry, OutboxEnvelope
from db.store import Store
from db.uow import Actor
from kiosk.directory import importer
from kiosk.directory.importer import import_directory
from protocol.directory import reader
from protocol.directory.reader import PackageError
from tests.helpers.hsds import HSDS

EXAMPLES = HSDS / "spec-3.0-examples"
SAMPLE_11 = HSDS / "sample-data-1.1" / "all_resources"
ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"


def _count(store: Store, model: type[d.HsdsRecord]) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    "example",
    sorted(path.name for path in EXAMPLES.glob("*.json") if path.name != "base.json"),
)
def test_every_official_json_example_imports(store: Store, actor: Actor, example: str) -> None:
    report = import_directory(store, actor, EXAMPLES / example)
    assert report.created > 0
    again = import_directory(store, actor, EXAMPLES / example)
    assert (again.created, again.updated, again.unchanged) == (0, 0, report.created)


def test_the_official_tabular_example_imports(store: Store, actor: Actor) -> None:
    report = import_directory(store, actor, EXAMPLES / "csv")
    assert report.created >= 12 and _count(store, d.Service) == 1
    reasons = {(w.file, w.field): w.reason for w in report.warnings}
    assert "left empty" in reasons[("locations.csv", "organization_id")]
    with store.session() as session:
        service = session.get(d.Service, uuid.UUID("ac148810-d857-441c-9679-408f346de14b"))
        assert (
            service is not None and service.minimum_age == 12 and service.fees == "fees_description"
        )


def test_the_whole_example_folder_imports_as_json(store: Store, actor: Actor) -> None:
    report = import_directory(store, actor, EXAMPLES, "hsds-json")
    assert _count(store, d.Service) >= 1 and _count(store, d.TaxonomyTerm) >= 1
    assert any(w.file == "base.json" for w in report.warnings)


def test_the_1_1_sample_package_imports(store: Store, actor: Actor) -> None:
    report = import_directory(store, actor, SAMPLE_11 / "datapackage.json")
    assert report.created > 0
    with (SAMPLE_11 / "services.csv").open(newline="") as services:
        assert _count(store, d.Service) == len(list(csv.DictReader(services)))
    with store.session() as session:
        addresses = session.scalars(select(d.Address)).all()
        languages = {
            language.name: language.code for language in session.scalars(select(d.Language))
        }
        schedule = session.scalars(select(d.Schedule)).first()
    assert {address.address_type.value for address in addresses} == {"physical", "postal"}
    assert languages == {"English": "en", "Spanish": "es"}
    assert schedule is not None and schedule.byday == "MO" and schedule.freq == "WEEKLY"
    assert import_directory(store, actor, SAMPLE_11).created == 0


def test_a_zipped_package_imports(store: Store, actor: Actor, tmp_path: Path) -> None:
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in SAMPLE_11.iterdir():
            zipped.write(path, f"all_resources/{path.name}")
    assert import_directory(store, actor, archive).created > 0


def _dirty_package(folder: Path) -> Path:
    folder.mkdir()
    (folder / "organizations.csv").write_bytes(
        "id,name,description\n"
        f"{ORG},Association Tiznit,Aide\n"
        f"{ORG},Autre nom,Aide\n".encode()  # duplicated id, other content
    )
    (folder / "services.csv").write_bytes(
        b"id,organization_id,name,status,description\n"
        + f"11111111-1111-4111-8111-111111111111,{ORG},Centre de sant\xe9,,Soins\n".encode(
            "latin-1"
        )  # not UTF-8, and no status
        + f",{ORG},Sans identifiant,active,\n".encode()  # empty id
        + b"22222222-2222-4222-8222-222222222222,ffffffff-0000-4000-8000-000000000000,"
        + b"Orphelin,active,\n"
        + "33333333-3333-4333-8333-333333333333,,SantÃ© mentale,active,\n".encode()  # mojibake
        + b"44444444-4444-4444-8444-444444444444,,,active,no name\n"
    )
    (folder / "service_at_location.csv").write_text(
        "id,service_id,location_id\n"
        "55555555-5555-4555-8555-555555555555,11111111-1111-4111-8111-111111111111,"
        "99999999-9999-4999-8999-999999999999\n"  # location absent
    )
    (folder / "languages.csv").write_text(
        "id,service_id,name,code\n"
        "66666666-6666-4666-8666-666666666666,11111111-1111-4111-8111-111111111111,Tachelhit,\n"
        "77777777-7777-4777-8777-777777777777,11111111-1111-4111-8111-111111111111,Klingon,\n"
    )
    return folder


def test_a_dirty_package_is_imported_with_one_line_per_defect(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    report = import_directory(store, actor, _dirty_package(tmp_path / "dirty"))
    lines = {(w.file, w.row, w.field): w.reason for w in report.warnings}
    assert "duplicated id" in lines[("organizations.csv", 3, "id")]
    assert "Windows-1252" in lines[("services.csv", 2, "name")]
    assert "missing status" in lines[("services.csv", 2, "status")]
    assert "empty id" in lines[("services.csv", 3, "id")]
    assert "not in the package" in lines[("services.csv", 4, "organization_id")]
    assert "repaired" in lines[("services.csv", 5, "name")]
    assert "no name" in lines[("services.csv", 6, "name")]
    assert "not in the package" in lines[("service_at_location.csv", 2, "location_id")]
    assert "unknown language" in lines[("languages.csv", 3, "name")]
    assert report.skipped == 3  # the duplicate, the nameless service, the orphan place
    with store.session() as session:
        names = set(session.scalars(select(d.Service.name)))
        codes = set(session.scalars(select(d.Language.code)))
    assert names == {"Centre de santé", "Sans identifiant", "Orphelin", "Santé mentale"}
    assert codes == {"zgh", None}
    again = import_directory(store, actor, tmp_path / "dirty")
    assert (again.created, again.updated) == (0, 0)


def test_an_import_is_one_transaction(
    store: Store, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "reindex", fail)
    with pytest.raises(RuntimeError):
        import_directory(store, actor, EXAMPLES / "service_full.json")
    assert _count(store, d.Service) == _count(store, d.Organization) == 0


def test_directory_rows_make_no_outbox_envelope_but_one_audit_entry(
    store: Store, actor: Actor
) -> None:
    import_directory(store, actor, EXAMPLES / "service_full.json")
    with store.session() as session:
        kinds = set(session.scalars(select(OutboxEnvelope.entity_type)))
        actions = list(session.scalars(select(AuditEntry.action)))
    assert kinds == {"audit_entry"} and actions == ["directory_import"]


def test_a_path_that_is_no_package_is_an_error(store: Store, actor: Actor, tmp_path: Path) -> None:
    with pytest.raises(PackageError):
        import_directory(store, actor, tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(PackageError):
        import_directory(store, actor, empty)


def test_broken_json_is_reported_not_raised(store: Store, actor: Actor, tmp_path: Path) -> None:
    folder = tmp_path / "json"
    folder.mkdir()
    shutil.copy(EXAMPLES / "taxonomy.json", folder)
    (folder / "services.json").write_text('[{"id": "x", "name": ')
    report = import_directory(store, actor, folder)
    assert report.created == 1
    assert "not valid JSON" in report.warnings[0].reason
    assert json.loads((folder / "taxonomy.json").read_text())["name"] == "name"


def _refused(store: Store, actor: Actor, path: Path, *words: str) -> str:
    """Import ``path``: refused with one line naming what is wrong, and nothing saved."""
    with pytest.raises(PackageError) as raised:
        import_directory(store, actor, path)
    message = str(raised.value)
    assert "\n" not in message and all(word in message for word in words), message
    assert _count(store, d.Service) == 0
    return message


def test_a_csv_field_of_10_megabytes_is_refused_naming_the_row(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "services.csv").write_text(
        "id,name,status\n"
        "0190a000-0000-7000-8000-000000000001,Ok,active\n"
        f'0190a000-0000-7000-8000-000000000002,"{"x" * 10_000_000}",active\n'
    )
    _refused(store, actor, folder, "services.csv", "row 3")


def test_json_nested_200000_deep_is_refused(store: Store, actor: Actor, tmp_path: Path) -> None:
    path = tmp_path / "services.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    _refused(store, actor, path, "services.json", "nested")


def test_json_nested_through_parents_and_children_is_refused(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    """service.organization.services[0].organization…: each level a call of the reader."""
    service: dict[str, object] = {"id": "s", "name": "S", "status": "active"}
    for _ in range(100):
        organization = {"id": "o", "services": [service]}
        service = {"id": "s", "status": "active", "organization": organization}
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service]))
    _refused(store, actor, path, "services.json")


@pytest.mark.parametrize(
    "document",
    [{"services.csv": [1, 2, 3]}, {"services.csv": [{"id": "x"}, "y"]}, {"services.csv": 7}],
)
def test_a_json_file_that_is_not_a_package_is_refused(
    store: Store, actor: Actor, tmp_path: Path, document: object
) -> None:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(document))
    _refused(store, actor, path, "package.json", "services.csv")


def test_a_record_whose_children_are_not_a_list_is_refused(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "services.json"
    path.write_text(json.dumps([{"id": "s", "name": "S", "status": "active", "phones": 5}]))
    _refused(store, actor, path, "services.json", "phones")


def _bomb(path: Path, member: str, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(member, "w") as out:
            chunk = b"\0" * 2**20
            for _ in range(size // len(chunk)):
                out.write(chunk)


def test_a_zip_member_declared_too_big_or_too_compressed_is_refused_unread(
    store: Store, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.zip"
    _bomb(path, "services.csv", 8 * 2**20)
    assert path.stat().st_size < 2**16
    monkeypatch.setattr(zipfile.ZipFile, "read", None)  # refused before reading a byte
    monkeypatch.setattr(zipfile.ZipFile, "open", None)
    _refused(store, actor, path, "bomb.zip", "services.csv", "compress")
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 2**20)
    _refused(store, actor, path, "bomb.zip", "services.csv", "MB")


def test_a_zip_member_larger_than_its_header_says_is_refused(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    """The sizes in the zip's headers are the attacker's: the reading stops at them."""
    path = tmp_path / "liar.zip"
    _bomb(path, "services.csv", 64 * 2**20)
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.index(signature)
        data[start + offset : start + offset + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _refused(store, actor, path, "liar.zip", "services.csv")
