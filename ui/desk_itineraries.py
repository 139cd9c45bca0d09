"""The supervisor's Itineraries page: what the office's own cases teach about a template.

For the template chosen, how many itineraries started, are under way, were met or not
(and why), and for each step how long it really takes against the template's typical
days, how often it was late or skipped, and where cases stall now (waiting on it,
overdue) or ended unmet (``kiosk.itineraries.learning``, counts and days only), so that
the référentiel is refined from practice. Read on the worker, again when itineraries or
their steps change.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from db.base import utcnow
from kiosk.itineraries.learning import read_template_stats
from kiosk.itineraries.loader import load_catalogue
from kiosk.office import OfficeContext
from ui.accessibility import name_widget
from ui.language import LanguageState, isolate
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

COLUMNS = (
    "step",
    "typical_days",
    "done",
    "median_days",
    "p90_days",
    "late",
    "skipped",
    "waiting",
    "overdue",
    "stalled",
)


class ItinerariesPage(FollowingWidget):
    """One template's figures from the office's cases (see the module's docstring)."""

    def __init__(self, context: OfficeContext, language: LanguageState, tasks: Tasks) -> None:
        super().__init__()
        self.section = "itineraries"
        self._context = context
        self._language = language
        self._tasks = tasks
        self.figures: dict[str, Any] | None = None
        self.title_label = named(QLabel(), "pageTitle")
        self.intro_label = QLabel(wordWrap=True)
        self.template_combo = named(QComboBox(), "statsTemplate")
        self.summary_label = named(QLabel(wordWrap=True), "statsSummary")
        self.table = named(QTableWidget(0, len(COLUMNS)), "statsSteps")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.template_label = QLabel()
        self.template_label.setBuddy(self.template_combo)
        top = QHBoxLayout()
        top.addWidget(self.template_label)
        top.addWidget(self.template_combo, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        for template in load_catalogue().templates:
            self.template_combo.addItem("", template.id)
        self.template_combo.currentIndexChanged.connect(lambda _index: self.refresh())
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.follow = Follow(self, tasks, {"case_itinerary", "accompaniment_step"}, self.refresh)
        language.language_changed.connect(self.follow.changed)

    def refresh(self) -> None:
        """Read the figures of the template chosen again (on the worker)."""
        template = self.template_combo.currentData()
        if not template:
            return
        work = partial(
            read_template_stats, self._context, str(template), utcnow(), self._language.code
        )
        self._tasks.run(work, self.on_read, self.on_read_failed, latest="itinerary stats")

    def on_read(self, figures: dict[str, Any]) -> None:
        """Show the figures just read."""
        self.figures = figures
        self._fill()

    def on_read_failed(self, error: BaseException) -> None:
        """Say that the figures could not be read, in the supervisor's language."""
        self.summary_label.setText(self._language.translator("desk.read_failed", detail=error))

    def retranslate(self) -> None:
        """Re-read every text in the supervisor's language."""
        tr, code = self._language.translator, self._language.code
        self.title_label.setText(tr("desk.nav.itineraries"))
        self.intro_label.setText(tr("desk.itineraries.intro"))
        for index, template in enumerate(load_catalogue().templates):
            self.template_combo.setItemText(index, template.title(code))
        self.table.setHorizontalHeaderLabels([tr(f"desk.itineraries.{c}") for c in COLUMNS])
        self.template_label.setText(tr("desk.itineraries.template"))
        name_widget(self.table, tr("desk.itineraries.steps"))
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        figures = self.figures
        if figures is None or figures["template"] != self.template_combo.currentData():
            self.summary_label.setText(tr("desk.loading"))
            self.table.setRowCount(0)
            return
        counts = figures["itineraries"]
        median = counts["median_days_met"]
        summary = tr(
            "desk.itineraries.summary",
            started=counts["started"],
            active=counts["active"] + counts["ended"],
            met=counts["met"],
            not_met=counts["not_met"],
            days="—" if median is None else f"{median:g}",
        )
        reasons = figures["not_met_reasons"]
        if reasons:
            said = ", ".join(
                f"{tr(f'desk.need_reason.{key}')} ({count})" for key, count in reasons.items()
            )
            summary += "\n" + tr("desk.itineraries.reasons", reasons=said)
        self.summary_label.setText(summary)
        self.table.setRowCount(len(figures["steps"]))
        for row, step in enumerate(figures["steps"]):
            values = [isolate(step["title"])]
            for key in COLUMNS[1:]:
                value = step[key]
                values.append("—" if value is None else f"{value:g}")
            for index, text in enumerate(values):
                self.table.setItem(row, index, QTableWidgetItem(text))
