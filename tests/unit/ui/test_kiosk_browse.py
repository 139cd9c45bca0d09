"""The kiosk's "where can I…?": services by pictogram and commune, never personal data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.directory.hours_text import DASH
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from ui.kiosk_window import KioskWindow
from ui.tasks import Tasks

from .conftest import OFFICER

TALIOUINE, TIZNIT, IGHERM = "09.541.01.11", "09.581.01.07", "09.541.01.05"  # HCP codes


@pytest.fixture
def browsing_kiosk(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> KioskWindow:
    """A kiosk on the demo directory, shown; allowed to close after the test."""
    import_directory(office.store, office.system, demo_directory())
    window = KioskWindow(office, tasks, idle_after_ms=60_000)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    yield window
    window.allow_close = True


def open_browse(qtbot: QtBot, kiosk: KioskWindow, language: str) -> None:
    qtbot.mouseClick(kiosk.language_screen.buttons[language], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.reason_screen.browse_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget() is kiosk.browse_screen


def choose(qtbot: QtBot, kiosk: KioskWindow, button: object) -> None:
    with qtbot.waitSignal(kiosk.browse_screen.services_shown, timeout=5000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_visitor_browses_health_services_by_pictogram_and_commune(
    qtbot: QtBot, browsing_kiosk: KioskWindow
) -> None:
    kiosk, browse = browsing_kiosk, browsing_kiosk.browse_screen
    open_browse(qtbot, kiosk, "fr")
    assert browse.title_label.text() == "Que cherchez-vous ?"
    assert browse.category_buttons["health"].pictogram_name == "health"
    assert browse.category_buttons["health"].label() == "Santé"

    choose(qtbot, kiosk, browse.category_buttons["health"])
    names = [service["name"] for service in browse.services]
    assert names[0] == "Centre de santé de Taliouine"  # the office's commune first
    texts = browse.texts
    assert "Horaires : lun\u2013ven : 08:30\u201316:30" in texts
    assert any(text.startswith("Adresse : \u2068Adresse de démonstration") for text in texts)
    assert "Exemple de démonstration : adresse et horaires non vérifiés" in texts

    choose(qtbot, kiosk, browse.commune_buttons[TIZNIT])
    assert sorted(service["name"] for service in browse.services) == [
        "Centre de santé de Tiznit",
        "Hôpital provincial de Tiznit",
    ]


def test_the_browse_never_shows_phones_or_anyone_s_data(
    qtbot: QtBot, browsing_kiosk: KioskWindow, office: OfficeContext
) -> None:
    kiosk, browse = browsing_kiosk, browsing_kiosk.browse_screen
    open_browse(qtbot, kiosk, "en")
    choose(qtbot, kiosk, browse.category_buttons["legal_aid"])
    assert browse.services
    assert all(
        set(service) == {"service_id", "name", "commune", "hours", "addresses", "demo"}
        for service in browse.services
    )
    joined = " ".join(browse.texts)
    assert "+212" not in joined and OFFICER[0] not in joined and "BAOM Taliouine" not in joined


def test_arabic_browse_is_mirrored_and_in_arabic(qtbot: QtBot, browsing_kiosk: KioskWindow) -> None:
    kiosk, browse = browsing_kiosk, browsing_kiosk.browse_screen
    open_browse(qtbot, kiosk, "ar")
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.reason_screen.browse_button.label() == "أين أجد…؟"
    choose(qtbot, kiosk, browse.category_buttons["civil_registration"])
    assert browse.services[0]["name"] == "مكتب الحالة المدنية تالوين"
    assert browse.commune_buttons[TALIOUINE].text() == "تالوين"
    week = f"أوقات العمل: الإثنين{DASH}الجمعة"
    assert any(text.startswith(week) for text in browse.texts)


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("fr", ("Taliouine", "Tiznit", "Irherm")),  # HCP's spellings
        ("ar", ("تالوين", "تيزنيت", "إيغرم")),
        ("zgh", ("ⵜⴰⵍⵉⵡⵉⵏ", "ⵜⵉⵣⵏⵉⵜ", "Irherm")),  # Tifinagh where known
    ],
)
def test_the_commune_buttons_are_hcp_codes_named_in_the_visitors_language(
    qtbot: QtBot, browsing_kiosk: KioskWindow, language: str, names: tuple[str, ...]
) -> None:
    kiosk, browse = browsing_kiosk, browsing_kiosk.browse_screen
    open_browse(qtbot, kiosk, language)
    choose(qtbot, kiosk, browse.category_buttons["civil_registration"])
    buttons = [browse.commune_buttons[code].text() for code in (TALIOUINE, TIZNIT, IGHERM)]
    assert tuple(buttons) == names
    choose(qtbot, kiosk, browse.commune_buttons[TIZNIT])
    assert browse.commune == TIZNIT
    assert [service["commune"] for service in browse.services] == [names[1]]
    assert any(names[1] in text for text in browse.texts)  # the address names it too


def test_back_and_idle_return_to_the_start(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    import_directory(office.store, office.system, demo_directory())
    kiosk = KioskWindow(office, tasks, idle_after_ms=60_000)
    qtbot.addWidget(kiosk)
    kiosk.show()
    browse = kiosk.browse_screen
    open_browse(qtbot, kiosk, "en")
    choose(qtbot, kiosk, browse.category_buttons["housing"])
    qtbot.mouseClick(browse.results_back_button, Qt.MouseButton.LeftButton)
    assert browse.stack.currentWidget() is browse.categories_page
    qtbot.mouseClick(browse.back_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget() is kiosk.reason_screen

    qtbot.mouseClick(kiosk.reason_screen.browse_button, Qt.MouseButton.LeftButton)
    choose(qtbot, kiosk, browse.category_buttons["health"])
    # shortened only once the services are shown: a slow machine must not go idle mid-read
    kiosk.idle.timeout_ms = 300
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.language_screen, timeout=5000)
    assert kiosk.language.code == "fr"
    assert browse.services == [] and browse.stack.currentWidget() is browse.categories_page
    kiosk.allow_close = True


def test_a_long_list_pages_with_big_buttons_and_drags_with_a_finger(
    qtbot: QtBot, browsing_kiosk: KioskWindow
) -> None:
    from PySide6.QtWidgets import QScroller

    kiosk, browse = browsing_kiosk, browsing_kiosk.browse_screen
    open_browse(qtbot, kiosk, "fr")
    choose(qtbot, kiosk, browse.category_buttons["health"])
    bar = browse.services_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # more services than one screenful
    up, down = browse.page_buttons[-1], browse.page_buttons[1]
    assert not up.isEnabled() and down.isEnabled()
    assert min(down.width(), down.height()) >= 96  # a finger's target, not a scroll bar

    qtbot.mouseClick(down, Qt.MouseButton.LeftButton)
    assert bar.value() == min(bar.pageStep(), bar.maximum()) and up.isEnabled()
    qtbot.mouseClick(up, Qt.MouseButton.LeftButton)
    assert bar.value() == 0
    # a press-and-drag scrolls it too (QScroller, on mouse-button drags as well as touch)
    assert QScroller.hasScroller(browse.services_area.viewport())
