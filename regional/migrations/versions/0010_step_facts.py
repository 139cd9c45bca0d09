"""step facts: the itinerary step durations the offices send (durations only, no person)

Revision ID: 0010
Revises: 0009

``step_fact`` holds the de-identified duration of each itinerary step an office finished
in a month (``kiosk.itineraries.statistics``: the template, the step, done or skipped, its
days); the statistics of a month publish, for each step done often enough, how many times
and the median days (``regional.stats``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "step_fact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_fact")),
    )
    with op.batch_alter_table("step_fact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_step_fact_month_template"), ["month", "template"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("step_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_fact_month_template"))
    op.drop_table("step_fact")
