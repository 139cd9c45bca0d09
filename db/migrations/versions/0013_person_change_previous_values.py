"""person change previous values: a correction keeps the values it replaced, and its reason

Revision ID: 0013
Revises: 0012

``person_change`` gets ``previous`` (a JSON object of each corrected field's value before
the correction; ``{}`` for the corrections made before, whose values are gone) and
``reason`` (empty for those). The downgrade drops both columns. (A person's export lists
who recorded each of the person's records through ``audit_entry.entity_id``'s index, which
0012 made.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("reason", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.alter_column("previous", server_default=None)
        batch_op.alter_column("reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("previous")
