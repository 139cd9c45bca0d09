"""Fixtures of the window tests: the bundled fonts, the worker, and each window on an office."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from tests.helpers.gui_thread import watching_the_gui_thread
from ui.desk import DeskWindow
from ui.fonts import install_fonts
from ui.input_events import InputEvents
from ui.kiosk_window import KioskWindow
from ui.styles import install_style
from ui.tasks import Tasks

OFFICER = ("amina", "demo-password")


@pytest.fixture(scope="session", autouse=True)
def _fonts(qapp: QApplication) -> None:
    """The bundled fonts, the style and the palette, as the application sets them."""
    install_style(qapp)
    install_fonts(qapp)


@pytest.fixture(scope="session", autouse=True)
def _input_watched_from_the_start(qapp: QApplication) -> None:
    """The input filter on the application from the first test: a test sends keys and
    clicks as soon as it has shown a window, before it is painted, which no one at a desk
    or kiosk can do (``ui.input_events`` waits for the windows' first paint;
    ``test_input_events.py`` checks that wait with a filter of its own)."""
    hub = qapp.findChild(InputEvents) or InputEvents(qapp)
    hub.install()


@pytest.fixture(autouse=True)
def _no_database_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """A window that opens a session on the GUI thread outside start-up fails its test:
    the database is the worker's (``ui.tasks``)."""
    if request.node.get_closest_marker("database_on_gui_thread"):
        yield
        return
    with watching_the_gui_thread() as faults:
        yield
    if faults:
        pytest.fail(
            "the database was used on the GUI thread by " + ", ".join(sorted(set(faults))),
            pytrace=False,
        )


@pytest.fixture
def tasks(office: OfficeContext) -> Iterator[Tasks]:
    """The workers, looking for changes made elsewhere every 50 ms (tests do not wait half a
    second for nothing); stopped after the test."""
    runner = Tasks(office.store, poll_interval_ms=50)
    yield runner
    runner.shutdown()
    gc.collect()  # the workers are stopped: collect here, and let the next tests do as usual
    gc.enable()


@pytest.fixture
def desk(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> DeskWindow:
    """A desk window on the login page, shown."""
    window = DeskWindow(office, tasks, lock_after_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def kiosk(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> Iterator[KioskWindow]:
    """A kiosk window on the language screen, shown; allowed to close after the test."""
    window = KioskWindow(office, tasks, idle_after_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.allow_close = True


LogIn = Callable[[DeskWindow, str, str], None]


@pytest.fixture
def log_in(qtbot: QtBot) -> LogIn:
    """Type a name and a password on a desk's login page, press the button, await the answer."""

    def run(desk: DeskWindow, name: str, password: str) -> None:
        page = desk.login_page
        page.name_edit.setText(name)
        page.password_edit.setText(password)
        page.submit_button.click()
        qtbot.waitUntil(page.submit_button.isEnabled)

    return run
