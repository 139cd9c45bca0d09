"""office bundle secret: each office's USB bundle secret, encrypted under the server key file

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("office", sa.Column("bundle_secret", sa.String(length=128), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Native DROP COLUMN (SQLite 3.35+): a batch copy of ``office`` would have to drop
        # the table that enrolment codes refer to, which foreign_keys=ON refuses.
        op.execute("ALTER TABLE office DROP COLUMN bundle_secret")
    else:
        op.drop_column("office", "bundle_secret")
