"""The regional schema: one head, models and migrations agree, downgrade with data present."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text

from regional.database import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade,
)
from regional.models import Base
from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, push, record


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


def _enrolled_office(
    client: TestClient, db_url: str, clock: Clock
) -> tuple[Enrolled, Engine, dict[str, object]]:
    """An enrolled office, an engine on the database (the app's connections closed), and
    the bind parameters that find its rows by ``:id``."""
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    client.app.state.regional.close()  # type: ignore[attr-defined]
    office_id = uuid.UUID(office.office_id)
    key = {"id": office_id.hex if db_url.startswith("sqlite") else office_id}
    return office, make_engine(db_url), key


def test_the_bundle_secret_column_comes_and_goes_with_data(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office, engine, key = _enrolled_office(client, db_url, clock)
    select_secret = text("SELECT bundle_secret FROM office_machine WHERE office_id = :id")
    with engine.connect() as connection:
        assert connection.execute(select_secret, key).scalar() is not None
    downgrade(engine, "0001")
    with engine.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("office")}
        assert "bundle_secret" not in columns and "token_hash" in columns
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(select_secret, key).scalar() is None  # as an old office
    engine.dispose()
    assert push(client, office, envelope("person", record(office.office_id))) == ["accepted"]
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(select_secret, key).scalar() is not None  # learnt again
    engine.dispose()


def test_an_office_token_moves_to_its_machine_and_back(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office, engine, key = _enrolled_office(client, db_url, clock)
    columns = "token_hash, bundle_secret, enrolled_at"
    with engine.connect() as connection:
        machine = connection.execute(
            text(f"SELECT {columns} FROM office_machine WHERE office_id = :id"), key
        ).one()
    downgrade(engine, "0004")
    with engine.connect() as connection:
        assert not inspect(connection).has_table("office_machine")
        back = connection.execute(text(f"SELECT {columns} FROM office WHERE id = :id"), key).one()
    assert tuple(back) == tuple(machine)
    upgrade(engine)
    with engine.connect() as connection:
        again = connection.execute(
            text(f"SELECT {columns} FROM office_machine WHERE office_id = :id"), key
        ).all()
        assert "token_hash" not in {c["name"] for c in inspect(connection).get_columns("office")}
    assert [tuple(row) for row in again] == [tuple(machine)]
    engine.dispose()
    assert push(client, office, envelope("person", record(office.office_id))) == ["accepted"]


def test_the_replaced_by_column_comes_and_goes(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    _office, engine, key = _enrolled_office(client, db_url, clock)
    select_machine = text(
        "SELECT token_hash, replaced_by FROM office_machine WHERE office_id = :id"
    )
    with engine.connect() as connection:
        before = connection.execute(select_machine, key).one()
    downgrade(engine, "0005")
    with engine.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("office_machine")}
        assert "replaced_by" not in columns and "revoked_at" in columns
    upgrade(engine)
    with engine.connect() as connection:
        assert tuple(connection.execute(select_machine, key).one()) == tuple(before)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_rate_buckets_come_and_go(client: TestClient, db_url: str, clock: Clock) -> None:
    engine = make_engine(db_url)
    downgrade(engine, "0006")
    with engine.connect() as connection:
        assert "rate_bucket" not in inspect(connection).get_table_names()
    upgrade(engine)
    with engine.connect() as connection:
        assert "rate_bucket" in inspect(connection).get_table_names()
    engine.dispose()
    for _attempt in range(2):  # the limits count again
        assert client.get("/r/" + "z" * 22).status_code == 404
