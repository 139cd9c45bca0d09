"""The case page's itinerary: the proposed template started on a need, its steps with due
dates and the documents and services of the step chosen, steps ticked done or skipped with
a reason, the birth's legal deadline counting down, and the home page's countdown."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.clock import office_today
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from ui.case_itinerary import SkipStepDialog
from ui.case_page import CasePage
from ui.tasks import Tasks

from .case_helpers import AICHA, core_intake
from .test_desk_cases import make_cases, open_case


def steps(page: CasePage) -> list[str]:
    view = page.itinerary.steps
    return [view.item(i).text() for i in range(view.count())]


def written(qtbot: QtBot, page: CasePage, click: object) -> None:
    """Press a button and wait for the case read again after the write."""
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        click()  # type: ignore[operator]
    qtbot.waitUntil(lambda: page._tasks.pending == 0)


@pytest.fixture
def directory_office(office: OfficeContext) -> OfficeContext:
    import_directory(office.store, office.system, demo_directory())
    return office


def test_the_officer_starts_the_proposed_itinerary_and_ticks_its_steps(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = directory_office
    saved = core_intake(office, {**AICHA, "needs": ["health"]})
    page = open_case(qtbot, make_cases(qtbot, office, tasks), str(saved.case_id))
    panel = page.itinerary
    assert panel.need == "health" and panel.proposal.isVisibleTo(page)
    assert panel.status_label.text() == (
        "Itinéraire proposé : \u2068Accès aux soins de base et à la couverture maladie\u2069"
    )
    written(qtbot, page, panel.start_button.click)
    assert page.message == "Itinéraire commencé."
    assert not panel.proposal.isVisibleTo(page)
    lines = steps(page)
    assert len(lines) == 4 and lines[0].startswith("→ ")
    assert lines[0].endswith("Premier rendez-vous au centre de santé")
    shown = panel.step_label.text()
    assert "Carnet de santé ou de vaccination" in shown  # the documents to gather
    assert "Centre de santé" in shown  # a service of the directory to refer to
    assert "partenaire juridique" in shown  # a legal rule not checked yet
    written(qtbot, page, panel.done_button.click)
    assert steps(page)[0].startswith("✓ ") and steps(page)[1].startswith("→ ")
    monkeypatch.setattr(SkipStepDialog, "ask", classmethod(lambda cls, parent, lang: "other"))
    written(qtbot, page, panel.skip_button.click)
    assert steps(page)[1].startswith("⤼ ") and steps(page)[1].endswith("autre raison")
    timeline = [
        page.timeline.topLevelItem(i).text(1) for i in range(page.timeline.topLevelItemCount())
    ]
    assert "Itinéraire commencé" in timeline and "Étape passée" in timeline


@pytest.mark.parametrize("language", ["fr", "ar", "zgh"])
def test_a_birth_not_declared_shows_its_countdown_in_each_language(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks, language: str
) -> None:
    born = (office_today() - timedelta(days=4)).isoformat()  # on the office's calendar
    saved = core_intake(directory_office, {**AICHA, "household.newborn_birth_date": born})
    cases = make_cases(qtbot, directory_office, tasks, language)
    page = open_case(qtbot, cases, str(saved.case_id))
    panel = page.itinerary
    assert panel.need == "civil_registration"
    left = page.detail["itineraries"][0]["deadline"]["days_left"]  # type: ignore[index]
    assert str(left) in panel.deadline_label.text() and left == 26
    assert len(steps(page)) == 4  # documents, declaration, certificate, consulate
    if folder := os.environ.get("BAOM_SHOTS_DIR"):
        cases.resize(1280, 800)
        page.itinerary.steps.setCurrentRow(1)
        qtbot.wait(50)
        cases.grab().save(str(Path(folder) / f"case-itinerary-{language}.png"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_supervisor_sees_how_long_each_step_takes_and_where_cases_stall(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks, language: str
) -> None:
    from kiosk.cases import work
    from ui.desk_itineraries import ItinerariesPage
    from ui.language import LanguageState

    from .case_helpers import officer

    office = directory_office
    code = core_intake(office, {**AICHA, "needs": ["legal_aid"]}).case_code or ""
    start = datetime.now(UTC) - timedelta(days=10)
    work.apply_itinerary(office, officer(office), code, "legal_aid", now=start)
    work.step_done(office, officer(office), code, "understand", now=start + timedelta(days=3))
    state = LanguageState(office.catalog, language)
    page = ItinerariesPage(office, state, tasks)
    qtbot.addWidget(page)
    page.template_combo.setCurrentIndex(page.template_combo.findData("legal_aid"))
    page.resize(1100, 600)
    page.show()
    qtbot.waitUntil(lambda: page.figures is not None and page.table.rowCount() == 5, timeout=5000)
    first = [page.table.item(0, column).text() for column in range(page.table.columnCount())]
    assert first[1:] == ["1", "1", "3", "3", "1", "0", "0", "0", "0"]  # late: 1 day planned
    second = [page.table.item(1, column).text() for column in range(page.table.columnCount())]
    assert second[7:9] == ["1", "0"]  # waiting on legal advice, not overdue yet
    assert "1" in page.summary_label.text()
    if folder := os.environ.get("BAOM_SHOTS_DIR"):
        page.grab().save(str(Path(folder) / f"itinerary-stats-{language}.png"))


def test_a_step_refers_with_its_kind_of_service_and_its_urgency(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    from ui.referral_dialog import ReferralDialog

    old = (datetime.now(UTC) - timedelta(days=40)).date().isoformat()
    saved = core_intake(directory_office, {**AICHA, "household.newborn_birth_date": old})
    page = open_case(qtbot, make_cases(qtbot, directory_office, tasks), str(saved.case_id))
    panel = page.itinerary
    written(qtbot, page, panel.done_button.click)  # the documents gathered
    step = panel.step
    assert step is not None and step["step"] == "court_request"  # past 30 days: the court
    panel.refer_button.click()
    dialog = page.referral_dialog
    assert isinstance(dialog, ReferralDialog)
    assert dialog.need_combo.currentData() == "civil_registration"
    assert dialog.directory.category_combo.currentData() == "legal_aid"
    assert dialog.priority == "urgent"
