"""The monthly report said in one language, as the XLSX and PDF writers lay it out: headline
figures and tables of typed values (counts, times, shares, dates, texts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

Value = int | float | date | str | None
"""A cell: a count, a time or a share, a date, a text; ``None`` when there is none."""


@dataclass(frozen=True)
class Column:
    """A column of a table: its header and how its numbers read (``count``, ``minutes``,
    ``days``, ``share``, ``date`` or ``text``)."""

    header: str
    kind: str


@dataclass(frozen=True)
class Table:
    """A table of the report: ``key`` names it (``docs/reports.md``), ``title`` and
    ``sheet`` (at most 31 characters) say it in the report's language; ``chart`` when
    the PDF draws its counts as bars."""

    key: str
    title: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    chart: bool = False
    row_kinds: tuple[str, ...] = ()
    """How each row's last value reads, for a column of kind ``mixed`` (the summary)."""


@dataclass(frozen=True)
class Document:
    """The monthly report in one language, ready to lay out."""

    language: str
    right_to_left: bool
    title: str
    office: str
    month: str
    month_label: str
    subtitle: str
    provisional: str
    headline_title: str
    headline: tuple[tuple[str, Value, str], ...]
    """The headline figures: label, value, kind."""
    charts_title: str
    tables_title: str
    tables: tuple[Table, ...]
    method_title: str
    method: tuple[str, ...]
    footer: str
    """The page's footer, with ``{page}`` and ``{pages}`` left to fill."""
    decimal: str
    none: str
