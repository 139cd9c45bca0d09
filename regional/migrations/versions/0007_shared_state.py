"""shared state: rate limits in the database, and an office's changes found by office and sequence

Revision ID: 0007
Revises: 0006

- ``rate_bucket``: one token bucket per client and limit (``regional.ratelimit``), shared
  by every server process.
- ``server_change``: the index on ``office_id`` becomes one on ``(office_id, seq)``, so that
  a pull finds the last change an office sees without reading all of them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_bucket",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Double(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_bucket")),
    )
    op.create_index(op.f("ix_rate_bucket_at"), "rate_bucket", ["at"], unique=False)
    with op.batch_alter_table("server_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_server_change_office_id_seq"), ["office_id", "seq"])
        batch_op.drop_index(batch_op.f("ix_server_change_office_id"))


def downgrade() -> None:
    with op.batch_alter_table("server_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_server_change_office_id"), ["office_id"])
        batch_op.drop_index(batch_op.f("ix_server_change_office_id_seq"))
    op.drop_index(op.f("ix_rate_bucket_at"), table_name="rate_bucket")
    op.drop_table("rate_bucket")
