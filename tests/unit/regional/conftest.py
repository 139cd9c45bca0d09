"""Fixtures of the regional server tests: each DB-backed test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regional.app import create_app
from regional.config import DATA_DIR_ENV, SECRET_FILE_ENV, Settings
from regional.database import make_engine, upgrade
from tests.helpers.postgres import PostgresServer, postgresql_server
from tests.unit.regional.factories import Clock

__all__ = ["postgresql_server"]
DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _regional_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The command's default data folder is the test server's (``settings``), never the user's."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.delenv(SECRET_FILE_ENV, raising=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database at the head revision, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "regional.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgresql_template(postgresql_server: PostgresServer) -> str:
    """A PostgreSQL database at the head revision, used as a template for each test."""
    name = postgresql_server.new_database()
    engine = make_engine(postgresql_server.url(name))
    upgrade(engine)
    engine.dispose()
    return name


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated regional database of each kind."""
    if request.param == "sqlite":
        target = tmp_path / "regional.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    server: PostgresServer = request.getfixturevalue("postgresql_server")
    name = server.new_database(template=request.getfixturevalue("postgresql_template"))
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def clock() -> Clock:
    """A clock the test moves by hand."""
    return Clock(datetime(2026, 11, 29, 10, 0, 0))


@pytest.fixture
def settings(db_url: str, tmp_path: Path, clock: Clock) -> Settings:
    """Server settings on the test database, with the test clock."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    return Settings(db_url=db_url, data_dir=folder, clock=clock)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A test client of the server app."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client
