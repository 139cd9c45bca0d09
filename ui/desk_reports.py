"""The desk's Reports page (supervisors): the office's activity over a chosen period.

The figures are :func:`kiosk.reports.period.period_report`'s, read on the worker thread (no
figure is computed here): headline numbers, and bar charts of the breakdowns (QtCharts,
imported when the page is first shown). Every figure that counts cases opens the list
behind it (``kiosk.reports.lists``, audited); a case of the list opens on a double click.
"Monthly report…" writes the month's report as ``baom report monthly`` does. A framed
place shows the map of the visitors of the office's province (QtSvg, imported with it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QLocale, QStandardPaths, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.accounts import AccountError, Permission, require
from kiosk.clock import office_today
from kiosk.i18n import Refusal, Translator
from kiosk.office import OfficeContext
from kiosk.reports.lists import ANONYMOUS, BREAKDOWNS, FigureList, figure_list
from kiosk.reports.monthly import FORMATS, ReportWords, write_monthly_report
from kiosk.reports.period import PeriodReport, period_report, visitors_by_commune
from protocol.commune_map import render_map
from protocol.communes import find_commune
from ui.accessibility import announce, describe, name_widget
from ui.language import LanguageState, isolate
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

if TYPE_CHECKING:
    from PySide6.QtSvgWidgets import QSvgWidget

    from ui.report_charts import BarChart

log = logging.getLogger(__name__)

PERIODS = ("day", "week", "month", "custom")
QT_LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en_GB", "zgh": "fr_MA"}
REPORT_LANGUAGES = ("fr", "ar")
"""The languages of the monthly report written from the desk (the commune's)."""
TABLES = frozenset(
    {
        "ticket",
        "intake",
        "person",
        "case",
        "case_need",
        "case_need_event",
        "referral",
        "referral_event",
        "accompaniment_step",
    }
)
"""The tables the figures are counted from."""


@dataclass(frozen=True)
class Headline:
    """A headline figure: its key (``report.figure.*``), how it reads, and the list behind
    it (none for the queue's figures, which name no case)."""

    key: str
    kind: str
    listed: bool


HEADLINES = (
    Headline("visits", "count", True),
    Headline("visitors", "count", True),
    Headline("anonymous_contacts", "count", True),
    Headline("persons_new", "count", True),
    Headline("tickets", "count", False),
    Headline("served", "count", False),
    Headline("wait_median", "minutes", False),
    Headline("within_target", "share", False),
    Headline("referrals_made", "count", True),
    Headline("response_median", "days", False),
    Headline("referrals_overdue", "count", True),
    Headline("follow_ups_overdue", "count", True),
    Headline("needs_met", "count", True),
    Headline("needs_not_met", "count", True),
    Headline("cases_closed", "count", True),
    Headline("cases_resolved", "count", True),
)
CHARTS = (
    ("visitors_by_category", "category"),
    ("visitors_by_sex", "sex"),
    ("visitors_by_age_band", "age_band"),
    ("visitors_by_nationality", "nationality"),
    ("needs", "need"),
    ("referrals_by_category", "need"),
    ("referrals_by_state", "state"),
)
"""The breakdowns drawn as bars: the table's key, the dimension of its keys."""
HEADLINE_COLUMNS = 4
MAP_HEIGHT = 420
"""The province map's height in pixels (its width follows the page)."""


def headline_value(report: PeriodReport, key: str) -> int | float | None:
    """The value of headline figure ``key`` in ``report``."""
    queue, referrals = report.queue, report.referrals
    values: dict[str, int | float | None] = {
        "tickets": queue.tickets,
        "served": queue.served,
        "wait_median": queue.wait_min.median,
        "within_target": queue.served_within_target,
        "referrals_made": referrals.made,
        "response_median": referrals.response_days.median,
        "referrals_overdue": referrals.overdue,
    }
    return values[key] if key in values else getattr(report, key)


def breakdown(report: PeriodReport, table: str) -> dict[str, int]:
    """The counts of breakdown ``table`` (``report.table.*``) in ``report``."""
    if table == "referrals_by_category":
        return dict(report.referrals.by_category)
    if table == "referrals_by_state":
        return dict(report.referrals.by_state)
    return dict(getattr(report, table))


def shown(value: int | float | None, kind: str, code: str) -> str:
    """A figure as the page shows it (a decimal comma in French)."""
    if value is None:
        return "—"
    if kind == "share":
        return f"{round(value * 100)} %"
    if kind == "count":
        return str(value)
    text = f"{value:.1f}"
    return text.replace(".", ",") if code == "fr" else text


def period_of(kind: str, anchor: date, until: date) -> tuple[date, date]:
    """The first and last day of the period of ``kind`` around ``anchor`` (``until`` ends
    a custom period)."""
    if kind == "day":
        return anchor, anchor
    if kind == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return monday, monday + timedelta(days=6)
    if kind == "month":
        first = anchor.replace(day=1)
        return first, (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    return anchor, until


def read_report(context: OfficeContext, actor: Actor, start: date, end: date) -> PeriodReport:
    """The figures of the period, if ``actor`` may view reports (else PermissionDenied)."""
    require(actor, Permission.VIEW_REPORTS)
    return period_report(context, start, end)


def read_province_map(
    context: OfficeContext, actor: Actor, start: date, end: date, language: str
) -> str | None:
    """The SVG map of the period's visitors by commune over the office's province, if
    ``actor`` may view reports; None when the office's commune is not one of Souss-Massa."""
    require(actor, Permission.VIEW_REPORTS)
    office_commune = find_commune(context.office_commune)
    if office_commune is None:
        return None
    counts = visitors_by_commune(context, start, end)
    return render_map(counts, language, province_code=office_commune.province)


def write_report(
    context: OfficeContext, actor: Actor, month: str, language: str, kind: str, path: Path
) -> Path:
    """Write the monthly report as ``baom report monthly`` does, if ``actor`` may view
    reports; returns where."""
    require(actor, Permission.VIEW_REPORTS)
    from printing.report import write_report_pdf

    write_monthly_report(context, month, language, kind, path, write_report_pdf)
    return path


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def failure_text(error: BaseException, fallback: str) -> Callable[[Translator], str]:
    """What to say of a failure: a refusal's own words, else ``fallback`` (logged)."""
    if isinstance(error, AccountError):
        key = error.message_key
        return lambda tr: tr(key)
    if isinstance(error, Refusal) and error.message_key == "error.reports.period_order":
        refusal = error
        return lambda tr: tr(refusal.message_key, **refusal.params)
    log.error("the reports page failed", exc_info=error)
    return lambda tr: tr(fallback)


class FigureTile(QFrame):
    """A headline figure: the number large, its name under it; clickable when a list is
    behind it.

    Signals:
        clicked(str): the figure's key.
    """

    clicked = Signal(str)

    def __init__(self, headline: Headline) -> None:
        super().__init__()
        self.headline = headline
        self.setObjectName("figureTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value_label = named(QLabel("—"), "figureValue")
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignCenter)  # its size: desk.qss
        self.caption_label = QLabel(wordWrap=True)
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(0)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        if headline.listed:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab to it, Enter opens

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click opens the list behind the figure."""
        super().mouseReleaseEvent(event)
        if self.headline.listed and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.headline.key)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Space opens the list, as a click does."""
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if self.headline.listed and event.key() in keys:
            self.clicked.emit(self.headline.key)
        else:
            super().keyPressEvent(event)


class FigureListDialog(QDialog):
    """The cases behind a figure: code, date, state, detail; a double click opens a case.

    Signals:
        case_requested(str): the id of the case to open.
    """

    case_requested = Signal(str)
    COLUMNS = ("case", "day", "state", "detail")

    def __init__(self, parent: QWidget, language: LanguageState, title: str) -> None:
        super().__init__(parent)
        self._language = language
        self.listed: FigureList | None = None
        tr = language.translator
        self.setWindowTitle(title)
        self.setLayoutDirection(language.direction)
        self.title_label = named(QLabel(title, wordWrap=True), "queueHeading")
        self.message_label = QLabel(tr("desk.loading"), wordWrap=True)
        self.table = named(QTableWidget(0, len(self.COLUMNS)), "figureList")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalHeaderLabels(
            [tr(f"desk.reports.list.{column}") for column in self.COLUMNS]
        )
        self.table.cellDoubleClicked.connect(self.on_double_clicked)
        self.title_label.setBuddy(self.table)  # the table is named after its title
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def show_list(self, listed: FigureList) -> None:
        """Fill the table with the rows read."""
        tr = self._language.translator
        self.listed = listed
        self.message_label.setText(tr("desk.reports.list.hint", count=len(listed.rows)))
        self.table.setRowCount(len(listed.rows))
        for row, line in enumerate(listed.rows):
            code = isolate(line.case_code) if line.case_code else "—"
            day = isolate(line.day.strftime("%d/%m/%Y"))
            cells = (code, day, self._state(line.state), self._detail(listed.figure, line.detail))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0 and line.case_id is not None:
                    item.setData(Qt.ItemDataRole.UserRole, str(line.case_id))
                self.table.setItem(row, column, item)

    def show_failure(self, text: str) -> None:
        """Say why there is no list."""
        self.message_label.setText(text)

    def _state(self, state: str) -> str:
        tr = self._language.translator
        if state == ANONYMOUS:
            return tr("desk.reports.list.anonymous")
        if state in ("open", "closed"):
            return tr(f"desk.case.status_{state}")
        if state in ("met", "not_met"):
            return tr(f"desk.need_state.{state}")
        return tr(f"desk.referral_state.{state}") if state else ""

    def _detail(self, figure: str, detail: str) -> str:
        tr = self._language.translator
        if not detail:
            return ""
        if figure.startswith("cases_"):
            return tr(f"desk.close_reason.{detail}")
        if figure.startswith("needs_"):
            return tr(f"directory.category.{detail}")
        return isolate(detail)  # a referral's code

    def on_double_clicked(self, row: int, _column: int) -> None:
        """Open the case of the row (an anonymous contact has none)."""
        item = self.table.item(row, 0)
        case_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if case_id:
            self.case_requested.emit(case_id)
            self.accept()


class MonthlyReportDialog(QDialog):
    """Which month (the last one over, unless the supervisor chooses another), language
    and format to write the monthly report in."""

    def __init__(self, parent: QWidget, language: LanguageState) -> None:
        super().__init__(parent)
        tr = language.translator
        self.setWindowTitle(tr("desk.reports.monthly_title"))
        self.setLayoutDirection(language.direction)
        today = office_today()
        last_month = today.replace(day=1) - timedelta(days=1)  # the month just over, first
        self.month_edit = named(QDateEdit(_qdate(last_month.replace(day=1))), "reportMonth")
        self.month_edit.setDisplayFormat("MM/yyyy")
        self.month_edit.setMaximumDate(_qdate(today))
        self.language_box = QComboBox()
        for code in REPORT_LANGUAGES:
            self.language_box.addItem(language.catalog.language(code).native_name, code)
        index = self.language_box.findData(language.code)
        self.language_box.setCurrentIndex(max(index, 0))
        self.format_box = QComboBox()
        for kind in FORMATS:
            self.format_box.addItem(kind.upper(), kind)
        form = QFormLayout()  # each label names its field (a combo box needs it said)
        form.addRow(tr("desk.reports.monthly_month"), self.month_edit)
        form.addRow(tr("desk.reports.monthly_language"), self.language_box)
        form.addRow(tr("desk.reports.monthly_format"), self.format_box)
        name_widget(self.language_box, tr("desk.reports.monthly_language"))
        name_widget(self.format_box, tr("desk.reports.monthly_format"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("desk.reports.monthly_save"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def choice(self) -> tuple[str, str, str]:
        """The month (``YYYY-MM``), the language and the format chosen."""
        month = _date(self.month_edit.date()).strftime("%Y-%m")
        return month, self.language_box.currentData(), self.format_box.currentData()


class ReportsPage(FollowingWidget):
    """The office's figures over a period, with charts and the lists behind them.

    Signals:
        case_requested(str): open this case (from a list).
    """

    case_requested = Signal(str)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
    ) -> None:
        super().__init__()
        self.section = "reports"
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self.report: PeriodReport | None = None
        self.charts: dict[str, BarChart] = {}
        self.list_dialog: FigureListDialog | None = None
        self._error: Callable[[Translator], str] | None = None
        self._saved: Callable[[Translator], str] | None = None
        self._words: dict[str, ReportWords] = {}
        self._build()
        language.language_changed.connect(self.retranslate)
        self.period_box.currentIndexChanged.connect(self.on_period_chosen)
        self.start_edit.dateChanged.connect(self.on_period_chosen)
        self.end_edit.dateChanged.connect(self.on_period_chosen)
        self.monthly_button.clicked.connect(self.on_monthly_requested)
        self.retranslate()
        self.follow = Follow(self, tasks, TABLES, self.refresh)

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.period_label = QLabel()
        self.period_box = named(QComboBox(), "reportPeriod")
        for kind in PERIODS:
            self.period_box.addItem("", kind)
        self.period_box.setCurrentIndex(PERIODS.index("month"))
        today = _qdate(office_today())
        self.start_edit = named(QDateEdit(today), "reportStart")
        self.end_edit = named(QDateEdit(today), "reportEnd")
        self.to_label = QLabel()
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setMaximumDate(today)
        self.monthly_button = named(QPushButton(), "monthlyReport")
        self.period_label.setBuddy(self.period_box)  # a screen reader's name for it
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.period_label)
        top.addWidget(self.period_box)
        top.addWidget(self.start_edit)
        top.addWidget(self.to_label)
        top.addWidget(self.end_edit)
        top.addWidget(self.monthly_button)
        self.span_label = named(QLabel(), "queueHeading")
        self.message_label = named(QLabel(wordWrap=True), "reportMessage")
        self.saved_label = named(QLabel(wordWrap=True), "reportSaved")
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        self.headline_heading = named(QLabel(), "queueHeading")
        column.addWidget(self.headline_heading)
        grid = QGridLayout()
        self.tiles: dict[str, FigureTile] = {}
        for index, headline in enumerate(HEADLINES):
            tile = FigureTile(headline)
            tile.clicked.connect(self.open_list)
            grid.addWidget(tile, index // HEADLINE_COLUMNS, index % HEADLINE_COLUMNS)
            self.tiles[headline.key] = tile
        column.addLayout(grid)
        self.charts_heading = named(QLabel(), "queueHeading")
        column.addWidget(self.charts_heading)
        self.charts_grid = QGridLayout()
        column.addLayout(self.charts_grid)
        self.map_frame = named(QGroupBox(), "provinceMap")
        self.map_label = QLabel(wordWrap=True)
        self.map_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.map_label.hide()
        self.map_view: QSvgWidget | None = None
        self._map_svg: str | None = None
        self.map_layout = QVBoxLayout(self.map_frame)
        self.map_layout.addWidget(self.map_label)
        column.addWidget(self.map_frame)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # no Tab stop of its own: Tab goes from figure to chart, and it scrolls to each
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.span_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.saved_label)
        layout.addWidget(scroll, 1)
        self._show_custom()

    def changeEvent(self, event: QEvent) -> None:
        """The desk's text size changed: the charts are drawn again at it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and getattr(self, "report", None):
            self._fill()

    def _build_charts(self) -> None:
        """The charts, at the page's first figures (QtCharts is imported only then)."""
        from ui.report_charts import BarChart

        for index, (table, _dimension) in enumerate(CHARTS):
            chart = named(BarChart(), f"chart_{table}")
            chart.bar_clicked.connect(partial(self.open_list, table))
            self.charts_grid.addWidget(
                chart, index // 2, index % 2, alignment=Qt.AlignmentFlag.AlignTop
            )
            self.charts[table] = chart

    @property
    def period(self) -> tuple[date, date]:
        """The first and last office day of the period chosen."""
        kind = self.period_box.currentData()
        return period_of(kind, _date(self.start_edit.date()), _date(self.end_edit.date()))

    def refresh(self) -> None:
        """Read the period's figures again (on the worker thread)."""
        start, end = self.period
        work = partial(read_report, self._context, self._actor, start, end)
        self._tasks.run(work, self.on_report_loaded, self.on_read_failed, latest="reports")
        self._read_map()

    def _read_map(self) -> None:
        start, end = self.period
        language = self._language.code
        work = partial(read_province_map, self._context, self._actor, start, end, language)
        self._tasks.run(work, self.on_map_loaded, self.on_map_failed, latest="reports map")

    def on_map_loaded(self, svg: str | None) -> None:
        """Show the province's map just drawn (QtSvg is imported only now)."""
        self._map_svg = svg
        if svg is None:
            self.map_label.setText(self._language.translator("desk.reports.map_none"))
            self.map_label.show()
            if self.map_view is not None:
                self.map_view.hide()
            return
        if self.map_view is None:
            from PySide6.QtSvgWidgets import QSvgWidget

            self.map_view = named(QSvgWidget(), "provinceMapView")
            self.map_view.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
            self.map_view.setMinimumHeight(MAP_HEIGHT)
            self.map_layout.addWidget(self.map_view)
        self.map_view.load(svg.encode())
        self.map_view.show()
        self.map_label.hide()

    def on_map_failed(self, error: BaseException) -> None:
        """Say why there is no map."""
        self._map_svg = None
        self.map_label.setText(
            failure_text(error, "desk.reports.failed")(self._language.translator)
        )
        self.map_label.show()
        if self.map_view is not None:
            self.map_view.hide()

    def on_period_chosen(self, *_: object) -> None:
        """Show another period."""
        self._show_custom()
        self._show_span()
        if self.isVisible():
            self.refresh()
        else:
            self.follow.stale = True

    def on_report_loaded(self, report: PeriodReport) -> None:
        """Show the figures just read."""
        self._error = None
        self.report = report
        if not self.charts:
            self._build_charts()
        self._fill()

    def on_read_failed(self, error: BaseException) -> None:
        """Say why there are no figures."""
        self._error = failure_text(error, "desk.reports.failed")
        self._fill()

    # --- the lists behind the figures ------------------------------------------------------

    def open_list(self, figure: str, key: str = "") -> None:
        """Show the cases behind ``figure`` (``key`` of a breakdown) as the figures shown
        count them (same period, same moment), read on the worker."""
        report = self.report
        if report is None or self._error is not None:
            return  # no figure shown, no list
        title = self._figure_words(figure)
        if key:
            dimension = dict(CHARTS)[figure]
            title = f"{title} — {self._words_of().key(dimension, key)}"
        if self.list_dialog is not None:
            self.list_dialog.close()
            self.list_dialog.deleteLater()
        dialog = FigureListDialog(self, self._language, title)
        dialog.case_requested.connect(self.case_requested)
        self.list_dialog = dialog
        work = partial(
            figure_list,
            self._context,
            self._actor,
            figure,
            report.start,
            report.end,
            key,
            now=report.made_at,
        )
        self._tasks.run(work, dialog.show_list, self.on_list_failed, latest="report list")
        dialog.show()

    def on_list_failed(self, error: BaseException) -> None:
        """Say in the list's window why there is no list."""
        if self.list_dialog is not None:
            self.list_dialog.show_failure(
                failure_text(error, "desk.reports.list.failed")(self._language.translator)
            )

    # --- the monthly report -------------------------------------------------------------------

    def on_monthly_requested(self) -> None:
        """Ask which month, language and format, then where; write it on the worker."""
        choice = self.choose_monthly()
        if choice is None:
            return
        month, language, kind = choice
        path = self.choose_file(f"baom-{month}-{language}.{kind}", kind)
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(f".{kind}")
        self.monthly_button.setEnabled(False)
        self._saved = lambda tr: tr("desk.reports.monthly_writing")
        self._show_saved()
        work = partial(write_report, self._context, self._actor, month, language, kind, target)
        self._tasks.run(work, self.on_monthly_written, partial(self.on_monthly_failed, target.name))

    def choose_monthly(self) -> tuple[str, str, str] | None:
        """The month, language and format the supervisor chooses (None: cancelled)."""
        dialog = MonthlyReportDialog(self, self._language)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None

    def choose_file(self, name: str, kind: str) -> str:
        """Where to save the report ("" when cancelled)."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(
            self,
            self._language.translator("desk.reports.monthly_title"),
            str(Path(folder) / name),
            f"{kind.upper()} (*.{kind})",
        )
        return path

    def on_monthly_written(self, path: Path) -> None:
        """Say where the report is."""
        self.monthly_button.setEnabled(True)
        where = str(path)
        self._saved = lambda tr: tr("desk.reports.monthly_saved", path=isolate(where))
        self._show_saved()
        announce(self, self.saved_label.text())

    def on_monthly_failed(self, name: str, error: BaseException) -> None:
        """Say that the report was not written."""
        self.monthly_button.setEnabled(True)
        if isinstance(error, AccountError):
            key = error.message_key
            self._saved = lambda tr: tr(key)
        else:
            if not isinstance(error, Refusal):  # a refusal (no such folder) is no fault
                log.error("the monthly report could not be written", exc_info=error)
            self._saved = lambda tr: tr("desk.reports.monthly_failed", file=isolate(name))
        self._show_saved()
        announce(self, self.saved_label.text(), urgent=True)

    def _show_saved(self) -> None:
        text = "" if self._saved is None else self._saved(self._language.translator)
        self.saved_label.setText(text)
        self.saved_label.setVisible(bool(text))

    # --- words --------------------------------------------------------------------------------

    def _words_of(self) -> ReportWords:
        code = self._language.code
        if code not in self._words:
            self._words[code] = ReportWords(code)
        return self._words[code]

    def _figure_words(self, figure: str) -> str:
        tr = self._language.translator
        if figure in BREAKDOWNS:
            return tr(f"report.table.{figure}")
        return tr(f"report.figure.{figure}")

    def _show_custom(self) -> None:
        custom = self.period_box.currentData() == "custom"
        self.to_label.setVisible(custom)
        self.end_edit.setVisible(custom)

    def _show_span(self) -> None:
        tr = self._language.translator
        start, end = self.period
        first, last = start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")
        text = (
            isolate(first)
            if start == end
            else tr("desk.reports.span", start=isolate(first), end=isolate(last))
        )
        self.span_label.setText(text)

    def retranslate(self) -> None:
        """Re-read every text in the officer's language (dates in its locale)."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.reports"))
        self.period_label.setText(tr("desk.reports.period"))
        name_widget(self.period_box, tr("desk.reports.period"))
        name_widget(self.start_edit, tr("a11y.report_start"))
        name_widget(self.end_edit, tr("a11y.report_end"))
        for index, kind in enumerate(PERIODS):
            self.period_box.setItemText(index, tr(f"desk.reports.period_{kind}"))
        self.to_label.setText(tr("desk.reports.to"))
        locale = QLocale(QT_LOCALES.get(self._language.code, "fr_MA"))
        for edit in (self.start_edit, self.end_edit):
            edit.setLocale(locale)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.monthly_button.setText(tr("desk.reports.monthly"))
        self.headline_heading.setText(tr("report.headline_title"))
        self.charts_heading.setText(tr("report.charts_title"))
        self.map_frame.setTitle(tr("desk.reports.map_title"))
        if self._map_svg is not None and self.isVisible():
            self._read_map()  # its words are drawn in the SVG
        for key, tile in self.tiles.items():
            tile.caption_label.setText(tr(f"report.figure.{key}"))
            tile.setToolTip(tr("desk.reports.click_for_list") if tile.headline.listed else "")
        self._show_span()
        self._show_saved()
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        code = self._language.code
        report = self.report
        message = "" if self._error is None else self._error(tr)
        if report is not None and self._error is None:
            if report.provisional:
                message = tr("desk.reports.provisional")
            if report.visits == 0 and report.queue.tickets == 0 and report.referrals.made == 0:
                message = tr("desk.reports.no_activity")
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))
        for key, tile in self.tiles.items():
            value = None if report is None or self._error else headline_value(report, key)
            tile.value_label.setText(shown(value, tile.headline.kind, code))
            figure = tile.caption_label.text()
            name_widget(tile, tr("a11y.figure", name=figure, value=tile.value_label.text()))
        if report is None:
            return
        words = self._words_of()
        right_to_left = self._language.direction == Qt.LayoutDirection.RightToLeft
        for table, dimension in CHARTS:
            counts = {} if self._error else breakdown(report, table)
            rows = [(key, words.key(dimension, key), count) for key, count in counts.items()]
            chart = self.charts[table]
            chart.show_counts(tr(f"report.table.{table}"), rows, right_to_left)
            name_widget(chart, tr(f"report.table.{table}"))  # and its bars, said in words:
            describe(chart, *(tr("a11y.figure", name=w, value=c) + ";" for _, w, c in rows))
