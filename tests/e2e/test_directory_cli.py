"""The ``baom directory`` commands, run as the tests of the issue run them."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.bench.bench_sync import MEASURED
from tests.e2e.test_cli import baom
from tests.helpers.hsds import HSDS
from tests.helpers.sync_office import ACCOUNT

SAMPLE_11 = HSDS / "sample-data-1.1" / "all_resources"


def _json(data_dir: Path, *args: str) -> Any:
    return json.loads(baom(data_dir, *args, "--json").stdout)


def test_import_search_show_and_export_the_demo_directory(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0], "--commune", "Tiznit")
    report = _json(tmp_path, "directory", "import", "--demo")
    assert set(report) == {"created", "updated", "unchanged", "skipped", "warnings"}
    assert report["created"] > 80 and report["skipped"] == 0 and report["warnings"] == []
    assert _json(tmp_path, "directory", "import", "--demo")["unchanged"] == report["created"]

    hits = _json(tmp_path, "directory", "search", "مستشفى", "--lang", "fr", "--limit", "3")
    assert len(hits) == 3
    assert {"service_id", "name", "organization", "commune", "score"} <= set(hits[0])
    assert hits[0]["name"] == "Hôpital provincial de Tiznit"  # the office's commune first
    filtered = _json(
        tmp_path,
        "directory",
        "search",
        "",
        "--category",
        "health",
        "--commune",
        "Tata",
        "--eligible",
        "rpt",
        "--open-now",
        "--at",
        "2026-11-30T10:00:00+00:00",
    )
    assert {hit["commune"] for hit in filtered} == {"Tata", "Akka"}
    akka = [  # a commune by its HCP code or any name, in any script
        {
            hit["service_id"]
            for hit in _json(tmp_path, "directory", "search", "", "--commune", given)
        }
        for given in ("09.551.01.01", "أقا", "AKKA")
    ]
    assert akka[0] and akka[0] == akka[1] == akka[2]
    in_akka = _json(
        tmp_path, "directory", "search", "", "--commune", "09.551.01.01", "--lang", "ar"
    )
    assert {(hit["commune"], hit["commune_code"]) for hit in in_akka} == {("أقا", "09.551.01.01")}

    card = _json(tmp_path, "directory", "show", hits[0]["service_id"], "--lang", "ar")
    assert card["name"] == "المستشفى الإقليمي تيزنيت"
    assert all(phone["demo"] for phone in card["phones"]) and card["required_documents"]
    assert all(hour["demo"] for hour in card["hours"])

    baom(tmp_path, "directory", "export", "--format", "hsds-json", str(tmp_path / "json"))
    files = sorted(path.name for path in (tmp_path / "json").iterdir())
    assert files == sorted(
        [
            "services.json",
            "organizations.json",
            "locations.json",
            "service_at_locations.json",
            "taxonomies.json",
            "taxonomy_terms.json",
        ]
    )
    baom(tmp_path, "directory", "export", "--format", "hsds-csv", str(tmp_path / "csv"))
    assert (tmp_path / "csv" / "datapackage.json").exists()
    again = _json(tmp_path, "directory", "import", str(tmp_path / "csv"), "--format", "hsds-csv")
    assert again["created"] == again["updated"] == 0


def test_a_zipped_1_1_package_and_the_errors(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Taliouine", "--admin", ACCOUNT[0])
    archive = tmp_path / "sample.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in SAMPLE_11.iterdir():
            zipped.write(path, path.name)
    report = _json(tmp_path, "directory", "import", str(archive))
    assert report["created"] > 0
    assert all(set(line) == {"file", "row", "field", "reason"} for line in report["warnings"])

    missing = baom(tmp_path, "directory", "import", str(tmp_path / "nowhere"), check=False)
    assert missing.returncode == 1 and "no such file" in missing.stderr
    unknown = baom(
        tmp_path, "directory", "show", "0190a000-0000-7000-8000-000000000000", check=False
    )
    assert unknown.returncode == 1 and "no service" in unknown.stderr


def test_an_empty_search_in_an_office_without_a_commune(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM sans commune", "--admin", ACCOUNT[0])
    assert _json(tmp_path, "directory", "search", "") == []
    baom(tmp_path, "directory", "import", "--demo")
    for typed in ("", " ", "*", '"'):
        assert len(_json(tmp_path, "directory", "search", typed, "--limit", "4")) == 4


def _zip_of_zeros(path: Path, size: int, declared: int | None = None) -> Path:
    """A zip whose services.csv unzips to ``size`` zero bytes; ``declared`` is the size its
    headers say, when they lie."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("services.csv", "w", force_zip64=False) as out:
            chunk = b"\0" * 2**20
            for _ in range(size // len(chunk)):
                out.write(chunk)
    if declared is not None:
        data = bytearray(path.read_bytes())
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = data.index(signature)
            data[start + offset : start + offset + 4] = declared.to_bytes(4, "little")
        path.write_bytes(bytes(data))
    return path


def test_hostile_packages_are_one_line_refusals_in_bounded_memory(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0], "--commune", "Tiznit")
    csv_folder = tmp_path / "csv"
    csv_folder.mkdir()
    (csv_folder / "services.csv").write_text(f'id,name,status\n1,"{"x" * 10_000_000}",active\n')
    deep = tmp_path / "services.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    not_hsds = tmp_path / "package.json"
    not_hsds.write_text(json.dumps({"services.csv": [1, 2, 3]}))
    bomb = _zip_of_zeros(tmp_path / "bomb.zip", 400 * 2**20)
    liar = _zip_of_zeros(tmp_path / "liar.zip", 400 * 2**20, declared=1000)
    assert bomb.stat().st_size < 2**20
    cases = [
        (csv_folder, "services.csv, row 2"),
        (deep, "services.json"),
        (not_hsds, "services.csv, record 1"),
        (bomb, "bomb.zip: services.csv"),
        (liar, "liar.zip"),
    ]
    for path, named in cases:
        argv = [sys.executable, "-c", MEASURED, "--data-dir", str(data)]
        done = subprocess.run(
            [*argv, "directory", "import", str(path)], capture_output=True, text=True, timeout=120
        )
        message, peak = done.stderr.split("PEAK_RSS_MB")
        assert done.returncode == 1 and message.count("\n") == 1, message
        assert message.startswith("baom: ") and named in message, message
        assert float(peak) <= 300, (path.name, peak)  # MB: the office PC has little memory
    assert _json(data, "directory", "search", "") == []
