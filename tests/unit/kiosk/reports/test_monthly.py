"""``baom report monthly``: the month of known activity (``tests.helpers.activity``) in the
three formats, which give the same numbers; what the command refuses, and how it writes."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtWidgets import QApplication

from kiosk.clock import office_today
from kiosk.office import OfficeContext
from kiosk.reports.document import Document
from kiosk.reports.monthly import write_monthly_report
from kiosk.reports.period import ReportError
from tests.helpers.activity import known_month
from ui.main import main

EXPECTED = {
    "month": "2026-11",
    "office": "BAOM Taliouine",
    "provisional": False,
    "visits": 13,
    "visitors": 11,
    "anonymous_contacts": 2,
    "persons_new": 8,
    "tickets": 5,
    "visitors_by_category": {"rpt": 8, "mre": 1, "mre_returnee": 1, "other": 1},
    "visitors_by_sex": {"m": 8, "f": 3},
    "visitors_by_age_band": {"18-29": 6, "30-44": 2, "0-17": 1, "45-59": 1, "60+": 1},
    "visitors_by_nationality": {"CI": 5, "other": 4, "unknown": 2},
    "needs": {
        "residence_papers": 5,
        "health": 2,
        "consular": 1,
        "education": 1,
        "housing": 1,
        "legal_aid": 1,
        "pensions_social_security": 1,
    },
    "queue": {
        "served": 3,
        "no_show": 1,
        "cancelled": 1,
        "closed": 0,
        "open": 0,
        "wait_min": {"count": 4, "median": 10.0, "p90": 30.0},
        "service_min": {"count": 3, "median": 15.0, "p90": 20.0},
        "served_within_target": 0.667,
    },
    "referrals": {"sent": 2, "declined": 1, "done": 1, "withdrawn": 1},
    "referrals_made": 5,
    "referrals_by_category": {"residence_papers": 3, "health": 1, "pensions_social_security": 1},
    "partner_response_days": {"count": 2, "median": 1.5, "p90": 2.0},
    "referrals_overdue": 3,
    "follow_ups_overdue": 3,
    "needs_met": 2,
    "needs_not_met": 1,
    "cases_closed": 2,
    "cases_resolved": 1,
    "small_counts_grouped": True,
}
BREAKDOWNS = (
    "visitors_by_category",
    "visitors_by_sex",
    "visitors_by_age_band",
    "visitors_by_nationality",
    "needs",
    "referrals_by_category",
    "referrals",
)
"""The JSON's breakdowns, in the order of the workbook's sheets after the summary."""


def _baom(office: OfficeContext, *args: str) -> int:
    return main(["--data-dir", str(office.paths.data_dir), *args])


def _report(
    office: OfficeContext, folder: Path, kind: str, lang: str = "fr", month: str = "2026-11"
) -> Path:
    out = folder / f"report-{lang}.{kind}"
    code = _baom(office, "report", "monthly", "--month", month, "--lang", lang,
                 "--format", kind, "--out", str(out))  # fmt: skip
    assert code == 0
    return out


def _pdf_text(path: Path) -> str:
    """The PDF's text, its ligatures (ﬀ) as letters."""
    return unicodedata.normalize(
        "NFKC",
        subprocess.run(
            ["pdftotext", "-layout", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout,
    )


def _summary_values(answer: dict[str, Any]) -> list[Any]:
    queue = answer["queue"]
    return [
        datetime(2026, 11, 1),
        datetime(2026, 11, 30),
        answer["visits"],
        answer["visitors"],
        answer["anonymous_contacts"],
        answer["persons_new"],
        answer["tickets"],
        queue["served"],
        queue["no_show"],
        queue["cancelled"],
        queue["wait_min"]["median"],
        queue["wait_min"]["p90"],
        queue["service_min"]["median"],
        queue["service_min"]["p90"],
        queue["served_within_target"],
        answer["referrals_made"],
        answer["partner_response_days"]["median"],
        answer["partner_response_days"]["p90"],
        answer["referrals_overdue"],
        answer["follow_ups_overdue"],
        answer["needs_met"],
        answer["needs_not_met"],
        answer["cases_closed"],
        answer["cases_resolved"],
    ]


def _as_printed(value: Any, number_format: str) -> str:
    """A cell as the French PDF prints it."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if number_format == "0.0%":
        return f"{value * 100:.1f} %".replace(".", ",")
    if number_format == "0.0":
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def test_the_three_formats_give_the_same_numbers(
    qapp: QApplication,  # drawing needs Qt: the session's one application, pytest-qt's
    office: OfficeContext,
    tmp_path: Path,
) -> None:
    known_month(office.store, office.office_id)
    answer = json.loads(_report(office, tmp_path, "json").read_text(encoding="utf-8"))
    assert {key: answer[key] for key in EXPECTED} == EXPECTED

    workbook = openpyxl.load_workbook(_report(office, tmp_path, "xlsx"))
    *tables, method = workbook.worksheets
    assert [sheet.title for sheet in workbook.worksheets][:2] == ["Résumé", "Catégories"]
    assert method.title == "Note de méthode"
    summary = [row[1].value for row in tables[0].iter_rows(min_row=3)]
    assert summary == _summary_values(answer)
    for sheet, key in zip(tables[1:], BREAKDOWNS, strict=True):
        assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == list(
            answer[key].values()
        ), sheet.title
        assert all(isinstance(row[1].value, int) for row in sheet.iter_rows(min_row=3))
    assert all(sheet.freeze_panes == "A3" for sheet in workbook.worksheets)
    for sheet in tables:  # each column as wide as its longest text
        longest = max(len(str(row[0].value)) for row in sheet.iter_rows(min_row=2))
        assert sheet.column_dimensions["A"].width >= longest, sheet.title
    assert ("Autres nationalités (moins de 5 visiteurs chacune)", 4) in list(
        tables[4].iter_rows(min_row=3, values_only=True)
    )

    text = _pdf_text(_report(office, tmp_path, "pdf"))
    assert "BAOM Taliouine" in text and "novembre 2026" in text and "Provisoire" not in text
    assert re.search(r"page 1 / \d", text)
    tables_part = text[text.rindex("Tableaux") :]
    for sheet in tables:
        title = str(sheet["A1"].value).split(" — ")[0]
        start = tables_part.index(title)
        section, tables_part = tables_part[start:], tables_part[start + len(title) :]
        for label, value in sheet.iter_rows(min_row=3):
            printed = _as_printed(value.value, value.number_format)
            pattern = rf"^\s*{re.escape(str(label.value))}\s+{re.escape(printed)}\s*$"
            assert re.search(pattern, section, re.MULTILINE), (title, label.value, printed)
    every = json.dumps(answer) + text + str([list(s.values) for s in workbook.worksheets])
    assert "Given" not in every and "Sénégal" not in every and "Mali" not in every


def test_the_arabic_report_runs_right_to_left(
    qapp: QApplication, office: OfficeContext, tmp_path: Path
) -> None:
    known_month(office.store, office.office_id)
    workbook = openpyxl.load_workbook(_report(office, tmp_path, "xlsx", "ar"))
    assert workbook.worksheets[0].title == "الملخص"
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    assert workbook.worksheets[0]["A2"].value == "المؤشر"
    text = re.sub("[\u202a-\u202e]", "", _pdf_text(_report(office, tmp_path, "pdf", "ar")))
    assert "BAOM Taliouine" in text and "2026" in text
    for label, value in workbook.worksheets[0].iter_rows(min_row=3):
        if value.number_format == "0":  # a count on the left, its name on the right
            line = rf"^\s*{value.value}\s+{re.escape(str(label.value))}\s*$"
            assert re.search(line, text, re.MULTILINE), label.value


def test_a_month_not_over_is_provisional(
    office: OfficeContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    month = office_today().strftime("%Y-%m")
    out = tmp_path / "now.json"
    code = _baom(office, "report", "monthly", "--month", month, "--lang", "en",
                 "--format", "json", "--out", str(out), "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["provisional"] is True
    assert json.loads(capsys.readouterr().out) == {
        "month": month,
        "language": "en",
        "format": "json",
        "path": str(out),
        "provisional": True,
    }
    sheet = openpyxl.load_workbook(_report(office, tmp_path, "xlsx", "en", month)).worksheets[0]
    assert "Provisional: the month is not over" in str(sheet["A1"].value)


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--month", "2026-13", "baom: --month: '2026-13' is not a month (YYYY-MM)"),
        ("--month", "novembre", "baom: --month: 'novembre' is not a month (YYYY-MM)"),
        ("--month", "2999-01", "baom: --month: 2999-01 has not begun yet"),
        ("--format", "docx", "baom: --format: 'docx' is not one of pdf, xlsx, json"),
        ("--lang", "de", "baom: --lang: 'de' is not one of fr, ar, en, zgh"),
    ],
)
def test_a_bad_option_is_one_line_and_nothing_is_written(
    office: OfficeContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    said: str,
) -> None:
    options = {"--month": "2026-11", "--lang": "fr", "--format": "json", option: value}
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "report.out"
    arguments = [part for pair in options.items() for part in pair]
    assert _baom(office, "report", "monthly", *arguments, "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [said]
    assert list(folder.iterdir()) == []


def test_a_report_that_fails_midway_leaves_nothing(office: OfficeContext, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "report.pdf"
    out.write_bytes(b"last month's report")

    def failing(document: Document, path: Path) -> None:
        path.write_bytes(b"%PDF-1.4 half")
        raise OSError(28, "No space left on device")

    now = datetime(2026, 12, 15, tzinfo=UTC)
    with pytest.raises(ReportError, match="No space left on device"):
        write_monthly_report(office, "2026-11", "fr", "pdf", out, failing, now)
    assert out.read_bytes() == b"last month's report"
    assert [path.name for path in folder.iterdir()] == ["report.pdf"]


def test_a_report_into_a_missing_folder_is_refused_in_one_line(
    office: OfficeContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nowhere" / "report.json"
    code = _baom(office, "report", "monthly", "--month", "2026-11", "--lang", "fr",
                 "--format", "json", "--out", str(out))  # fmt: skip
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"baom: --out: there is no folder {out.parent} to write the report in"
    ]
    assert not out.parent.exists()
