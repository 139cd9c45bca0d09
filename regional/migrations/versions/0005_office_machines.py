"""office machines: an office may have several PCs, each with its own token

Revision ID: 0005
Revises: 0004

- ``office_machine``: one row per PC of an office (its token's hash, name, enrolment,
  revocation, last sync and bundle secret). Each enrolled office's token, machine name,
  enrolment time and bundle secret move there from ``office``.
- ``enrolment_code.adds_machine``: enrolling with the code adds a PC to the office instead
  of replacing its PCs.

The downgrade gives each office back the most recently enrolled of its live machines.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOVED = ("token_hash", "machine", "enrolled_at", "bundle_secret")
_office = sa.table(
    "office",
    sa.column("id", sa.Uuid()),
    sa.column("created_at", sa.DateTime()),
    sa.column("last_sync", sa.DateTime()),
    sa.column("token_hash", sa.String()),
    sa.column("machine", sa.String()),
    sa.column("enrolled_at", sa.DateTime()),
    sa.column("bundle_secret", sa.String()),
)
_machine = sa.table(
    "office_machine",
    sa.column("id", sa.Uuid()),
    sa.column("office_id", sa.Uuid()),
    sa.column("token_hash", sa.String()),
    sa.column("name", sa.String()),
    sa.column("enrolled_at", sa.DateTime()),
    sa.column("revoked_at", sa.DateTime()),
    sa.column("last_sync", sa.DateTime()),
    sa.column("bundle_secret", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "office_machine",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_sync", sa.DateTime(), nullable=True),
        sa.Column("bundle_secret", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_office_machine_office_id_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_machine")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_office_machine_token_hash")),
    )
    with op.batch_alter_table("office_machine", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_machine_office_id"), ["office_id"], unique=False
        )
    bind = op.get_bind()
    enrolled = bind.execute(sa.select(_office).where(_office.c.token_hash.is_not(None))).all()
    rows = [
        {
            "id": uuid.uuid4(),
            "office_id": office.id,
            "token_hash": office.token_hash,
            "name": office.machine,
            "enrolled_at": office.enrolled_at or office.created_at,
            "revoked_at": None,
            "last_sync": office.last_sync,
            "bundle_secret": office.bundle_secret,
        }
        for office in enrolled
    ]
    if rows:
        bind.execute(sa.insert(_machine), rows)

    with op.batch_alter_table("enrolment_code", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("adds_machine", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_office_token_hash"), type_="unique")
        for column in _MOVED:
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("machine", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("enrolled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("bundle_secret", sa.String(length=128), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_office_token_hash"), ["token_hash"])
    bind = op.get_bind()
    newest: dict[uuid.UUID, sa.Row[tuple[object, ...]]] = {}
    for machine in bind.execute(
        sa.select(_machine).where(_machine.c.revoked_at.is_(None)).order_by(_machine.c.enrolled_at)
    ).all():
        newest[machine.office_id] = machine
    for office_id, machine in newest.items():
        bind.execute(
            sa.update(_office)
            .where(_office.c.id == office_id)
            .values(
                token_hash=machine.token_hash,
                machine=machine.name,
                enrolled_at=machine.enrolled_at,
                bundle_secret=machine.bundle_secret,
            )
        )

    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE enrolment_code DROP COLUMN adds_machine")
    else:
        op.drop_column("enrolment_code", "adds_machine")
    with op.batch_alter_table("office_machine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_machine_office_id"))
    op.drop_table("office_machine")
