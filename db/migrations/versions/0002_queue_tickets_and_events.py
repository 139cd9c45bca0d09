"""queue: tickets and their append-only events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("office_day", sa.Date(), nullable=False),
        sa.Column("issued_reason", sa.String(length=64), nullable=False),
        sa.Column("reason_key", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=8), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column(
            "priority_kind",
            sa.Enum(
                "elderly",
                "pregnant",
                "disability",
                "baby",
                name="prioritykind",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "waiting",
                "called",
                "serving",
                "on_hold",
                "done",
                "no_show",
                "cancelled",
                "closed",
                name="ticketstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("call_count", sa.Integer(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=True),
        sa.Column("for_counter", sa.Integer(), nullable=True),
        sa.Column("arrived_at", sa.DateTime(), nullable=False),
        sa.Column("first_called_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
        sa.UniqueConstraint(
            "office_id",
            "office_day",
            "issued_reason",
            "sequence",
            name=op.f("uq_ticket_office_id_office_day_issued_reason_sequence"),
        ),
        sa.UniqueConstraint(
            "office_id", "office_day", "number", name=op.f("uq_ticket_office_id_office_day_number")
        ),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_office_id"), ["office_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ticket_office_id_office_day_counter_first_called_at"),
            ["office_id", "office_day", "counter", "first_called_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_ticket_office_id_office_day_state_priority_arrived_at"),
            ["office_id", "office_day", "state", "priority", "arrived_at"],
            unique=False,
        )

    op.create_table(
        "queue_event",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "taken",
                "called",
                "recalled",
                "started",
                "done",
                "no_show",
                "held",
                "transferred",
                "cancelled",
                "reactivated",
                "closed",
                name="queueeventkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("counter", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_queue_event_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_event")),
    )
    with op.batch_alter_table("queue_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_event_office_id"), ["office_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_queue_event_office_id_kind_at"),
            ["office_id", "kind", "at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_queue_event_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("queue_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_event_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_queue_event_office_id_kind_at"))
        batch_op.drop_index(batch_op.f("ix_queue_event_office_id"))

    op.drop_table("queue_event")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_office_id_office_day_state_priority_arrived_at"))
        batch_op.drop_index(batch_op.f("ix_ticket_office_id_office_day_counter_first_called_at"))
        batch_op.drop_index(batch_op.f("ix_ticket_office_id"))

    op.drop_table("ticket")
