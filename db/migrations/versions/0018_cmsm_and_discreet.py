"""cmsm and discreet: the CMSM network in the directory, and choices a woman may need

Revision ID: 0018
Revises: 0017

``hsds_organization`` gets the CMSM membership (``cmsm_member``, and the association's
focal point: ``cmsm_contact_name``, ``_phone``, ``_email``; organisational data, never a
visitor's); ``stat_record`` gets ``cmsm`` (the referrals of the record's month to CMSM
members: ``[organisation id, state, days to the first answer or null]``; ``[]`` for the
records made before). ``ticket.woman_preferred`` (the visitor asked to be received by a
woman), ``user_account.receives_women`` (the officer can receive such visitors),
``referral.discreet`` (its slip carries a neutral title) and ``person.no_call`` (the
number stays out of the follow-up lists) are false for every row made before. ALTER TABLE
in place: rebuilding ``person`` or ``referral`` (batch mode) would break the foreign keys
that point at them. The downgrade drops the columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FLAGS = (
    ("hsds_organization", "cmsm_member"),
    ("person", "no_call"),
    ("referral", "discreet"),
    ("ticket", "woman_preferred"),
    ("user_account", "receives_women"),
)
_CONTACT = ("cmsm_contact_name", "cmsm_contact_phone", "cmsm_contact_email")


def upgrade() -> None:
    for table, column in _FLAGS:
        op.add_column(
            table, sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false())
        )
    for column in _CONTACT:
        op.add_column("hsds_organization", sa.Column(column, sa.Text(), nullable=True))
    op.add_column("stat_record", sa.Column("cmsm", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("stat_record", "cmsm")
    for column in reversed(_CONTACT):
        op.drop_column("hsds_organization", column)
    for table, column in reversed(_FLAGS):
        op.drop_column(table, column)
