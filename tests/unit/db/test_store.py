"""The encrypted store: nothing readable on disk, clear errors, the file never overwritten."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import text

from db import migrate
from db.base import new_id
from db.models import Office
from db.store import Store, StoreError, StoreUnreadable
from db.uow import Actor
from kiosk.office import OfficeContext
from kiosk.paths import Paths
from tests.helpers.bytes import files_containing

NAME = "Zoubida Ait Benhaddou"


def _new_store(path: Path) -> tuple[Store, str]:
    key = secrets.token_hex(32)
    store = Store.open(path, key, create=True)
    migrate.upgrade(store)
    return store, key


def test_a_known_name_is_not_in_the_database_file_its_wal_or_a_backup(
    office: OfficeContext, paths: Paths
) -> None:
    with office.store.unit_of_work(office.system) as uow:
        uow.add(Office(name=NAME, commune="Taliouine"))
    backup = migrate.backup(office.store, paths.backups_dir, "test")
    wal = paths.database.with_name(paths.database.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the write should still be in the WAL"
    on_disk = [paths.database, wal, backup]

    assert files_containing(NAME, on_disk) == []
    assert files_containing("Taliouine", on_disk) == []
    with office.store.session() as session:
        assert session.scalar(text("SELECT count(*) FROM office WHERE name = :n"), {"n": NAME}) == 1


def test_the_backup_opens_with_the_same_key_and_holds_the_data(tmp_path: Path) -> None:
    store, key = _new_store(tmp_path / "a.db")
    with store.unit_of_work(Actor.system(new_id())) as uow:
        uow.add(Office(name=NAME))
    copy = migrate.backup(store, tmp_path / "backups", "test")
    store.close()

    restored = Store.open(copy, key)
    with restored.session() as session:
        assert session.scalar(text("SELECT name FROM office")) == NAME
    restored.close()


@pytest.mark.parametrize("damage", ["wrong key", "random bytes", "truncated"])
def test_a_wrong_key_or_a_damaged_file_is_a_clear_error_and_the_file_is_untouched(
    tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "office.db"
    store, key = _new_store(path)
    store.close()
    if damage == "random bytes":
        path.write_bytes(secrets.token_bytes(8192))
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    else:
        key = secrets.token_hex(32)
    before = path.read_bytes()

    with pytest.raises(StoreUnreadable, match="key is wrong or the file is damaged"):
        Store.open(path, key)

    assert path.read_bytes() == before
    assert not path.with_name("office.db-wal").exists()


def test_a_missing_database_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no office database"):
        Store.open(tmp_path / "none.db", secrets.token_hex(32))
    assert not (tmp_path / "none.db").exists()


def test_a_malformed_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="64 hexadecimal digits"):
        Store.open(tmp_path / "x.db", "not-a-key", create=True)


def test_wal_mode_and_full_synchronous_commits(office: OfficeContext) -> None:
    with office.store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        cipher = connection.execute(text("PRAGMA cipher_version")).scalar()
    assert cipher, "the database must be opened by SQLCipher"
