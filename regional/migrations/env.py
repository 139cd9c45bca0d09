"""Alembic environment: runs on the engine (or connection) given by ``regional.database``."""

from alembic import context
from sqlalchemy import Connection

from regional.models import Base

engine = context.config.attributes["engine"]
given = context.config.attributes.get("connection")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


if given is not None:
    _run(given)
else:
    with engine.connect() as connection:
        _run(connection)
