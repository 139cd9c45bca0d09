"""The desk's Directory page on the demo directory: search as you type, filters, the card."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_directory import DirectoryPage
from ui.language import LanguageState
from ui.tasks import Tasks

from .conftest import OFFICER, LogIn

TUESDAY_NOON = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # 12:00 in Africa/Casablanca
TUESDAY_NIGHT = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
TAFRAOUT, TIZNIT, AGADIR = "09.581.01.05", "09.581.01.07", "09.001.01.01"  # HCP codes
TIZNIT_PROVINCE = "09.581"


@pytest.fixture
def directory_office(office: OfficeContext) -> OfficeContext:
    """The test office (in Taliouine) with the Souss-Massa demo directory imported."""
    import_directory(office.store, office.system, demo_directory())
    return office


def make_page(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    language: str = "fr",
    now: datetime = TUESDAY_NOON,
) -> DirectoryPage:
    state = LanguageState(office.catalog, language)
    page = DirectoryPage(office, state, tasks, now=lambda: now)
    page.language_state = state  # keep the state alive as long as the page
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitUntil(lambda: not page.searching)
    return page


def type_query(qtbot: QtBot, page: DirectoryPage, text: str) -> None:
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        page.search_edit.setText(text)
    qtbot.waitUntil(lambda: not page.searching)


def names(page: DirectoryPage) -> list[str]:
    return [hit.name for hit in page.hits]


def test_a_french_query_finds_demo_services_as_typed(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks)
    assert page.results.count() > 0  # nearest services before anything is typed
    type_query(qtbot, page, "hôpi")
    assert names(page) and all("pital" in name for name in names(page))
    assert page.results.count() == len(page.hits)
    assert page.count_label.text() == (
        f"Services trouvés : {len(page.hits)} (les plus pertinents d'abord, puis les plus proches)"
    )
    type_query(qtbot, page, "centre de santé taliou")
    assert names(page)[0] == "Centre de santé de Taliouine"


def test_an_arabic_query_finds_services_and_the_page_mirrors(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks, language="ar")
    type_query(qtbot, page, "مستشفي")  # spelt without the hamza/alef maqsura of the names
    assert names(page) and all("المستشفى" in name for name in names(page))
    assert page.search_edit.placeholderText().startswith("ابحث")
    assert page.category_combo.itemText(page.category_combo.findData("health")) == "الصحة"


def test_filters_narrow_the_results(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks)
    type_query(qtbot, page, "centre")
    everything = len(page.hits)
    with qtbot.waitSignal(page.results_shown):
        page.category_combo.setCurrentIndex(page.category_combo.findData("health"))
    qtbot.waitUntil(lambda: not page.searching)
    assert 0 < len(page.hits) < everything
    assert all("health" in hit.categories for hit in page.hits)
    with qtbot.waitSignal(page.results_shown):
        page.commune_combo.setCurrentIndex(page.commune_combo.findData(TAFRAOUT))
    qtbot.waitUntil(lambda: not page.searching)
    assert [hit.name for hit in page.hits] == ["Centre de santé de Tafraout"]
    with qtbot.waitSignal(page.results_shown):  # Tiznit the commune
        page.commune_combo.setCurrentIndex(page.commune_combo.findData(TIZNIT))
    qtbot.waitUntil(lambda: not page.searching)
    assert {hit.commune for hit in page.hits} == {"Tiznit"}
    tiznit_province = page.commune_combo.findData(TIZNIT_PROVINCE)
    assert page.commune_combo.itemText(tiznit_province) == "Tiznit (province)"
    with qtbot.waitSignal(page.results_shown):  # then its province (HCP spellings)
        page.commune_combo.setCurrentIndex(tiznit_province)
    qtbot.waitUntil(lambda: not page.searching)
    assert {hit.commune for hit in page.hits} == {"Tiznit", "Tafraout", "Ammelne", "Ouijjane"}

    with qtbot.waitSignal(page.results_shown):
        page.search_edit.setText("")
    qtbot.waitUntil(lambda: not page.searching)
    with qtbot.waitSignal(page.results_shown):
        page.category_combo.setCurrentIndex(page.category_combo.findData("residence_papers"))
    qtbot.waitUntil(lambda: not page.searching)
    with qtbot.waitSignal(page.results_shown):
        page.eligible_combo.setCurrentIndex(page.eligible_combo.findData("mre"))
    qtbot.waitUntil(lambda: not page.searching)
    assert page.hits == []  # the foreigners' department serves RPT, refugees, asylum seekers
    assert page.count_label.text() == "Aucun service ne correspond."


def test_open_now_leaves_the_night_services(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks, now=TUESDAY_NIGHT)
    with qtbot.waitSignal(page.results_shown):
        page.commune_combo.setCurrentIndex(page.commune_combo.findData(AGADIR))
    qtbot.waitUntil(lambda: not page.searching)
    everything = len(page.hits)
    with qtbot.waitSignal(page.results_shown):
        page.open_check.setChecked(True)
    qtbot.waitUntil(lambda: not page.searching)
    assert 0 < len(page.hits) < everything


def test_the_card_shows_everything_and_says_demo(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks)
    type_query(qtbot, page, "centre de santé taliouine")
    with qtbot.waitSignal(page.card_shown, timeout=5000):
        page.results.setCurrentRow(0)
    text = page.card_view.toPlainText()
    for expected in (
        "Centre de santé de Taliouine",
        "Données de démonstration",
        "Ouvert maintenant",
        "lun\u2013ven : 08:30\u201316:30",
        "+212 500-000-",
        "Carnet de santé ou de vaccination",
        "Tout le monde",
        "À 0,6 km du bureau",
        "Documents à apporter",
        "ⵜⴰⵎⴰⵣⵉⵖⵜ",
    ):
        assert expected in text, expected
    assert not page.refer_button.isEnabled()
    assert "prise en charge" in page.refer_button.toolTip()


def test_the_card_follows_the_officers_language_and_mirrors(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks)
    type_query(qtbot, page, "CNSS tiznit")
    with qtbot.waitSignal(page.card_shown, timeout=5000):
        page.results.setCurrentRow(0)
    with qtbot.waitSignal(page.card_shown, timeout=5000):
        page.language_state.set_language("ar")
    text = page.card_view.toPlainText()
    assert "وكالة الصندوق الوطني للضمان الاجتماعي تيزنيت" in text
    assert "بيانات تجريبية" in text
    document = page.card_view.document()
    assert document.defaultTextOption().textDirection() == Qt.LayoutDirection.RightToLeft
    assert (
        document.firstBlock().layout().textOption().textDirection()
        == Qt.LayoutDirection.RightToLeft
    )
    qtbot.waitUntil(lambda: not page.searching)
    assert all(hit.commune == "تيزنيت" for hit in page.hits[:1])


def test_the_desk_window_has_the_directory_page_mirrored_in_arabic(
    qtbot: QtBot, directory_office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    desk.main_page.show_section("directory")
    page = desk.main_page.pages.currentWidget()
    assert isinstance(page, DirectoryPage)
    desk.on_language_chosen("ar")
    assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert page.title_label.text() == "الدليل"
    qtbot.waitUntil(lambda: not page.searching)
    type_query(qtbot, page, "مستشفى")
    assert page.hits and page.hits[0].name.startswith("المستشفى")
    assert page.results.isRightToLeft() and page.search_edit.isRightToLeft()


def test_results_of_an_older_text_are_dropped(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks)
    shown: list[int] = []
    page.results_shown.connect(shown.append)
    for text in ("h", "hô", "hôp", "hôpi", "consulat"):  # faster than the worker
        page.search_edit.setText(text)
    assert page.searching
    qtbot.waitUntil(lambda: not page.searching and bool(shown))
    assert len(shown) == 1  # the four stale searches were never painted
    assert names(page) and all(name.startswith("Consulat") for name in names(page))


def test_the_filters_take_two_rows_and_close_up_without_the_need(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks)

    def cell(widget: QWidget) -> tuple[int, int]:
        row, column, _, _ = page.filters.getItemPosition(page.filters.indexOf(widget))
        return row, column

    assert [cell(w) for w in (page.category_combo, page.commune_combo)] == [(0, 1), (0, 3)]
    assert [cell(w) for w in (page.spoken_combo, page.eligible_combo)] == [(1, 1), (1, 3)]
    assert cell(page.open_check) == (1, 4)
    page.hide_category()  # as the referral dialog does
    assert page.filters.indexOf(page.category_combo) == -1
    assert not page.category_combo.isVisibleTo(page)
    assert [cell(w) for w in (page.commune_combo, page.spoken_combo)] == [(0, 1), (0, 3)]
    assert [cell(w) for w in (page.eligible_combo, page.open_check)] == [(1, 1), (1, 2)]


def test_switching_the_language_keeps_the_service_chosen(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    page = make_page(qtbot, directory_office, tasks)
    type_query(qtbot, page, "sante")
    assert len(page.hits) > 2
    chosen = str(page.hits[2].service_id)
    with qtbot.waitSignal(page.card_shown, timeout=5000):
        page.results.setCurrentRow(2)
    shown: list[str] = []
    page.card_shown.connect(shown.append)
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        page.language_state.set_language("ar")
    qtbot.waitUntil(lambda: not page.searching and shown != [])
    qtbot.wait(200)  # any other card would have been read by now
    assert set(shown) == {chosen} and page.card is not None
    assert page.card["service_id"] == chosen
    current = page.results.currentItem()
    assert current is not None and current.data(Qt.ItemDataRole.UserRole) == chosen
