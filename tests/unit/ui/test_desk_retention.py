"""The desk's Retention page: a supervisor sees what the next run will anonymise."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot
from sqlalchemy import update

from db.base import utcnow
from db.cases import Case
from db.uow import Actor
from kiosk.cases import work
from kiosk.office import OfficeContext
from ui.desk_pages import visible_sections
from ui.desk_retention import RetentionPage
from ui.language import LanguageState
from ui.tasks import Tasks

from .case_helpers import core_intake


def test_a_supervisor_sees_the_cases_the_next_run_will_anonymise(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(office)
    assert saved.case_code is not None
    work.close_case(office, office.system, saved.case_code, "need_met")
    with office.store.session() as session:
        long_ago = utcnow() - timedelta(days=800)
        session.execute(update(Case).values(closed_at=long_ago))
        session.commit()
    supervisor = Actor(name="sara", role="supervisor", office_id=office.office_id)
    page = RetentionPage(office, LanguageState(office.catalog, "fr"), supervisor, tasks)
    qtbot.addWidget(page)
    page.preview_button.click()
    qtbot.waitUntil(lambda: page.due_list.count() == 1, timeout=10_000)
    assert page.due_list.item(0).text() == saved.case_code
    assert page.counts_label.text().startswith("Prochaine exécution : 1 personne(s) anonymisée(s)")


def test_only_supervisors_see_the_retention_page(office: OfficeContext) -> None:
    officer = Actor(name="amina", role="officer", office_id=office.office_id)
    supervisor = Actor(name="sara", role="supervisor", office_id=office.office_id)
    assert "retention" not in visible_sections(officer)
    assert "retention" in visible_sections(supervisor)
