"""person names in Arabic letters, and the corrections of a person's record

Revision ID: 0010
Revises: 0009

A person keeps a name in Latin letters (``given_name``, ``family_name``) and one in Arabic
letters (``given_name_ar``, ``family_name_ar``) side by side. The new columns start empty:
a name an officer wrote in Arabic letters in the Latin columns before stays there (moving
it here would change synced records outside the unit of work, so their sealed copies at
the region would no longer match); the officer corrects it when the person comes back.

``person_change`` records each correction of a person: which fields, by whom, when (never
the values). A downgrade drops the names in Arabic letters and the corrections.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE … ADD/DROP COLUMN in place: a batch would copy the table, and dropping
    # the old ``person`` is refused while cases and search keys refer to it.
    for name in ("given_name_ar", "family_name_ar"):
        op.add_column(
            "person", sa.Column(name, sa.String(length=100), nullable=False, server_default="")
        )
    op.create_table(
        "person_change",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("fields", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_change_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_change")),
    )
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_change_office_id"), ["office_id"])
        batch_op.create_index(batch_op.f("ix_person_change_person_id"), ["person_id"])


def downgrade() -> None:
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_change_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_change_office_id"))
    op.drop_table("person_change")
    for name in ("family_name_ar", "given_name_ar"):
        op.drop_column("person", name)
