"""The ``baom-regional`` command: offices, settings, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from regional.cli import main


def run(capsys: pytest.CaptureFixture[str] | None, *args: str) -> tuple[int, str, str]:
    """Run the command in-process; returns its exit code, stdout and stderr."""
    code = main(list(args))
    if capsys is None:
        return code, "", ""
    out, err = capsys.readouterr()
    return code, out, err


def office_list(db_url: str) -> list[dict[str, Any]]:
    """``baom-regional office list --json`` as data."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["office", "list", "--json", "--db", db_url]) == 0
    rows: list[dict[str, Any]] = json.loads(buffer.getvalue())
    return rows


def test_office_add_list_revoke(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "office", "add", "BAOM Agadir", "--json", "--db", db_url)
    assert code == 0
    added = json.loads(out)
    assert set(added) == {"office_id", "enrolment_code"}
    rows = office_list(db_url)
    assert rows == [
        {
            "office_id": added["office_id"],
            "name": "BAOM Agadir",
            "last_sync": None,
            "envelopes": 0,
            "quarantined": 0,
            "revoked": False,
        }
    ]
    assert run(capsys, "office", "revoke", added["office_id"], "--db", db_url)[0] == 0
    assert office_list(db_url)[0]["revoked"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["office", "revoke", "00000000-0000-0000-0000-000000000000"],
        ["office", "set-setting", "00000000-0000-0000-0000-000000000000", "k", "1"],
        ["office", "add", ""],
        ["directory", "import", "/nonexistent/package.json"],
        ["import-bundle", "/nonexistent/bundle"],
        ["stats", "--month", "2026-13"],
    ],
)
def test_errors_are_one_line_without_traceback(
    args: list[str], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *args, "--db", db_url)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_bad_database_url_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/missing/dir/x.db"
    code, _out, err = run(capsys, "office", "list", "--db", url)
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_db_upgrade_and_data_dir(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    folder = tmp_path / "regional"
    code, out, _ = run(capsys, "--data-dir", str(folder), "db", "upgrade", "--json")
    assert code == 0 and json.loads(out) == {"upgraded": True}
    assert (folder / "regional.db").exists()
    code, out, _ = run(capsys, "db", "upgrade", "--data-dir", str(folder))
    assert out.strip() == "up to date"


def test_directory_import_twice(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers.hsds import HSDS

    package = str(HSDS / "spec-3.0-examples" / "service_full.json")
    code, out, _ = run(capsys, "directory", "import", package, "--json", "--db", db_url)
    assert code == 0 and json.loads(out)["created"] > 0
    code, out, _ = run(capsys, "directory", "import", package, "--json", "--db", db_url)
    assert json.loads(out)["created"] == 0 and json.loads(out)["updated"] == 0


def test_the_throughput_measure_runs(tmp_path) -> None:
    from regional.bench import measure_throughput

    rate = measure_throughput(f"sqlite:///{tmp_path}/bench.db", offices=2, envelopes=200, batch=50)
    assert rate > 0
