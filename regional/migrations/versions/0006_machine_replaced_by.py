"""machine replaced by: a replaced PC keeps which machine replaced it

Revision ID: 0006
Revises: 0005

- ``office_machine.replaced_by``: the machine whose enrolment with a ``--replace`` code
  revoked this one (NULL for a machine still live, or revoked otherwise).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("office_machine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_by", sa.Uuid(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE office_machine DROP COLUMN replaced_by")
    else:
        op.drop_column("office_machine", "replaced_by")
