"""The monthly report of the office (``baom report monthly``): one month's figures for the
commune, the association running the programme and the funders, as PDF, XLSX or JSON.

The figures are :func:`kiosk.reports.period.period_report`'s for the month, *published*
(small counts grouped) before any format sees them, so the three formats give the same
numbers. :func:`build_document` says them in one language as headline figures and tables
of typed values (numbers, dates, shares), which the XLSX writer (``kiosk.reports.xlsx``)
and the PDF writer (``printing.report``, handed in: the core never imports Qt) lay out;
:func:`report_json` gives them with stable keys (``docs/reports.md``). A file is written
beside its place and moved there once whole: a failure leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.clock import OFFICE_ZONE
from kiosk.document_words import DocumentWords
from kiosk.forms.countries import country_name
from kiosk.i18n import default_catalog
from kiosk.office import OfficeContext
from kiosk.reports.document import Column, Document, Table, Value
from kiosk.reports.period import (
    OTHER,
    SMALL_COUNT,
    Counts,
    Durations,
    PeriodReport,
    ReportError,
    period_report,
)
from kiosk.statistics import UNKNOWN

FORMAT = "baom.report_monthly"
VERSION = 1
FORMATS = ("pdf", "xlsx", "json")
LANGUAGES = ("fr", "ar", "en", "zgh")
CHARTS = ("visitors_by_category", "visitors_by_age_band", "needs", "referrals_by_state")
"""The tables the PDF also draws as bar charts."""
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

PdfWriter = Callable[[Document, Path], object]
"""Draws a document as an A4 PDF at a path (``printing.report``, handed in by ``ui.main``)."""


def parse_month(text: str) -> tuple[date, date]:
    """The first and last day of ``YYYY-MM``, or :class:`ReportError` naming ``--month``."""
    found = _MONTH.match(text)
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1900:
        raise ReportError(f"--month: {text!r} is not a month (YYYY-MM)", "month", value=text)
    first = date(int(found[1]), int(found[2]), 1)
    following = (first + timedelta(days=31)).replace(day=1)
    return first, following - timedelta(days=1)


def check_choice(option: str, value: str, allowed: tuple[str, ...], key: str) -> str:
    """``value`` if it is one of ``allowed``, else :class:`ReportError` naming ``option``."""
    if value not in allowed:
        raise ReportError(
            f"{option}: {value!r} is not one of {', '.join(allowed)}", key, value=value
        )
    return value


def monthly_report(context: OfficeContext, month: str, now: datetime | None = None) -> PeriodReport:
    """The published figures of ``month`` (``YYYY-MM``); a month not begun is refused, one
    not over is provisional."""
    start, end = parse_month(month)
    now = now or datetime.now(UTC)
    if start > now.astimezone(OFFICE_ZONE).date():
        raise ReportError(f"--month: {month} has not begun yet", "future", value=month)
    return period_report(context, start, end, now=now).published()


# --- JSON ---------------------------------------------------------------------------------


def _durations(figures: Durations) -> dict[str, Any]:
    return {"count": figures.count, "median": figures.median, "p90": figures.p90}


def report_json(report: PeriodReport, language: str) -> dict[str, Any]:
    """The report with the keys of ``docs/reports.md`` (codes, not words: ``language`` is
    only recorded)."""
    queue, referrals = report.queue, report.referrals
    return {
        "format": FORMAT,
        "version": VERSION,
        "month": report.start.strftime("%Y-%m"),
        "office": report.office,
        "language": language,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "made_at": report.made_at.isoformat(),
        "provisional": report.provisional,
        "small_counts_grouped": report.small_counts_grouped,
        "small_count_threshold": SMALL_COUNT,
        "visits": report.visits,
        "visitors": report.visitors,
        "anonymous_contacts": report.anonymous_contacts,
        "persons_new": report.persons_new,
        "visitors_by_category": dict(report.visitors_by_category),
        "visitors_by_sex": dict(report.visitors_by_sex),
        "visitors_by_age_band": dict(report.visitors_by_age_band),
        "visitors_by_nationality": dict(report.visitors_by_nationality),
        "needs": dict(report.needs),
        "tickets": queue.tickets,
        "queue": {
            "served": queue.served,
            "no_show": queue.no_show,
            "cancelled": queue.cancelled,
            "closed": queue.closed,
            "open": queue.open,
            "wait_min": _durations(queue.wait_min),
            "service_min": _durations(queue.service_min),
            "served_within_target": queue.served_within_target,
        },
        "referrals": dict(referrals.by_state),
        "referrals_made": referrals.made,
        "referrals_by_category": dict(referrals.by_category),
        "partner_response_days": _durations(referrals.response_days),
        "referrals_overdue": referrals.overdue,
        "follow_ups_overdue": report.follow_ups_overdue,
        "needs_met": report.needs_met,
        "needs_not_met": report.needs_not_met,
        "cases_closed": report.cases_closed,
        "cases_resolved": report.cases_resolved,
    }


# --- the document -------------------------------------------------------------------------


class ReportWords(DocumentWords):
    """The report's words in one language, and the words of its breakdowns' keys."""

    prefix = "report."

    def choice(self, field: str, value: str) -> str:
        return self("unknown") if value == UNKNOWN else super().choice(field, value)

    def key(self, dimension: str, value: str) -> str:
        """The words of a breakdown's key."""
        if value == UNKNOWN:
            return self("unknown")
        if dimension in ("category", "sex", "age_band"):
            return self.choice(f"person.{dimension}", value)
        if dimension == "nationality":
            return (
                self("other_nationalities")
                if value == OTHER
                else country_name(value, self.language)
            )
        if dimension == "state":
            return self.tr(f"desk.referral_state.{value}")
        return self.tr(f"directory.category.{value}")


def _breakdown(words: ReportWords, key: str, dimension: str, counts: Counts, unit: str) -> Table:
    return Table(
        key=key,
        title=words(f"table.{key}"),
        sheet=words(f"sheet.{key}")[:31],
        columns=(
            Column(words(f"column.{dimension}"), "text"),
            Column(words(f"column.{unit}"), "count"),
        ),
        rows=tuple((words.key(dimension, value), count) for value, count in counts.items()),
        chart=key in CHARTS,
    )


def _summary(words: ReportWords, report: PeriodReport) -> Table:
    queue, referrals = report.queue, report.referrals
    figures: tuple[tuple[str, Value, str], ...] = (
        ("start", report.start, "date"),
        ("end", report.end, "date"),
        ("visits", report.visits, "count"),
        ("visitors", report.visitors, "count"),
        ("anonymous_contacts", report.anonymous_contacts, "count"),
        ("persons_new", report.persons_new, "count"),
        ("tickets", queue.tickets, "count"),
        ("served", queue.served, "count"),
        ("no_show", queue.no_show, "count"),
        ("cancelled", queue.cancelled, "count"),
        ("wait_median", queue.wait_min.median, "minutes"),
        ("wait_p90", queue.wait_min.p90, "minutes"),
        ("service_median", queue.service_min.median, "minutes"),
        ("service_p90", queue.service_min.p90, "minutes"),
        ("within_target", queue.served_within_target, "share"),
        ("referrals_made", referrals.made, "count"),
        ("response_median", referrals.response_days.median, "days"),
        ("response_p90", referrals.response_days.p90, "days"),
        ("referrals_overdue", referrals.overdue, "count"),
        ("follow_ups_overdue", report.follow_ups_overdue, "count"),
        ("needs_met", report.needs_met, "count"),
        ("needs_not_met", report.needs_not_met, "count"),
        ("cases_closed", report.cases_closed, "count"),
        ("cases_resolved", report.cases_resolved, "count"),
    )
    return Table(
        key="summary",
        title=words("table.summary"),
        sheet=words("sheet.summary")[:31],
        columns=(Column(words("column.figure"), "text"), Column(words("column.value"), "mixed")),
        rows=tuple((words(f"figure.{key}"), value) for key, value, _ in figures),
        row_kinds=tuple(kind for _, _, kind in figures),
    )


def build_document(report: PeriodReport, language: str) -> Document:
    """The published ``report`` said in ``language``."""
    words = ReportWords(language)
    month_label = words.tr(
        "report.month_label",
        month=words.tr(f"person_export.month.{report.start.month}"),
        year=report.start.year,
    )
    office = f"\u2068{report.office}\u2069"
    queue = report.queue
    headline: tuple[tuple[str, Value, str], ...] = (
        (words("figure.visits"), report.visits, "count"),
        (words("figure.visitors"), report.visitors, "count"),
        (words("figure.persons_new"), report.persons_new, "count"),
        (words("figure.tickets"), queue.tickets, "count"),
        (words("figure.referrals_made"), report.referrals.made, "count"),
        (words("figure.needs_met"), report.needs_met, "count"),
    )
    breakdowns = (
        ("visitors_by_category", "category", report.visitors_by_category, "visitors"),
        ("visitors_by_sex", "sex", report.visitors_by_sex, "visitors"),
        ("visitors_by_age_band", "age_band", report.visitors_by_age_band, "visitors"),
        ("visitors_by_nationality", "nationality", report.visitors_by_nationality, "visitors"),
        ("needs", "need", report.needs, "visitors"),
        ("referrals_by_category", "need", report.referrals.by_category, "referrals"),
        ("referrals_by_state", "state", report.referrals.by_state, "referrals"),
    )
    tables = (_summary(words, report), *(_breakdown(words, *table) for table in breakdowns))
    made = report.made_at.astimezone(OFFICE_ZONE).date()
    return Document(
        language=language,
        right_to_left=default_catalog().language(language).right_to_left,
        title=words("title"),
        office=report.office,
        month=report.start.strftime("%Y-%m"),
        month_label=month_label,
        subtitle=words("subtitle", office=office, month=month_label, date=words.date(made)),
        provisional=words("provisional", date=words.date(made)) if report.provisional else "",
        headline_title=words("headline_title"),
        headline=headline,
        charts_title=words("charts_title"),
        tables_title=words("tables_title"),
        tables=tables,
        method_title=words("method_title"),
        method=tuple(
            words(f"method.{key}", threshold=SMALL_COUNT)
            for key in ("source", "visitors", "queue", "referrals", "follow_ups", "small_counts")
        ),
        footer=words("footer", office=office, month=month_label, page="{page}", pages="{pages}"),
        decimal="," if language == "fr" else ".",
        none="—",
    )


# --- writing ------------------------------------------------------------------------------


def _json_file(report: PeriodReport, language: str, path: Path) -> None:
    text = json.dumps(report_json(report, language), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def _target(path: Path) -> Path:
    if path.is_dir():
        raise ReportError(f"--out: {path} is a folder: name a file", "write", file=path.name)
    if not path.parent.is_dir():
        raise ReportError(
            f"--out: there is no folder {path.parent} to write the report in",
            "folder",
            folder=path.parent,
        )
    return path


def write_monthly_report(
    context: OfficeContext,
    month: str,
    language: str,
    kind: str,
    path: Path,
    pdf_writer: PdfWriter | None = None,
    now: datetime | None = None,
) -> PeriodReport:
    """Write the report of ``month`` in ``language`` as ``kind`` (pdf, xlsx, json) to
    ``path``, whole or not at all; returns the published figures."""
    check_choice("--format", kind, FORMATS, "format")
    check_choice("--lang", language, LANGUAGES, "language")
    parse_month(month)
    if kind == "pdf" and pdf_writer is None:
        raise ReportError("--format pdf: this installation cannot draw PDF files", "no_pdf")
    _target(path)
    report = monthly_report(context, month, now)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if kind == "json":
            _json_file(report, language, partial)
        elif kind == "xlsx":
            from kiosk.reports.xlsx import write_xlsx

            write_xlsx(build_document(report, language), partial)
        else:
            assert pdf_writer is not None
            pdf_writer(build_document(report, language), partial)
        os.replace(partial, path)
    except OSError as error:
        raise ReportError(
            f"--out: cannot write {path}: {error.strerror or error}", "write", file=path.name
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return report
