"""audit chain: the audit trail becomes append-only and tamper-evident

Revision ID: 0012
Revises: 0011

``audit_entry`` gets ``seq``, ``prev_hash`` and ``entry_hash`` (``db.audit_chain``), and an
index on ``entity_id`` (a person's entries, ``kiosk.audit``): the entries already there are
chained in the order they were made (``at``, then their id, a UUIDv7), and triggers refuse
every UPDATE and DELETE of an entry from now on. The downgrade drops the triggers, the index
and the three columns.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.audit_chain import GENESIS, drop_append_only, entry_hash, install_append_only
from db.base import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENTRIES = sa.table(
    "audit_entry",
    sa.column("id", sa.String()),
    sa.column("office_id", sa.String()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("version", sa.Integer()),
    sa.column("at", UTCDateTime()),
    sa.column("user_id", sa.String()),
    sa.column("user_name", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity_type", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("detail", sa.String()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("entry_hash", sa.String()),
)


_IDS = ("id", "office_id", "user_id", "entity_id")


def _uuid(stored: str | None) -> uuid.UUID | str | None:
    """An id as the models read it (``sa.Uuid`` keeps 32 hexadecimal digits in SQLite)."""
    try:
        return None if stored is None else uuid.UUID(stored)
    except ValueError:
        return stored


def _chain_existing() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_ENTRIES).order_by(_ENTRIES.c.at, _ENTRIES.c.id))
    links, previous = [], GENESIS
    for seq, row in enumerate(rows, start=1):
        values = {**row._mapping, "seq": seq, "prev_hash": previous}
        values.update({name: _uuid(values[name]) for name in _IDS})
        previous = entry_hash(values)
        links.append(
            {"key": row.id, "seq": seq, "prev_hash": values["prev_hash"], "hash": previous}
        )
    if links:
        bind.execute(
            sa.update(_ENTRIES)
            .where(_ENTRIES.c.id == sa.bindparam("key"))
            .values(
                seq=sa.bindparam("seq"),
                prev_hash=sa.bindparam("prev_hash"),
                entry_hash=sa.bindparam("hash"),
            ),
            links,
        )


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    _chain_existing()
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_entry_seq"), ["seq"])
        batch_op.create_index(batch_op.f("ix_audit_entry_entity_id"), ["entity_id"], unique=False)
    install_append_only(op.get_bind())


def downgrade() -> None:
    drop_append_only(op.get_bind())
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_entity_id"))
        batch_op.drop_constraint(batch_op.f("uq_audit_entry_seq"), type_="unique")
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
