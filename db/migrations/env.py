"""Alembic environment: runs on the engine given by ``db.migrate.alembic_config``."""

from alembic import context

from db.directory import is_search_index
from db.schema import Base

engine = context.config.attributes["engine"]


def include_name(name, type_, _parents):
    """Leave out the FTS5 index and its shadow tables: the migrations make them by hand."""
    return not (type_ == "table" and is_search_index(name))


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
