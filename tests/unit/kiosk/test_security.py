"""The database key: made once, private, never replaced behind the user's back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.security import KeyMissing, load_key


def test_a_new_installation_gets_a_private_random_key(tmp_path: Path) -> None:
    key_file = tmp_path / "config" / "database.key"
    key = load_key(key_file, tmp_path / "baom.db")
    assert len(key) == 64 and int(key, 16) > 0
    assert load_key(key_file, tmp_path / "baom.db") == key
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_lost_key_file_is_an_error_not_a_new_key(tmp_path: Path) -> None:
    database = tmp_path / "baom.db"
    database.write_bytes(b"encrypted")
    with pytest.raises(KeyMissing, match="key file"):
        load_key(tmp_path / "database.key", database)
    assert not (tmp_path / "database.key").exists()


def test_the_environment_variable_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOM_DB_KEY", "AB" * 32)
    assert load_key(tmp_path / "database.key", tmp_path / "baom.db") == "ab" * 32
    assert not (tmp_path / "database.key").exists()
