"""kiosk prompts recorded by the office

Revision ID: 0019
Revises: 0018

The kiosk's prompts recorded in Darija and Tachelhit (``kiosk.prompts``): one row per
spoken language and prompt key, the WAV file in base64. A synced record (sealed), like
the office settings. The downgrade drops the recordings.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kiosk_prompt",
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("audio", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_prompt")),
        sa.UniqueConstraint(
            "office_id", "language", "key", name=op.f("uq_kiosk_prompt_office_id_language_key")
        ),
    )
    with op.batch_alter_table("kiosk_prompt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_prompt_office_id"), ["office_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kiosk_prompt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_prompt_office_id"))
    op.drop_table("kiosk_prompt")
