"""sealed records: the office's recovery key, the outbox's sealed copies, statistics records

Revision ID: 0008
Revises: 0007

Every database gets a random recovery key (``office_key``; the office data key derives
from it, ``db.privacy``). The envelopes already in the outbox are rewritten as the unit of
work now writes them: ``payload`` keeps only the clear part and ``sealed`` the whole record
sealed under the new key, with the content hash computed again, so that nothing written
before the upgrade reaches the region in clear. The downgrade opens the sealed copies and
puts the whole records back into ``payload``.
"""

import hashlib
import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.privacy import (
    SealError,
    data_key,
    json_text,
    leaving_parts,
    new_recovery_key,
    open_sealed,
)
from db.uow import content_hash

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OUTBOX = sa.table(
    "outbox_envelope",
    sa.column("id", sa.String()),
    sa.column("entity_type", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("operation", sa.String()),
    sa.column("base_version", sa.Integer()),
    sa.column("version", sa.Integer()),
    sa.column("payload", sa.Text()),
    sa.column("sealed", sa.Text()),
    sa.column("content_hash", sa.String()),
)


def _unit_operation(operation: str, base_version: int) -> str:
    if operation == "delete":
        return "delete"
    return "create" if base_version == 0 else "update"


def upgrade() -> None:
    op.create_table(
        "office_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recovery_key", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_key")),
    )
    op.create_table(
        "stat_record",
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("nationality", sa.String(length=8), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_record")),
        sa.UniqueConstraint("intake_id", name=op.f("uq_stat_record_intake_id")),
    )
    with op.batch_alter_table("stat_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stat_record_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_stat_record_office_id"), ["office_id"], unique=False)
    with op.batch_alter_table("outbox_envelope", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("from_region", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("statistics_through", sa.String(length=7), nullable=False, server_default="")
        )

    recovery_key = new_recovery_key()
    op.execute(
        sa.text(
            "INSERT INTO office_key (id, recovery_key, created_at) "
            "VALUES (1, :k, CURRENT_TIMESTAMP)"
        ).bindparams(sa.bindparam("k", recovery_key, type_=sa.LargeBinary()))
    )
    key = data_key(recovery_key)
    bind = op.get_bind()
    for row in bind.execute(sa.select(_OUTBOX)).all():
        try:
            entity_id = uuid.UUID(row.entity_id)
            whole = json.loads(row.payload)
            body, sealed = leaving_parts(key, row.entity_type, entity_id, row.version, whole)
        except (ValueError, KeyError, AttributeError, TypeError):
            continue  # not a record this version knows: left as it was, the region refuses it
        operation = _unit_operation(row.operation, row.base_version)
        digest = content_hash(row.entity_type, entity_id, operation, row.version, body, sealed)
        bind.execute(
            sa.update(_OUTBOX)
            .where(_OUTBOX.c.id == row.id)
            .values(payload=body, sealed=sealed, content_hash=digest)
        )


def downgrade() -> None:
    bind = op.get_bind()
    stored = bind.execute(sa.text("SELECT recovery_key FROM office_key WHERE id = 1")).scalar()
    if stored is not None:
        key = data_key(bytes(stored))
        for row in bind.execute(sa.select(_OUTBOX).where(_OUTBOX.c.sealed != "")).all():
            try:
                entity_id = uuid.UUID(row.entity_id)
                whole = open_sealed(key, row.entity_type, entity_id, row.version, row.sealed)
            except (ValueError, SealError):
                continue  # not sealed by this office: left as it was
            body = json_text(whole)
            operation = _unit_operation(row.operation, row.base_version)
            text = f"{row.entity_type}|{entity_id}|{operation}|{row.version}|{body}"
            digest = hashlib.sha256(text.encode()).hexdigest()  # as 0007 hashed
            bind.execute(
                sa.update(_OUTBOX)
                .where(_OUTBOX.c.id == row.id)
                .values(payload=body, content_hash=digest)
            )
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_column("statistics_through")
    with op.batch_alter_table("outbox_envelope", schema=None) as batch_op:
        batch_op.drop_column("from_region")
        batch_op.drop_column("sealed")
    with op.batch_alter_table("stat_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stat_record_office_id"))
        batch_op.drop_index(batch_op.f("ix_stat_record_month"))
    op.drop_table("stat_record")
    op.drop_table("office_key")
