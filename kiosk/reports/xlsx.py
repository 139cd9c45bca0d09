"""The monthly report (``kiosk.reports.monthly``) as an XLSX workbook, with openpyxl.

One sheet per table, named in the report's language: the table's title on the first row,
its headers on the second (both frozen), then real numbers, shares and dates (formatted,
never text); columns wide enough to read; an Arabic report's sheets run right to left.
A last sheet holds the method note.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kiosk.reports.document import Document, Table, Value

NUMBER_FORMATS = {
    "count": "0",
    "minutes": "0.0",
    "days": "0.0",
    "share": "0.0%",
    "date": "yyyy-mm-dd",
}
MAX_WIDTH = 70


def _heading(sheet: Worksheet, document: Document, title: str) -> None:
    provisional = f" — {document.provisional}" if document.provisional else ""
    sheet.append([f"{title} — {document.office} — {document.month_label}{provisional}"])
    sheet["A1"].font = Font(bold=True, size=12)


def _widths(sheet: Worksheet, texts: list[list[str]]) -> None:
    for index, column in enumerate(zip(*texts, strict=False), start=1):
        width = max(len(text) for text in column) + 3
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(12, width))


def _table(sheet: Worksheet, document: Document, table: Table) -> None:
    _heading(sheet, document, table.title)
    sheet.append([column.header for column in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(table.rows):
        sheet.append(list(row))
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            kind = table.row_kinds[number] if column.kind == "mixed" else column.kind
            if kind in NUMBER_FORMATS and value is not None:
                cell = sheet.cell(row=number + 3, column=index)
                cell.number_format = NUMBER_FORMATS[kind]
                cell.alignment = Alignment(horizontal="right")
    sheet.freeze_panes = "A3"
    texts = [[column.header for column in table.columns]]
    texts += [[_shown(value) for value in row] for row in table.rows]
    _widths(sheet, texts)


def _shown(value: Value) -> str:
    return "" if value is None else str(value)


def write_xlsx(document: Document, path: Path) -> None:
    """Write ``document`` to ``path`` as an XLSX workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in document.tables:
        sheet = workbook.create_sheet(table.sheet)
        _table(sheet, document, table)
    method = workbook.create_sheet(document.method_title[:31])
    _heading(method, document, document.method_title)
    method.append([document.method_title])
    method["A2"].font = Font(bold=True)
    for paragraph in document.method:
        method.append([paragraph])
        method.cell(row=method.max_row, column=1).alignment = Alignment(wrap_text=True)
    method.freeze_panes = "A3"
    method.column_dimensions["A"].width = 110
    for sheet in workbook.worksheets:
        sheet.sheet_view.rightToLeft = document.right_to_left
    workbook.properties.title = f"{document.title} — {document.month}"
    workbook.save(path)
