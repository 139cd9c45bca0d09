"""The regional schema: one head, models and migrations agree, downgrade with data present."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

from regional.database import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade,
)
from regional.models import Base
from tests.unit.regional.factories import Clock, enrolled, envelope, push, record


def test_one_head_named_like_the_files(db_url: str) -> None:
    engine = make_engine(db_url)
    scripts = ScriptDirectory.from_config(alembic_config(engine))
    assert scripts.get_heads() == [head_revision()]
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_downgrade_and_upgrade_with_data(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    assert push(client, office, envelope("person", record(office.office_id))) == ["accepted"]
    client.app.state.regional.close()  # type: ignore[attr-defined]
    engine = make_engine(db_url)
    downgrade(engine, "base")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()
