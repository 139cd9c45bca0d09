"""person change previous values: a correction keeps the values it replaced, and its reason

Revision ID: 0012
Revises: 0011

``person_change`` gets ``previous`` (a JSON object of each corrected field's value before
the correction; ``{}`` for the corrections made before, whose values are gone) and
``reason`` (empty for those). ``audit_entry.entity_id`` gets an index: a person's export
lists who recorded each of the person's records, among an audit trail that only grows. The
downgrade drops the index and both columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
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
    op.create_index(op.f("ix_audit_entry_entity_id"), "audit_entry", ["entity_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_entry_entity_id"), table_name="audit_entry")
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("previous")
