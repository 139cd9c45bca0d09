"""The desk's Reports page (supervisors): the queue statistics of a chosen office day.

One table per view of the day: the whole day, each reason of visit, each counter; a column
per figure of :mod:`kiosk.queue.stats` (tickets, served, no-show, cancelled, average and p90
wait, average service time, share served within the target wait). The figures are read on
the worker thread, after the core has checked that the actor may see reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.accounts import AccountError, Permission, require
from kiosk.clock import office_day
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig, load_config
from kiosk.queue.numbering import system_clock
from kiosk.queue.stats import DayStatistics, Figures, day_statistics
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

log = logging.getLogger(__name__)

COLUMNS = (
    "tickets",
    "served",
    "no_show",
    "cancelled",
    "average_wait",
    "p90_wait",
    "service",
    "within_target",
)
QT_LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en_GB", "zgh": "fr_MA"}


def read_statistics(
    context: OfficeContext, actor: Actor, config: QueueConfig, day: date
) -> DayStatistics:
    """The statistics of ``day``, if ``actor`` may view reports (else PermissionDenied)."""
    require(actor, Permission.VIEW_REPORTS)
    return day_statistics(context.store, context.office_id, day, config)


def figure_cells(tr: Translator, figures: Figures) -> list[str]:
    """The texts of one row, in the order of :data:`COLUMNS`."""

    def minutes(value: float | None) -> str:
        return "—" if value is None else tr("desk.reports.minutes", minutes=f"{value:.1f}")

    share = figures.served_within_target
    return [
        str(figures.tickets),
        str(figures.served),
        str(figures.no_show),
        str(figures.cancelled),
        minutes(figures.average_wait_min),
        minutes(figures.p90_wait_min),
        minutes(figures.average_service_min),
        "—" if share is None else f"{round(share * 100)} %",
    ]


class ReportsPage(FollowingWidget):
    """Queue statistics of one day: overall, per reason, per counter."""

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
        self.config = load_config(context.paths.config_dir)
        self.statistics: DayStatistics | None = None
        self._error: Callable[[Translator], str] | None = None
        self._build()
        language.language_changed.connect(self.retranslate)
        self.date_edit.dateChanged.connect(self.on_day_chosen)
        self.retranslate()
        self.follow = Follow(self, tasks, {"ticket", "queue_event"}, self.refresh)

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.subtitle_label = named(QLabel(), "queueHeading")
        self.date_label = QLabel()
        today = office_day(system_clock())
        self.date_edit = named(QDateEdit(QDate(today.year, today.month, today.day)), "reportDay")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.date_label)
        top.addWidget(self.date_edit)
        self.message_label = named(QLabel(wordWrap=True), "reportMessage")
        self.headings: dict[str, QLabel] = {}
        self.tables: dict[str, QTableWidget] = {}
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        for view in ("overall", "by_reason", "by_counter"):
            heading = named(QLabel(), "queueHeading")
            table = named(QTableWidget(0, len(COLUMNS)), f"stats_{view}")
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            column.addWidget(heading)
            column.addWidget(table)
            self.headings[view] = heading
            self.tables[view] = table
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self.message_label)
        layout.addWidget(scroll, 1)

    @property
    def day(self) -> date:
        """The office day chosen."""
        chosen = self.date_edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def refresh(self) -> None:
        """Read the chosen day's statistics again (on the worker thread)."""
        work = partial(read_statistics, self._context, self._actor, self.config, self.day)
        self._tasks.run(work, self.on_statistics_loaded, self.on_read_failed, latest="reports")

    def on_day_chosen(self, _day: QDate) -> None:
        """Show another day."""
        self.refresh()

    def on_statistics_loaded(self, statistics: DayStatistics) -> None:
        """Show the figures just read."""
        self._error = None
        self.statistics = statistics
        self._fill()

    def on_read_failed(self, error: BaseException) -> None:
        """Say why there are no figures."""
        if isinstance(error, AccountError):
            key = error.message_key
            self._error = lambda tr: tr(key)
        else:
            log.error("the statistics could not be read", exc_info=error)
            self._error = lambda tr: tr("desk.reports.failed")
        self._fill()

    def retranslate(self) -> None:
        """Re-read every text in the officer's language (dates in its locale)."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.reports"))
        self.subtitle_label.setText(tr("desk.reports.queue_title"))
        self.date_label.setText(tr("desk.reports.day"))
        locale = QLocale(QT_LOCALES.get(self._language.code, "fr_MA"))
        self.date_edit.setLocale(locale)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        for view, heading in self.headings.items():
            heading.setText(tr(f"desk.reports.{view}"))
        headers = [tr(f"desk.reports.column.{column}") for column in COLUMNS]
        for table in self.tables.values():
            table.setHorizontalHeaderLabels(headers)
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        code = self._language.code
        self._say("" if self._error is None else self._error(tr))
        statistics = self.statistics
        if statistics is None or self._error is not None:
            for table in self.tables.values():
                table.setRowCount(0)
            return
        if statistics.overall.tickets == 0:
            self._say(tr("desk.reports.no_tickets"))
        reasons = {reason.key: reason.labels for reason in self.config.reasons}
        counters = {counter.number: counter.labels for counter in self.config.counters}
        self._fill_table("overall", [(tr("desk.reports.whole_day"), statistics.overall)])
        self._fill_table(
            "by_reason",
            [
                (reasons[key][code] if key in reasons else key, figures)
                for key, figures in statistics.by_reason.items()
            ],
        )
        self._fill_table(
            "by_counter",
            [
                (counters[number][code] if number in counters else str(number), figures)
                for number, figures in sorted(statistics.by_counter.items())
            ],
        )
        self._align_columns()

    def _say(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _fill_table(self, view: str, rows: list[tuple[str, Figures]]) -> None:
        tr = self._language.translator
        table = self.tables[view]
        table.setRowCount(len(rows))
        table.setVerticalHeaderLabels([label for label, _ in rows])
        for row, (_label, figures) in enumerate(rows):
            for column, text in enumerate(figure_cells(tr, figures)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        # every row shown: the page scrolls, not each table
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setFixedHeight(height)

    def _align_columns(self) -> None:
        """The same label width and column widths in the three tables, wide enough for
        every header and figure (the page scrolls sideways on a narrow screen)."""
        tables = list(self.tables.values())
        for table in tables:
            table.verticalHeader().setMinimumWidth(0)
        label = max(table.verticalHeader().sizeHint().width() for table in tables)
        widths = [
            max(
                max(table.horizontalHeader().sectionSizeHint(c), table.sizeHintForColumn(c))
                for table in tables
            )
            + 8
            for c in range(len(COLUMNS))
        ]
        for table in tables:
            table.verticalHeader().setFixedWidth(label)
            for c, width in enumerate(widths):
                table.setColumnWidth(c, width)
            table.setFixedWidth(label + sum(widths) + 2 * table.frameWidth())
