"""rate buckets: the rate limits' counts live in the database, shared by every server process

Revision ID: 0007
Revises: 0006

- ``rate_bucket``: one token bucket per client and limit (``regional.ratelimit``).
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


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_bucket_at"), table_name="rate_bucket")
    op.drop_table("rate_bucket")
