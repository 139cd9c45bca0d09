"""Engines, sessions and schema migrations of the regional database (SQLite or PostgreSQL).

Migrations are Alembic scripts shipped in ``regional/migrations``, run programmatically (no
alembic.ini). On SQLite a writing transaction starts with ``BEGIN IMMEDIATE`` so that
concurrent writers wait for each other instead of failing half-way; a reading one (a session
of :func:`reader_factory`) starts ``DEFERRED``, so that under WAL it runs beside a writer
instead of waiting for the write lock. On PostgreSQL a reading transaction is read-only.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATION_LOCK = 7_245_101  # a PostgreSQL advisory lock id: one migrator at a time
SEQUENCE_LOCK = 7_245_102  # held while appending to the change sequence (see changes.py)
OFFICE_SEQUENCE_LOCKS = 7_245_104  # and one office's part of it (two-key locks)
_READING = "baom_reading"  # the execution option of reading sessions


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and immediate transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            reading = connection.get_execution_options().get(_READING, False)
            connection.exec_driver_sql(f"PRAGMA query_only = {int(reading)}")
            connection.exec_driver_sql("BEGIN DEFERRED" if reading else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that write and keep loaded values after commit (they go to templates)."""
    return sessionmaker(engine, expire_on_commit=False)


def reader_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: they never take SQLite's write lock, and either database
    refuses a write in them."""
    options: dict[str, Any] = {_READING: True}
    if is_postgresql(engine):
        options["postgresql_readonly"] = True
    return sessionmaker(engine.execution_options(**options), expire_on_commit=False)


def is_postgresql(engine: Engine) -> bool:
    """Whether ``engine`` talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


def alembic_config(engine: Engine, connection: Any = None) -> Config:
    """An Alembic configuration bound to ``engine`` (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "regional:migrations")
    config.attributes["engine"] = engine
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the code knows (revisions are numbered "0001", "0002"…)."""
    versions = resources.files("regional") / "migrations" / "versions"
    return max(
        entry.name.split("_", 1)[0]
        for entry in versions.iterdir()
        if entry.name.endswith(".py") and entry.name[:4].isdigit()
    )


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` when empty)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision``; on PostgreSQL under an advisory lock (one migrator at a time)."""
    from alembic import command

    if not is_postgresql(engine):
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
        connection.commit()
        try:
            command.upgrade(alembic_config(engine, connection), revision)
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
            connection.commit()


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade to ``revision`` (tests and emergencies only)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def upgrade_if_behind(engine: Engine) -> bool:
    """Bring the schema to the head revision; returns whether it had to."""
    if current_revision(engine) == head_revision():
        return False
    upgrade(engine)
    return True
