"""cmsm referrals: a statistics record names its referrals to members of the CMSM

Revision ID: 0011
Revises: 0010

``stat_fact.cmsm`` holds the ``[organisation id, state, days to the first answer or
null]`` triples an office sends with a statistics record (``kiosk.statistics``): its
month's referrals to associations of the Comité Migration Souss-Massa. The records of
earlier versions have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stat_fact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cmsm", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("stat_fact", schema=None) as batch_op:
        batch_op.drop_column("cmsm")
