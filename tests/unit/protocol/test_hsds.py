"""The directory tables as the protocol describes them are the office's tables."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, ColumnDefault, Enum, Float, Uuid

from db.directory import MODELS, TABLES, hsds_table
from protocol.directory.hsds import SPECS, Column

_KINDS = ((Uuid, "uuid"), (Boolean, "bool"), (Float, "float"), (JSON, "json"), (Enum, "enum"))


def _from_the_database(name: str) -> list[Column]:
    """The columns of the office's table, read as the cleaner once read them."""
    columns = []
    for column in hsds_table(name).columns:
        kind: Any = next((tag for kind, tag in _KINDS if isinstance(column.type, kind)), "text")
        default: Any = None
        if isinstance(column.default, ColumnDefault):
            made = column.default.arg
            default = made(None) if callable(made) else made
        required = not isinstance(column.default, ColumnDefault) and not column.nullable
        values = tuple(column.type.enums) if kind == "enum" else ()  # type: ignore[attr-defined]
        columns.append(Column(column.name, kind, required, default, values))
    return columns


def test_the_protocol_holds_the_office_s_tables_in_the_same_order() -> None:
    assert list(SPECS) == list(MODELS)
    assert tuple(MODELS.values()) == TABLES


@pytest.mark.parametrize("name", list(SPECS))
def test_a_table_s_columns_are_the_office_s(name: str) -> None:
    assert list(SPECS[name].layout) == _from_the_database(name)


def test_each_column_gets_its_own_default_value() -> None:
    def translations(table: str) -> Column:
        return next(column for column in SPECS[table].layout if column.name == "translations")

    assert translations("service").default == translations("phone").default == {}
    assert translations("service").default is not translations("phone").default
