"""envelope erase: the region remembers which envelopes were tombstones

Revision ID: 0009
Revises: 0008

``envelope.erase`` is true for a tombstone (``docs/sync.md``), so that the office's other
PCs get the record's ``office_record`` change as a tombstone too and destroy what they hold
of the person; the envelopes received before it count as ordinary ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("envelope", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erase", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("envelope", schema=None) as batch_op:
        batch_op.drop_column("erase")
