"""The case page's "Copy for the person": a supervisor saves everything the office holds
about the case's person, off the GUI thread; an officer has no such button, and the core
refuses them anyway."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import AuditEntry
from db.uow import Actor
from kiosk.office import OfficeContext
from ui.case_page import CasePage
from ui.language import LanguageState
from ui.tasks import Tasks

from .case_helpers import AICHA, core_intake


def _case_page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, role: str, path: Path
) -> CasePage:
    saved = core_intake(office, {**AICHA, "person.language": "ar"})
    state = LanguageState(office.catalog, "fr")
    actor = Actor(name="sara" if role == "supervisor" else "amina", role=role,
                  office_id=office.office_id)  # fmt: skip
    page = CasePage(office, state, actor, tasks)
    page.language_state = state  # type: ignore[attr-defined]  # keep it alive
    page.choose_export_path = lambda _parent, _language, _name: str(path)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.load(str(saved.case_id))
    return page


def _exports(office: OfficeContext) -> list[tuple[str, str]]:
    with office.store.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.export"))
        return [(entry.user_name, entry.detail) for entry in entries]


def test_a_supervisor_saves_the_persons_copy_in_their_language(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    path = tmp_path / "copy.pdf"
    page = _case_page(qtbot, office, tasks, "supervisor", path)
    assert page.export_button.isVisibleTo(page)
    assert page.export_button.text() == "Copie pour la personne…"

    page.export_button.click()
    qtbot.waitUntil(lambda: "Copie enregistrée" in page.message, timeout=10_000)
    assert str(path) in page.message
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    plain = unicodedata.normalize("NFKC", text)  # Arabic comes out in presentation forms
    assert "Aïcha" in plain and "المكتب" in plain  # the person's language: Arabic
    assert _exports(office) == [("sara", "pdf")]


def test_an_officer_has_no_export_and_the_core_refuses_one(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    path = tmp_path / "copy.json"
    page = _case_page(qtbot, office, tasks, "officer", path)
    assert not page.export_button.isVisibleTo(page)

    page.on_export_clicked()  # as if the button were there
    qtbot.waitUntil(lambda: "Votre rôle ne permet pas cette action." in page.message)
    assert not path.exists() and _exports(office) == []
