"""The dashboard's exports: CSV (UTF-8 with a BOM, so that Excel reads Arabic right) and XLSX.

Both hold the page's tables, row for row (:func:`regional.dashboard.values`), the map's
communes among them (code, name, province, count and rate per 10,000 inhabitants), with a
hidden count (and its rate) written "fewer than 5" in the page's language, never as a
number. Names come from the
offices (a commune is free text): none is ever read as a formula — a CSV text starting with
``=``, ``+``, ``-``, ``@`` or a control character gets a leading ``'``, and a workbook's
texts are stored as texts.
"""

from __future__ import annotations

import csv
import io

from regional.dashboard import HIDDEN, TEXTS, Dashboard, Value, values

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Value, lang: str) -> str | float:
    return TEXTS[lang]["hidden"] if value is HIDDEN else value


def _csv_text(value: Value, lang: str) -> str | float:
    text = _text(value, lang)
    return f"'{text}" if isinstance(text, str) and text.startswith(FORMULA_STARTS) else text


def to_csv(dashboard: Dashboard) -> bytes:
    """The tables one under the other, a blank line between two."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in values(dashboard.tables()):
        writer.writerow([_csv_text(value, dashboard.lang) for value in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(dashboard: Dashboard) -> bytes:
    """One sheet, right to left in Arabic; counts are numbers, titles and headers bold.

    Written in openpyxl's write-only mode, row by row (several times faster).
    """
    from openpyxl import Workbook  # only for an export
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(dashboard.month)
    sheet.sheet_view.rightToLeft = dashboard.lang == "ar"
    sheet.column_dimensions["A"].width = 42
    for column in "BCDEFGHIJ":
        sheet.column_dimensions[column].width = 16
    bold = Font(bold=True)
    previous: list[Value] = []
    for n, row in enumerate(values(dashboard.tables())):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, _text(value, dashboard.lang))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula
            if n == 0 or not previous or len(previous) == 1:  # a title or a header
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        previous = row
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
