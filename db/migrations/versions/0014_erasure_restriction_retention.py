"""erasure, restriction and retention: a person restricted or erased, a case held, tombstones

Revision ID: 0014
Revises: 0013

``person.restricted`` (a reason while a supervisor restricts the record) and
``person.erased_at`` (when it was erased or anonymised), ``case.held`` (a reason while the
law requires keeping the case from the retention schedule), ``outbox_envelope.erase`` (an
envelope that tells the region to destroy the earlier sealed copies of its record), and
the indexes that erasing needs (``person.merged_into_id``, ``referral.redirected_from_id``). The
downgrade drops them: a restriction and a hold are lost, an erasure stays done.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.base import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE in place: rebuilding "case" or "person" (batch mode) would break the
    # foreign keys that point at them
    op.add_column("case", sa.Column("held", sa.String(32), nullable=False, server_default=""))
    op.add_column(
        "outbox_envelope",
        sa.Column("erase", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "person", sa.Column("restricted", sa.String(32), nullable=False, server_default="")
    )
    op.add_column("person", sa.Column("erased_at", UTCDateTime(), nullable=True))
    # erasing a person or a referral checks the rows pointing at it: without these
    # indexes each check reads the whole table
    op.create_index(op.f("ix_person_merged_into_id"), "person", ["merged_into_id"])
    op.create_index(op.f("ix_referral_redirected_from_id"), "referral", ["redirected_from_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_referral_redirected_from_id"), table_name="referral")
    op.drop_index(op.f("ix_person_merged_into_id"), table_name="person")
    op.drop_column("person", "erased_at")
    op.drop_column("person", "restricted")
    op.drop_column("outbox_envelope", "erase")
    op.drop_column("case", "held")
