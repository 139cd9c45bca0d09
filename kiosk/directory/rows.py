"""Reading directory rows as plain dictionaries (what cards, documents and exports use)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import directory as d


def rows_of(session: Session, model: type[d.HsdsRecord], **where: Any) -> list[dict[str, Any]]:
    """The rows of ``model`` whose columns equal the values given (or are in a list given)."""
    table = model.__table__  # type: ignore[attr-defined]
    query = select(table)
    for column, value in where.items():
        if isinstance(value, list | set | tuple):
            query = query.where(table.c[column].in_(list(value)))
        else:
            query = query.where(table.c[column] == value)
    return [dict(row) for row in session.execute(query).mappings()]
