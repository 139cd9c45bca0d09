"""sealed records: sealed copies, office records in the sequence, referrals by token hash,
statistics from the offices' de-identified records

Revision ID: 0004
Revises: 0003

- ``envelope.sealed``: the sealed copy of each record (opaque to the region).
- ``server_change.envelope_id`` and ``origin``: an office's own sealed records, given back
  to a restored PC; ``origin`` is the token hash of the PC that pushed it.
- ``referral``: the person's case and need, and the token in clear, are dropped; the token
  is kept as its SHA-256 (``token_hash``), computed here for the referrals already held.
- ``intake_fact`` (computed from intakes received in clear) is dropped: figures are now
  computed from the offices' statistics records alone (``stat_fact``), once per closed
  month (``published_stats``).

The downgrade cannot give back what was dropped: its referrals keep the token's hash in
``token`` (their partner pages stay closed) and their own id in ``case_id``.
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("envelope", sa.Column("sealed", sa.Text(), nullable=False, server_default=""))
    op.add_column("server_change", sa.Column("envelope_id", sa.Uuid(), nullable=True))
    op.add_column("server_change", sa.Column("origin", sa.String(length=64), nullable=True))

    op.add_column("referral", sa.Column("token_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    referral = sa.table("referral", sa.column("id", sa.Uuid()), sa.column("token", sa.String()))
    hashed = sa.table("referral", sa.column("id", sa.Uuid()), sa.column("token_hash", sa.String()))
    for row in bind.execute(sa.select(referral.c.id, referral.c.token)).all():
        digest = hashlib.sha256(row.token.encode()).hexdigest()
        bind.execute(sa.update(hashed).where(hashed.c.id == row.id).values(token_hash=digest))
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_index(batch_op.f("ix_referral_token"))
        batch_op.drop_index(batch_op.f("ix_referral_case_id"))
        batch_op.drop_column("token")
        batch_op.drop_column("case_id")
        batch_op.drop_column("need_key")
        batch_op.create_index(batch_op.f("ix_referral_token_hash"), ["token_hash"], unique=False)

    with op.batch_alter_table("intake_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_fact_month_office_id"))
        batch_op.drop_index(batch_op.f("ix_intake_fact_case_id"))
    op.drop_table("intake_fact")
    op.create_table(
        "stat_fact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("nationality", sa.String(length=8), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_fact")),
    )
    with op.batch_alter_table("stat_fact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stat_fact_month_office_id"), ["month", "office_id"], unique=False
        )
    op.create_table(
        "published_stats",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_published_stats")),
    )


def downgrade() -> None:
    op.drop_table("published_stats")
    with op.batch_alter_table("stat_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stat_fact_month_office_id"))
    op.drop_table("stat_fact")
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

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_token_hash"))
        batch_op.add_column(sa.Column("need_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("case_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("token", sa.String(length=64), nullable=True))
    op.execute("UPDATE referral SET need_key = '', case_id = id, token = token_hash")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.alter_column("need_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("case_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column("token", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("token_hash")
        batch_op.create_index(batch_op.f("ix_referral_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_token"), ["token"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for table, column in (
            ("server_change", "origin"),
            ("server_change", "envelope_id"),
            ("envelope", "sealed"),
        ):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column("server_change", "origin")
        op.drop_column("server_change", "envelope_id")
        op.drop_column("envelope", "sealed")
