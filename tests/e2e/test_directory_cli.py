"""The ``baom directory`` commands, run as the tests of the issue run them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from tests.e2e.test_cli import baom
from tests.helpers.hsds import HSDS

SAMPLE_11 = HSDS / "sample-data-1.1" / "all_resources"


def _json(data_dir: Path, *args: str) -> Any:
    return json.loads(baom(data_dir, *args, "--json").stdout)


def test_import_search_show_and_export_the_demo_directory(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Tiznit", "--commune", "Tiznit")
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
    baom(tmp_path, "office", "init", "BAOM Taliouine")
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
    baom(tmp_path, "office", "init", "BAOM sans commune")
    assert _json(tmp_path, "directory", "search", "") == []
    baom(tmp_path, "directory", "import", "--demo")
    for typed in ("", " ", "*", '"'):
        assert len(_json(tmp_path, "directory", "search", typed, "--limit", "4")) == 4
