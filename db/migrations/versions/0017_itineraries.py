"""itineraries: templates applied to a case's needs, their steps, and step durations

Revision ID: 0017
Revises: 0016

``case_itinerary`` holds an itinerary template (``resources/itineraries``) applied to one
need of a case; its steps are ``accompaniment_step`` rows, which get the itinerary they
belong to, the template's step key and position, a legal deadline and the reason a step
was skipped (a step planned by hand has none of them: the existing steps keep empty
values). ``step_stat`` holds the de-identified step durations sent to the region. The
downgrade keeps every step as a step planned by hand (its description stays) and drops
the itineraries and the durations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.base import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _synced_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "step_stat",
        sa.Column("step_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_stat")),
        sa.UniqueConstraint("step_id", name=op.f("uq_step_stat_step_id")),
    )
    with op.batch_alter_table("step_stat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_stat_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_stat_office_id"), ["office_id"], unique=False)

    state = sa.Enum(
        "active",
        "ended",
        "closed",
        "replaced",
        name="itinerarystate",
        native_enum=False,
        length=16,
    )
    op.create_table(
        "case_itinerary",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("need_key", sa.String(length=64), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("state", state, nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("anchor_on", sa.Date(), nullable=True),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("stopped_step", sa.String(length=64), nullable=False),
        *_synced_columns(),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_itinerary_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_itinerary")),
    )
    with op.batch_alter_table("case_itinerary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_itinerary_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_itinerary_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_itinerary_template_id"), ["template_id"], unique=False
        )

    with op.batch_alter_table("accompaniment_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("itinerary_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("step_key", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("deadline_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("skip_reason", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_accompaniment_step_itinerary_id"), ["itinerary_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_accompaniment_step_itinerary_id_case_itinerary"),
            "case_itinerary",
            ["itinerary_id"],
            ["id"],
        )
    with op.batch_alter_table("accompaniment_step", schema=None) as batch_op:
        for column in ("step_key", "position", "skip_reason"):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("accompaniment_step", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_accompaniment_step_itinerary_id_case_itinerary"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_accompaniment_step_itinerary_id"))
        batch_op.drop_column("skip_reason")
        batch_op.drop_column("deadline_on")
        batch_op.drop_column("position")
        batch_op.drop_column("step_key")
        batch_op.drop_column("itinerary_id")

    with op.batch_alter_table("case_itinerary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_itinerary_template_id"))
        batch_op.drop_index(batch_op.f("ix_case_itinerary_office_id"))
        batch_op.drop_index(batch_op.f("ix_case_itinerary_case_id"))
    op.drop_table("case_itinerary")

    with op.batch_alter_table("step_stat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_stat_office_id"))
        batch_op.drop_index(batch_op.f("ix_step_stat_month"))
    op.drop_table("step_stat")
