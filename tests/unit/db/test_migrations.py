"""Migrations: one head; each one upgrades and downgrades with data present."""

from __future__ import annotations

import datetime
import secrets
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from db import migrate
from db.directory import is_search_index
from db.store import Store
from kiosk.office import OfficeContext, open_store
from kiosk.paths import Paths
from tests.helpers.bytes import files_containing


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config_for_scripts())


def _unique(column: sa.Column[Any]) -> bool:
    return any(
        isinstance(constraint, sa.UniqueConstraint) and column.name in constraint.columns
        for constraint in column.table.constraints
    )


def _sample_value(column: sa.Column[Any], row: int) -> Any:
    kind = column.type
    if isinstance(kind, sa.Enum):
        return kind.enums[0]
    if isinstance(kind, sa.Uuid):
        return uuid.uuid4()
    if isinstance(kind, sa.Boolean):
        return bool(row % 2)
    if isinstance(kind, sa.Integer):  # a key stays unique when a table is filled twice
        return uuid.uuid4().int % 2**31 if column.primary_key or _unique(column) else row
    if isinstance(kind, sa.Float):
        return row + 0.5
    if isinstance(kind, sa.JSON):
        return {"sample": row}
    if isinstance(kind, sa.DateTime):
        return datetime.datetime(2026, 3, 1, 12, row)
    if isinstance(kind, sa.Date):
        return datetime.date(2026, 3, 1 + row)
    if isinstance(kind, sa.LargeBinary):
        return f"sample {row}".encode()
    return f"sample {row} {uuid.uuid4().hex[:8]}"


def _fill_every_table(store: Store) -> dict[str, int]:
    """Insert two rows in every table (parents first) and return the counts.

    The FTS5 index and its shadow tables are left out: triggers fill them.
    """
    metadata = sa.MetaData()
    metadata.reflect(store.engine, only=lambda name, _metadata: not is_search_index(name))
    counts: dict[str, int] = {}
    keys: dict[str, list[Any]] = {}
    with store.engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            for row in range(2):
                values = {}
                for column in table.columns:
                    foreign = next(iter(column.foreign_keys), None)
                    if foreign is not None and foreign.column.table.name == table.name:
                        values[column.name] = None  # a link to another row of the same table
                    elif foreign is not None:
                        values[column.name] = keys[foreign.column.table.name][row]
                    else:
                        values[column.name] = _sample_value(column, row)
                connection.execute(table.insert().values(values))
                keys.setdefault(table.name, []).append(values.get("id"))
            counts[table.name] = 2
    return counts


def _row_counts(store: Store, tables: list[str]) -> dict[str, int]:
    with store.engine.connect() as connection:
        existing = set(sa.inspect(connection).get_table_names())
        return {
            name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in tables
            if name in existing
        }


def test_there_is_exactly_one_head_and_the_quick_head_check_agrees() -> None:
    heads = _scripts().get_heads()
    assert len(heads) == 1
    assert migrate.head_revision() == heads[0]


def test_the_models_match_the_migrations(office: OfficeContext) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.schema import Base

    with office.store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, kind, _: (
                    not (kind == "table" and is_search_index(name))
                )
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


@pytest.mark.parametrize(
    "revision", [script.revision for script in _scripts().walk_revisions()], ids=str
)
def test_each_migration_upgrades_and_downgrades_with_data(tmp_path: Path, revision: str) -> None:
    store = Store.open(tmp_path / "m.db", secrets.token_hex(32), create=True)
    down = _scripts().get_revision(revision).down_revision
    previous = down if isinstance(down, str) else None
    if previous:
        migrate.upgrade(store, previous)
        kept = _fill_every_table(store)
    migrate.upgrade(store, revision)
    _fill_every_table(store)

    migrate.downgrade(store, previous or "base")
    assert migrate.current_revision(store) == previous
    if previous:
        counts = _row_counts(store, list(kept))
        assert all(counts[name] >= kept[name] for name in counts)
    migrate.upgrade(store, revision)
    assert migrate.current_revision(store) == revision
    store.close()


def test_start_up_upgrade_backs_up_a_database_that_is_behind(
    office: OfficeContext, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.close()
    monkeypatch.setattr(migrate, "head_revision", lambda: "a-newer-revision")
    store, backup = open_store(paths)
    store.close()

    assert backup is not None and backup.parent == paths.backups_dir
    assert files_containing("Taliouine", [backup]) == []
    key = paths.key_file.read_text().strip()
    copy = Store.open(backup, key)
    assert _row_counts(copy, ["office", "user_account"]) == {"office": 1, "user_account": 1}
    copy.close()


def test_an_up_to_date_database_is_not_backed_up(office: OfficeContext, paths: Paths) -> None:
    office.close()
    store, backup = open_store(paths)
    store.close()
    assert backup is None
    assert not paths.backups_dir.exists() or not any(paths.backups_dir.iterdir())
