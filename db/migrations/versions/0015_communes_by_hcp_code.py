"""communes by HCP code: a person's and the office's commune named by its code

Revision ID: 0015
Revises: 0014

A commune was free text; it is now the HCP code of a commune of Souss-Massa
(``protocol.communes``). The upgrade replaces in ``person.commune`` and ``office.commune``
every name it recognises (any spelling, French or Arabic) with its code, and keeps any
other text as it was typed (a commune elsewhere, a spelling not known: still readable,
never lost). Only the values change, not the schema, nor the records' versions: every PC
of an office upgrades its own copy the same way, and the sealed copies at the region keep
the name until the record next changes. Statistics records already made keep their name
(they were sent and are never changed; the region reads a name as its code). The
downgrade writes the French name back in place of a code.
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from protocol.communes import commune_code, commune_name

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("person", "office")


def _rewrite(change: Callable[[str], str]) -> None:
    connection = op.get_bind()
    for table in TABLES:
        values = connection.execute(
            sa.text(f"SELECT DISTINCT commune FROM {table} WHERE commune != ''")
        ).scalars()
        for value in list(values):
            new = change(value)
            if new != value:
                connection.execute(
                    sa.text(f"UPDATE {table} SET commune = :new WHERE commune = :old"),
                    {"new": new, "old": value},
                )


def upgrade() -> None:
    _rewrite(commune_code)


def downgrade() -> None:
    _rewrite(lambda value: commune_name(value, "fr"))
