"""Shared fixtures: every test works in a temporary office, never the user's own data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db.models import Role
from kiosk.office import OfficeContext, create_office, open_office, open_store
from kiosk.paths import Paths

OFFICER = ("amina", "demo-password")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the real data folders or a real key."""
    monkeypatch.setenv("BAOM_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.delenv("BAOM_CONFIG_DIR", raising=False)
    monkeypatch.delenv("BAOM_DB_KEY", raising=False)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    """Folders of a new installation."""
    return Paths.resolve(data_dir=tmp_path / "office")


@pytest.fixture
def office(paths: Paths) -> Iterator[OfficeContext]:
    """An office set up in a temporary folder, with one officer account (``OFFICER``)."""
    store, _ = open_store(paths, create=True)
    create_office(store, "BAOM Taliouine", "Taliouine")
    store.close()
    context = open_office(paths)
    context.accounts.add(context.system, OFFICER[0], Role.OFFICER, OFFICER[1])
    yield context
    context.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses qtbot as ``gui``."""
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
