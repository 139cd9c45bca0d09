"""sync review: who resolved a conflict, when, how; reviewed quarantined envelopes

Revision ID: 0007
Revises: 0006

The envelope status is a VARCHAR(16) without a CHECK constraint (a non-native enum), so
its two new values (``resent``, ``dismissed``) need no change of the column. A downgrade
puts them back to ``quarantined``: the review is dropped with its columns, so the
envelopes are shown for review again rather than hidden.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("resolution", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table("outbox_envelope", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("resent_as", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.execute(
        "UPDATE outbox_envelope SET status = 'quarantined' WHERE status IN ('resent', 'dismissed')"
    )
    with op.batch_alter_table("outbox_envelope", schema=None) as batch_op:
        batch_op.drop_column("resent_as")
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_at")

    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("resolution")
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("resolved_at")
