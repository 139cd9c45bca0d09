"""The database key: made once, kept in the configuration folder, never in the data folder.

The office PC starts unattended, so the key is not typed by anyone: it is read from the
environment variable ``BAOM_DB_KEY`` when set (a service manager's credential store), else
from the key file, readable by the office account only. See docs/security.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from db.store import StoreError, check_key

KEY_ENVIRONMENT_VARIABLE = "BAOM_DB_KEY"


class KeyMissing(StoreError):
    """The database exists but its key cannot be found."""


def load_key(key_file: Path, database: Path) -> str:
    """The database key; a new one is made only when there is no database yet."""
    from_environment = os.environ.get(KEY_ENVIRONMENT_VARIABLE)
    if from_environment:
        return check_key(from_environment.strip().lower())
    if key_file.exists():
        return check_key(key_file.read_text(encoding="ascii").strip().lower())
    if database.exists():
        raise KeyMissing(
            f"the office database {database} exists but its key file {key_file} is missing. "
            f"Restore the key file (or set {KEY_ENVIRONMENT_VARIABLE}); the database was not "
            "changed."
        )
    return _create_key(key_file)


def _create_key(key_file: Path) -> str:
    key = secrets.token_hex(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key
