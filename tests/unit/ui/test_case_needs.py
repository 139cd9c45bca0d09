"""The case page's needs: marked met or not met (with a reason) by the officer, and the
suggestion a service's "done" makes, which the officer confirms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.cases import referrals, work
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from protocol.wire import ReferralOutcome
from tests.unit.kiosk.cases.conftest import service_for
from ui.case_dialogs import NeedNotMetDialog
from ui.case_page import CasePage
from ui.tasks import Tasks

from .case_helpers import core_intake, officer
from .test_desk_cases import make_cases, open_case, timeline


def needs(page: CasePage) -> list[str]:
    return [page.needs.item(i).text() for i in range(page.needs.count())]


def choose(page: CasePage, need: str) -> None:
    role = Qt.ItemDataRole.UserRole
    rows = [page.needs.item(i).data(role)["need"] for i in range(page.needs.count())]
    page.needs.setCurrentRow(rows.index(need))


@pytest.fixture
def directory_office(office: OfficeContext) -> OfficeContext:
    """The test office with the demo directory."""
    import_directory(office.store, office.system, demo_directory())
    return office


def test_the_officer_marks_a_need_met_or_not_met_with_a_reason_and_the_timeline_says_so(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = core_intake(office)
    page = open_case(qtbot, make_cases(qtbot, office, tasks), str(saved.case_id))
    assert needs(page) == ["État civil — ouvert", "Santé — ouvert"]
    assert not page.suggestion.isVisibleTo(page)
    assert not page.need_met_button.isEnabled()  # no need chosen yet

    choose(page, "health")
    assert page.need_met_button.isEnabled() and not page.need_open_button.isEnabled()
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.need_met_button.click()
    assert needs(page) == ["État civil — ouvert", "Santé — satisfait"]
    assert timeline(page)[-1] == ("Besoin satisfait", "Santé")
    assert page.message == "Besoin noté."

    monkeypatch.setattr(
        NeedNotMetDialog, "ask", classmethod(lambda cls, parent, lang: "lost_contact")
    )
    choose(page, "civil_registration")
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.need_not_met_button.click()
    assert needs(page)[0] == "État civil — non satisfait (perdu(e) de vue)"
    assert timeline(page)[-1] == ("Besoin non satisfait", "État civil — perdu(e) de vue")

    choose(page, "civil_registration")
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.need_open_button.click()
    assert needs(page)[0] == "État civil — ouvert"
    assert timeline(page)[-1] == ("Besoin rouvert", "État civil")

    work.close_case(office, officer(office), saved.case_code or "", "need_met")
    qtbot.waitUntil(lambda: (page.detail or {}).get("status") == "closed", timeout=5000)
    choose(page, "civil_registration")
    assert not page.need_met_button.isEnabled() and not page.need_not_met_button.isEnabled()


def test_a_partner_s_done_suggests_the_need_met_and_the_officer_confirms_it(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(directory_office)
    case_id = str(saved.case_id)
    service = service_for(directory_office, "état civil")
    actor = officer(directory_office)
    code = work.make_referral(directory_office, actor, case_id, service, "health", "normal")
    page = open_case(qtbot, make_cases(qtbot, directory_office, tasks), case_id)
    assert not page.suggestion.isVisibleTo(page)

    with directory_office.store.unit_of_work(directory_office.system) as uow:  # the next pull
        referral = referrals.find_referral(uow.session, code)
        done = ReferralOutcome(referral_id=referral.id, state="done", reported_at=datetime.now(UTC))
        referrals.record_outcome(uow, done)
    qtbot.waitUntil(lambda: page.suggestion.isVisibleTo(page), timeout=5000)
    text = page.suggestion_label.text().replace("\u2068", "").replace("\u2069", "")
    assert text == f"Le service a rendu l'orientation {code} (Santé) : le besoin est-il satisfait ?"
    assert needs(page)[1] == "Santé — ouvert"  # suggested, never marked by itself
    qtbot.waitUntil(lambda: tasks.pending == 0)  # no reading of the pull still on its way

    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.suggestion_button.click()
    assert needs(page)[1] == "Santé — satisfait"
    assert not page.suggestion.isVisibleTo(page)
    assert timeline(page)[-1] == ("Besoin satisfait", "Santé")


def test_the_needs_read_in_arabic(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> None:
    saved = core_intake(office)
    work.set_need_state(office, officer(office), str(saved.case_id), "health", "not_met", "other")
    page = open_case(qtbot, make_cases(qtbot, office, tasks, "ar"), str(saved.case_id))
    assert needs(page)[1] == "الصحة — غير ملبّاة (سبب آخر)"
    assert page.need_met_button.text() == "ملبّاة"
