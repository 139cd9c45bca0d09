"""change marks: which tables were written, kept by triggers for the windows to refresh

Revision ID: 0009
Revises: 0008

``change_mark`` holds one row per table; triggers after every insert, update and delete
raise its ``seq`` (``db.changes``). ``db.migrate.upgrade`` installs the triggers again
after every upgrade, so tables added or rebuilt later get theirs too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.changes import install_change_marks, marked_tables, trigger_name

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_mark",
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_change_mark")),
    )
    install_change_marks(op.get_bind())


def downgrade() -> None:
    for table in marked_tables(op.get_bind()):
        for operation in ("insert", "update", "delete"):
            op.execute(f'DROP TRIGGER IF EXISTS "{trigger_name(table, operation)}"')
    op.drop_table("change_mark")
