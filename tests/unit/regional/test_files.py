"""The server's files are its account's alone: data folder 0700, database and key file 0600."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.helpers.regional import add_office, command, running_server

pytestmark = pytest.mark.skipif(not hasattr(stat, "S_IRWXG"), reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_db_upgrade_makes_a_private_data_folder_and_database(tmp_path: Path) -> None:
    folder = tmp_path / "fresh" / "regional"
    subprocess.run(
        [*command(), "--data-dir", str(folder), "db", "upgrade"], check=True, capture_output=True
    )
    assert _mode(folder) == 0o700
    assert _mode(folder / "regional.db") == 0o600
    for path in folder.iterdir():  # -wal and -shm too, if SQLite left them
        assert _mode(path) == 0o600, path


def test_serve_keeps_its_database_its_wal_and_its_key_file_private(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:  # its data folder was made 0755 by the helper
        assert server.data_dir is not None
        _office_id, code = add_office(server.db_url, "BAOM Agadir")
        answer = httpx.post(f"{server.url}/api/v1/enrol", json={"code": code, "machine": "pc"})
        assert answer.status_code == 200  # the server makes its bundle secret file now
        folder = server.data_dir
        assert _mode(folder) == 0o700
        files = ["regional.db", "regional.db-wal", "regional.db-shm", "bundle-secret.key"]
        for name in files:
            assert _mode(folder / name) == 0o600, name
