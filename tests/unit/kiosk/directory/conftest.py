"""Fixtures of the directory tests: an office with the demo directory, and package writers."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import migrate
from db.base import new_id
from db.store import Store
from db.uow import Actor
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory

EmptyDatabase = tuple[Path, str]
"""An empty database file at the head revision, and its key."""


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> EmptyDatabase:
    """Made once: migrating a database takes more than half a second, so each test's
    database is a copy of this one (:func:`copy_of`)."""
    key = secrets.token_hex(32)
    made = Store.open(tmp_path_factory.mktemp("empty") / "directory.db", key, create=True)
    migrate.upgrade(made)
    made.close()
    return made.path, key


def copy_of(empty: EmptyDatabase, folder: Path) -> Store:
    """A new empty office database in ``folder``, opened."""
    template, key = empty
    folder.mkdir(parents=True, exist_ok=True)
    return Store.open(Path(shutil.copy(template, folder / template.name)), key)


@pytest.fixture
def store(tmp_path: Path, empty_database: EmptyDatabase) -> Iterator[Store]:
    """An empty office database of this test's own."""
    opened = copy_of(empty_database, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def actor() -> Actor:
    """The system, writing for an office."""
    return Actor.system(new_id())


@pytest.fixture(scope="module")
def demo_store(
    tmp_path_factory: pytest.TempPathFactory, empty_database: EmptyDatabase
) -> Iterator[Store]:
    """A database holding the demo directory (shared by the tests of a module: read only)."""
    opened = copy_of(empty_database, tmp_path_factory.mktemp("demo"))
    import_directory(opened, Actor.system(new_id()), demo_directory())
    yield opened
    opened.close()
