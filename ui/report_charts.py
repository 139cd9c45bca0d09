"""The Reports page's bar charts (QtCharts), imported when the page is first shown: the
charts module is large, and the desk's first paint does not need it.

A breakdown is drawn as horizontal bars, the largest on top, its count at the end of each
bar; a right-to-left language puts the labels on the right and the bars grow to the left.
Clicking a bar says which key it is (:attr:`BarChart.bar_clicked`).
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter

from ui.fonts import application_font
from ui.styles import text_scale

BAR_COLOR = QColor("#1f4e79")
ROW_HEIGHT = 26
ARABIC_ROW_HEIGHT = 34
"""An Arabic word is taller: in less room, QtCharts leaves a category's words out."""
FRAME_HEIGHT = 70


class BarChart(QChartView):
    """One breakdown as horizontal bars, each one clickable.

    Signals:
        bar_clicked(str): the key of the bar clicked.
    """

    bar_clicked = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.keys: list[str] = []
        self.chart().legend().hide()
        self.chart().setMargins(QMargins(4, 4, 4, 4))
        self.chart().setBackgroundRoundness(0)
        self.setMinimumWidth(200)

    def show_counts(
        self, title: str, rows: list[tuple[str, str, int]], right_to_left: bool
    ) -> None:
        """Draw ``rows`` (key, words, count), the first on top, titled ``title``, at the
        desk's text size."""
        scale = text_scale(self)
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.setTitleFont(application_font(10 * scale))
        chart.setTitle(title)
        chart.setLocalizeNumbers(True)
        bottom_up = list(reversed(rows))  # Qt draws the first category at the bottom
        self.keys = [key for key, _, _ in bottom_up]
        bars = QBarSet(title)
        bars.setColor(BAR_COLOR)
        bars.append([float(count) for _, _, count in bottom_up])
        bars.setLabelFont(application_font(9 * scale))
        bars.clicked.connect(self._on_bar_clicked)
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
        series.setLabelsFormat("@value")
        bars.setLabelColor(QColor("white"))
        chart.addSeries(series)
        labels = QBarCategoryAxis()
        labels.append([words for _, words, _ in bottom_up] or [""])
        labels.setLabelsFont(application_font(9 * scale))
        labels.setGridLineVisible(False)
        labels.setTruncateLabels(False)  # a category's words whole, never "…"
        values = QValueAxis()
        top = max((count for _, _, count in rows), default=0)
        values.setRange(0, max(top, 1))
        values.setTickCount(min(max(top, 1), 4) + 1)
        values.setLabelsVisible(False)  # each bar says its count
        values.setReverse(right_to_left)  # bars grow from the right, as the text reads
        chart.addAxis(
            labels, Qt.AlignmentFlag.AlignRight if right_to_left else Qt.AlignmentFlag.AlignLeft
        )
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(labels)
        series.attachAxis(values)
        old = self.chart()
        self.setChart(chart)
        old.deleteLater()
        row = ARABIC_ROW_HEIGHT if right_to_left else ROW_HEIGHT
        self.setFixedHeight(round((FRAME_HEIGHT + row * max(len(rows), 1)) * scale))

    def click(self, key: str) -> None:
        """Click the bar of ``key`` (as the officer would)."""
        self._on_bar_clicked(self.keys.index(key))

    def _on_bar_clicked(self, index: int) -> None:
        self.bar_clicked.emit(self.keys[index])
