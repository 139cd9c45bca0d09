"""The waiting-room display: office name, date in every language, a clock that moves."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from kiosk.clock import OFFICE_ZONE
from kiosk.office import OfficeContext
from ui.display import DisplayWindow
from ui.tasks import Tasks


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def test_the_display_shows_the_office_the_date_and_a_running_clock(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    clock = FakeClock(datetime(2026, 3, 20, 14, 5, 9, tzinfo=OFFICE_ZONE))
    display = DisplayWindow(office, tasks, now=clock)
    qtbot.addWidget(display)
    display.show()

    assert display.office_label.text() == "BAOM Taliouine"
    assert display.clock_label.text() == "14:05:09"
    assert display.date_labels["fr"].text() == "vendredi 20 mars 2026"
    assert display.date_labels["ar"].text().startswith("الجمعة")
    assert "2026" in display.date_labels["zgh"].text()
    assert display.windowTitle() == "BAOM Desk — Écran de la salle d'attente"

    clock.moment = datetime(2026, 3, 20, 14, 5, 10, tzinfo=OFFICE_ZONE)
    qtbot.waitUntil(lambda: display.clock_label.text() == "14:05:10", timeout=3000)


def test_the_clock_is_the_offices_not_the_pcs(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    """Tickets and slips say the office's time (Africa/Casablanca): so does the display,
    whatever zone the PC is set to."""
    display = DisplayWindow(office, tasks, now=FakeClock(datetime(2026, 6, 15, 3, 19, tzinfo=UTC)))
    qtbot.addWidget(display)
    assert display.clock_label.text() == "04:19:00"
    assert display.date_labels["fr"].text() == "lundi 15 juin 2026"


def test_the_clock_follows_the_12_hour_setting(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    office.settings.set(office.system, "display.clock_24h", "false")
    display = DisplayWindow(
        office, tasks, now=FakeClock(datetime(2026, 3, 20, 14, 5, 9, tzinfo=OFFICE_ZONE))
    )
    qtbot.addWidget(display)
    assert display.clock_label.text().startswith("2:05:09")
