"""need resolutions: a statistics record says where its needs stood (open, met, not met)

Revision ID: 0008
Revises: 0007

``stat_fact.resolutions`` holds the ``[need, state]`` pairs an office sends with a
statistics record (``kiosk.statistics``); the records of earlier versions have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stat_fact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("resolutions", sa.Text(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("stat_fact", schema=None) as batch_op:
        batch_op.drop_column("resolutions")
