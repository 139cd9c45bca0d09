"""sealed records: the office's recovery key, the outbox's sealed copies, statistics records

Revision ID: 0008
Revises: 0007

Every database gets a random recovery key (``office_key``; the office data key derives
from it, ``protocol.privacy``). The envelopes already in the outbox are rewritten as the unit of
work now writes them: ``payload`` keeps only the clear part and ``sealed`` the whole record
sealed under the new key, with the content hash computed again, so that nothing written
before the upgrade reaches the region in clear. An office that had sent records before
also queues a sealed copy of every record it holds, so that the region can give it back
and drop the clear copies (``baom-regional privacy migrate``). The downgrade opens the
sealed copies and puts the whole records back into ``payload``.
"""

import datetime
import hashlib
import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.base import new_id
from db.office_key import new_recovery_key
from protocol.privacy import (
    SealError,
    content_hash,
    data_key,
    inventory,
    json_text,
    leaving_parts,
    open_sealed,
)

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
    sent = bind.execute(sa.text("SELECT 1 FROM outbox_envelope WHERE status != 'pending' LIMIT 1"))
    if sent.first() is not None:
        _snapshot(bind, key)


def _json_value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=datetime.UTC).isoformat()  # stored naive, in UTC
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _snapshot(bind: sa.Connection, key: bytes) -> None:
    """A sealed copy of every record, for an office that sent records before they were
    sealed: the region gets what it needs to give the office back, and may then drop the
    clear copies it holds (``baom-regional privacy migrate``)."""
    envelope = sa.table(
        "outbox_envelope",
        *(sa.column(name) for name in ("id", "created_at", "office_id", "entity_type")),
        *(sa.column(name) for name in ("entity_id", "operation", "base_version", "version")),
        *(sa.column(name) for name in ("payload", "sealed", "content_hash", "status")),
        *(sa.column(name) for name in ("attempts", "last_error", "review_note", "from_region")),
    )
    existing = set(sa.inspect(bind).get_table_names())
    for name, entry in inventory().records.items():
        # The inventory is today's: a kind added by a later revision has no table yet.
        if entry.leaves_office != "sealed" or name == "stat_record" or name not in existing:
            continue
        table = sa.Table(name, sa.MetaData(), autoload_with=bind)
        synced = [column for column in table.columns if column.name in entry.fields]
        synced = [c for c in synced if entry.fields[c.name].leaves_office == "sealed"]
        ids = {c.name for c in synced if isinstance(c.type, sa.CHAR) and c.type.length == 32}
        for row in bind.execute(sa.select(*synced)).mappings():
            payload = {column: _json_value(value) for column, value in row.items()}
            try:
                for column in ids & {name for name, value in payload.items() if value}:
                    payload[column] = str(uuid.UUID(str(payload[column])))  # stored as 32 hex
            except ValueError:
                continue  # not a record this version wrote: left out of the copy
            record_id = uuid.UUID(str(payload["id"]))
            version = int(row["version"])
            body, sealed = leaving_parts(key, name, record_id, version, payload)
            digest = content_hash(name, record_id, "update", version, body, sealed)
            bind.execute(
                sa.insert(envelope).values(
                    id=new_id().hex,
                    created_at=datetime.datetime.now(datetime.UTC).replace(tzinfo=None),
                    office_id=uuid.UUID(str(row["office_id"])).hex,
                    entity_type=name,
                    entity_id=record_id.hex,
                    operation="upsert",
                    base_version=version,
                    version=version,
                    payload=body,
                    sealed=sealed,
                    content_hash=digest,
                    status="pending",
                    attempts=0,
                    last_error="",
                    review_note="",
                    from_region=False,
                )
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
