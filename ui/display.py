"""The waiting-room display: office name, a live clock and today's date. Never personal data.

The date is written in every language of the catalog (Qt's own locale data names the days
and months in French, Arabic, Tamazight and English), so everyone in the room can read it.
The time is the office PC's local time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDate, QLocale, Qt, QTime, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.office import OfficeContext
from ui.language import LanguageState, direction_of
from ui.styles import named, style_sheet

TICK_MS = 1000
DATE_FORMAT = "dddd d MMMM yyyy"


def locale_for(code: str) -> QLocale:
    """Qt's locale for one of our language codes, as written in Morocco."""
    return QLocale(f"{code}_MA")


class DisplayWindow(QWidget):
    """Office name, clock and date, refreshed every second. F11 toggles full screen.

    ``now`` gives the current local time (tests pass a fake clock).
    """

    def __init__(self, context: OfficeContext, now: Callable[[], datetime] = datetime.now) -> None:
        super().__init__()
        self._context = context
        self._now = now
        self.setObjectName("display")
        self.setStyleSheet(style_sheet("display"))
        self.resize(960, 540)
        self.language = LanguageState(
            context.catalog, str(context.settings.get("desk.language")), self
        )
        self.clock_24h = bool(context.settings.get("display.clock_24h"))
        center = Qt.AlignmentFlag.AlignCenter
        self.office_label = named(QLabel(context.office_name, alignment=center), "displayOffice")
        self.clock_label = named(QLabel(alignment=center), "displayClock")
        self.date_labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.office_label)
        layout.addWidget(self.clock_label)
        for language in context.catalog.languages:
            label = named(QLabel(alignment=center), "displayDate")
            label.setLayoutDirection(direction_of(language.right_to_left))
            layout.addWidget(label)
            self.date_labels[language.code] = label
        layout.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.on_tick)
        self._timer.start()
        self.language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.on_tick()

    def retranslate(self) -> None:
        """The window title in the display's language."""
        tr = self.language.translator
        self.language.apply_direction(self)
        self.setWindowTitle(f"{tr('app.name')} — {tr('window.display')}")

    def on_tick(self) -> None:
        """Show the current time and date."""
        moment = self._now()
        time = QTime(moment.hour, moment.minute, moment.second)
        clock_format = "HH:mm:ss" if self.clock_24h else "h:mm:ss AP"
        self.clock_label.setText(locale_for(self.language.code).toString(time, clock_format))
        date = QDate(moment.year, moment.month, moment.day)
        for code, label in self.date_labels.items():
            label.setText(locale_for(code).toString(date, DATE_FORMAT))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """F11 switches between full screen and a window."""
        if event.key() == Qt.Key.Key_F11:
            if self.isFullScreen():
                self.showNormal()
            else:
                self.showFullScreen()
            return
        super().keyPressEvent(event)
