"""regional foundation: offices, envelopes, the change sequence, projections, directory

Revision ID: 0001
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_row",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_directory_row")),
    )
    op.create_table(
        "envelope",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("operation", sa.String(length=8), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_envelope")),
    )
    with op.batch_alter_table("envelope", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_envelope_office_id"), ["office_id"], unique=False)

    op.create_table(
        "intake_fact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("nationality", sa.String(length=8), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_fact")),
    )
    with op.batch_alter_table("intake_fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_fact_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_intake_fact_month_office_id"), ["month", "office_id"], unique=False
        )

    op.create_table(
        "office",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("local_id", sa.Uuid(), nullable=True),
        sa.Column("machine", sa.String(length=200), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_sync", sa.DateTime(), nullable=True),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office")),
        sa.UniqueConstraint("local_id", name=op.f("uq_office_local_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_office_token_hash")),
    )
    op.create_table(
        "referral",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("need_key", sa.String(length=64), nullable=False),
        sa.Column("service_name", sa.String(length=300), nullable=False),
        sa.Column("organization_name", sa.String(length=300), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("partner_state", sa.String(length=16), nullable=True),
        sa.Column("partner_reason", sa.String(length=500), nullable=False),
        sa.Column("partner_provided", sa.String(length=500), nullable=False),
        sa.Column("partner_date", sa.String(length=10), nullable=False),
        sa.Column("partner_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_token"), ["token"], unique=False)

    op.create_table(
        "server_change",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=True),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("operation", sa.String(length=8), nullable=False),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_server_change")),
    )
    with op.batch_alter_table("server_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_server_change_office_id"), ["office_id"], unique=False)

    op.create_table(
        "server_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_meta")),
    )
    op.create_table(
        "enrolment_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_enrolment_code_office_id_office")
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_enrolment_code")),
    )
    with op.batch_alter_table("enrolment_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrolment_code_office_id"), ["office_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("enrolment_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_code_office_id"))

    op.drop_table("enrolment_code")
    op.drop_table("server_meta")
    with op.batch_alter_table("server_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_server_change_office_id"))

    op.drop_table("server_change")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_token"))
        batch_op.drop_index(batch_op.f("ix_referral_office_id"))
        batch_op.drop_index(batch_op.f("ix_referral_case_id"))

    op.drop_table("referral")
    op.drop_table("office")
    with op.batch_alter_table("intake_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_fact_month_office_id"))
        batch_op.drop_index(batch_op.f("ix_intake_fact_case_id"))

    op.drop_table("intake_fact")
    with op.batch_alter_table("envelope", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_envelope_office_id"))

    op.drop_table("envelope")
    op.drop_table("directory_row")
