"""need states: a need is open, met or not met (with a reason), and each change is an event

Revision ID: 0011
Revises: 0010

``case_need.met`` (a flag nothing set before) becomes ``state`` (``open``, ``met`` or
``not_met``) with ``reason`` (a key of ``db.cases.NEED_NOT_MET_REASONS``); a need marked met
stays met. ``case_need_event`` keeps each change for the case's timeline. ``stat_record``
gets ``resolutions`` (empty for the months made before). The downgrade keeps ``met`` for
the needs met and drops the reasons, the events and the resolutions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.base import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _state() -> sa.Enum:
    return sa.Enum("open", "met", "not_met", name="needstate", native_enum=False, length=16)


def upgrade() -> None:
    with op.batch_alter_table("case_need", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", _state(), nullable=False, server_default="open"))
        batch_op.add_column(
            sa.Column("reason", sa.String(length=32), nullable=False, server_default="")
        )
    op.execute("UPDATE case_need SET state = 'met' WHERE met")
    with op.batch_alter_table("case_need", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)
        batch_op.alter_column("reason", server_default=None)
        batch_op.drop_column("met")

    with op.batch_alter_table("stat_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("resolutions", sa.Text(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("stat_record", schema=None) as batch_op:
        batch_op.alter_column("resolutions", server_default=None)

    op.create_table(
        "case_need_event",
        sa.Column("need_id", sa.Uuid(), nullable=False),
        sa.Column("state", _state(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"], ["case_need.id"], name=op.f("fk_case_need_event_need_id_case_need")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_need_event")),
    )
    with op.batch_alter_table("case_need_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_need_event_need_id"), ["need_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_need_event_office_id"), ["office_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stat_record", schema=None) as batch_op:
        batch_op.drop_column("resolutions")
    with op.batch_alter_table("case_need_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_need_event_office_id"))
        batch_op.drop_index(batch_op.f("ix_case_need_event_need_id"))
    op.drop_table("case_need_event")

    with op.batch_alter_table("case_need", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("met", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE case_need SET met = 1 WHERE state = 'met'")
    with op.batch_alter_table("case_need", schema=None) as batch_op:
        batch_op.alter_column("met", server_default=None)
        batch_op.drop_column("reason")
        batch_op.drop_column("state")
