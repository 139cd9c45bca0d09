"""Fixtures of the directory tests: an office with the demo directory, and package writers."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import migrate
from db.base import new_id
from db.store import Store
from db.uow import Actor
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory


def new_store(folder: Path) -> Store:
    """An empty encrypted database at the head revision."""
    store = Store.open(folder / "directory.db", secrets.token_hex(32), create=True)
    migrate.upgrade(store)
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty office database."""
    opened = new_store(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def actor() -> Actor:
    """The system, writing for an office."""
    return Actor.system(new_id())


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A database holding the demo directory (shared by the tests of a module: read only)."""
    opened = new_store(tmp_path_factory.mktemp("demo"))
    import_directory(opened, Actor.system(new_id()), demo_directory())
    yield opened
    opened.close()
