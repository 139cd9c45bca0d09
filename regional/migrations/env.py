"""Alembic environment: runs on the engine (or connection) given by ``regional.database``.

On SQLite, foreign keys are off while migrations run (a batch copy of a table drops the
table that others refer to) and checked before the migrations commit.
"""

from alembic import context
from sqlalchemy import Connection

from regional.models import Base

engine = context.config.attributes["engine"]
given = context.config.attributes.get("connection")


def _foreign_keys(connection: Connection, on: bool) -> None:
    """Turn SQLite's foreign keys on or off (outside a transaction, where the pragma counts)."""
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            f"PRAGMA foreign_keys={'ON' if on else 'OFF'}"
        )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    _foreign_keys(connection, on=False)
    try:
        with context.begin_transaction():
            context.run_migrations()
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migrations broke foreign keys: {broken[:5]}")
        connection.commit()
    finally:
        _foreign_keys(connection, on=True)


if given is not None:
    _run(given)
else:
    with engine.connect() as connection:
        _run(connection)
