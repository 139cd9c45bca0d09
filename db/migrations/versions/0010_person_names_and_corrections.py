"""person names in Arabic script: a given and a family name in Arabic letters

Revision ID: 0010
Revises: 0009

A person keeps a name in Latin letters (``given_name``, ``family_name``) and one in Arabic
letters (``given_name_ar``, ``family_name_ar``) side by side. The new columns start empty:
a name an officer wrote in Arabic letters in the Latin columns before stays there (moving
it here would change synced records outside the unit of work, so their sealed copies at
the region would no longer match); the officer corrects it when the person comes back.
A downgrade drops the names in Arabic letters.
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


def downgrade() -> None:
    for name in ("family_name_ar", "given_name_ar"):
        op.drop_column("person", name)
