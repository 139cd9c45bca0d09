"""The encrypted office database: opening it safely, sessions, and the raw key.

SQLCipher encrypts every page of the database and of its WAL with a 256-bit raw key (no
passphrase derivation, so connecting is fast). A wrong key or a damaged file is reported
as :class:`StoreUnreadable` before anything is written to the file.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import URL, Engine, create_engine, event, exc, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from db.uow import Actor, UnitOfWork

_KEY_PATTERN = re.compile(r"[0-9a-f]{64}")


class StoreError(Exception):
    """The office database cannot be used; the message says why and what to do."""


class StoreUnreadable(StoreError):
    """The key is wrong or the file is damaged. The file was left as it was."""


def check_key(key: str) -> str:
    """``key`` if it is 64 lowercase hexadecimal digits (a 256-bit raw key)."""
    if not _KEY_PATTERN.fullmatch(key):
        raise StoreError("the database key must be 64 hexadecimal digits")
    return key


def database_url(path: Path, key: str) -> URL:
    """The SQLAlchemy URL of an encrypted database, with a raw (hexadecimal) key."""
    return URL.create("sqlite+pysqlcipher", password=f"x'{check_key(key)}'", database=str(path))


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # freed bytes are zeroed (erasure)
    finally:
        cursor.close()


def open_read_only(path: Path, key: str) -> Any:
    """A read-only DBAPI connection to an encrypted database file (a backup copy), which
    is never written to; :class:`StoreUnreadable` when the key is wrong or it is damaged."""
    if not path.is_file():
        raise StoreError(f"there is no file {path}")
    connection = sqlcipher3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        # Not SQLCipher's own lines on stderr for a wrong key: the error below says it.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{check_key(key)}'\"")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as error:
        connection.close()
        raise StoreUnreadable(
            f"{path} cannot be read: the key is wrong or the file is damaged"
        ) from error
    return connection


def make_engine(path: Path, key: str, **options: Any) -> Engine:
    """An engine on the encrypted database at ``path`` (created empty if absent)."""
    options.setdefault("poolclass", QueuePool)
    engine = create_engine(
        database_url(path, key), connect_args={"check_same_thread": False}, **options
    )
    event.listen(engine, "connect", _set_pragmas)
    return engine


class Store:
    """The office database: an engine, read sessions, and the unit of work for writes."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self._key = key
        self.engine = make_engine(path, key)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.data_key: bytes | None = None
        """The office data key (``protocol.privacy.data_key``), once a unit of work has read it."""

    @classmethod
    def open(cls, path: Path, key: str, *, create: bool = False) -> Store:
        """Open the database, proving the key on a first read.

        ``create`` allows a new empty file; without it a missing file is an error.
        """
        if not path.exists() and not create:
            raise StoreError(f"there is no office database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path, key)
        try:
            with store.engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM sqlite_master"))
        except (exc.DatabaseError, sqlite3.DatabaseError) as error:
            store.engine.dispose()
            raise StoreUnreadable(
                f"the office database {path} cannot be read: the key is wrong or the file is "
                "damaged. The file was not changed; restore the key file or a backup copy."
            ) from error
        return store

    def session(self) -> Session:
        """A session for reading. Writes go through :meth:`unit_of_work`."""
        return self._sessions()

    def unit_of_work(self, actor: Actor) -> UnitOfWork:
        """A unit of work on behalf of ``actor``: the one way to write."""
        return UnitOfWork(self, actor)

    def connect_dedicated(self) -> Any:
        """A DBAPI connection of its own, outside the pool (for watching other writers)."""
        return self.engine.pool.recreate().connect()

    def copy_to(self, target: Path) -> None:
        """Write an encrypted copy of the whole database to ``target`` (same key).

        SQLite's online backup API copies every page in one read transaction: the copy is
        the database as it stood at one moment, while other connections go on writing. It
        is written to ``target.partial`` first, so ``target`` is whole or absent.
        """
        if target.exists():
            raise StoreError(f"{target} exists already; not overwriting it")
        partial = target.with_name(target.name + ".partial")
        try:
            with self.engine.connect() as connection:
                source = connection.connection.dbapi_connection
                assert source is not None
                destination = sqlcipher3.connect(str(partial))
                try:
                    destination.execute(f"PRAGMA key = \"x'{self._key}'\"")
                    source.backup(destination)
                    # A file on its own (no -wal beside it), readable read-only.
                    destination.execute("PRAGMA journal_mode = DELETE")
                finally:
                    destination.close()
            with partial.open("rb+") as handle:
                os.fsync(handle.fileno())
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)  # left only by a copy that failed

    def checkpoint(self) -> bool:
        """Copy the WAL into the database and empty it (``TRUNCATE``), so that no earlier
        version of a page stays in it; False when a reader kept it from finishing."""
        with self.engine.connect() as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return not busy

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
