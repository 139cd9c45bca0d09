"""The desk audits the officer's reads of personal data, not its own background refreshes:
opening a case, a search once the officer stops typing, a consent notice printed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import AuditEntry
from kiosk.audit import CASE_READ, CONSENT_NOTICE_PRINT, PERSON_SEARCH
from kiosk.cases import work
from kiosk.office import OfficeContext
from ui.consent_notice import ConsentNoticeDialog
from ui.intake_wizard import IntakeWizard
from ui.language import LanguageState
from ui.tasks import Tasks

from .case_helpers import AICHA, OFFICER, core_intake, officer
from .test_desk_cases import make_cases, open_case


def _entries(office: OfficeContext, action: str) -> list[AuditEntry]:
    with office.store.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        return list(session.scalars(query))


def test_opening_a_case_is_one_read_and_its_refreshes_are_none(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(office)
    page = make_cases(qtbot, office, tasks)
    case_page = open_case(qtbot, page, str(saved.case_id))
    qtbot.waitUntil(lambda: len(_entries(office, CASE_READ)) == 1)
    (entry,) = _entries(office, CASE_READ)
    assert (entry.user_name, entry.entity_id) == (OFFICER[0], saved.case_id)

    # another PC or process writes a note: the page reads the case again, unaudited
    work.write_entry(office, office.system, str(saved.case_code), "note", "rappel")
    qtbot.waitUntil(
        lambda: any(i["text"] == "rappel" for i in case_page.detail["timeline"]), timeout=15000
    )
    qtbot.wait(300)  # several looks for changes: an audit write would show up as a refresh
    assert len(_entries(office, CASE_READ)) == 1

    case_page.done.emit()
    open_case(qtbot, page, str(saved.case_id))  # opened again: read again
    qtbot.waitUntil(lambda: len(_entries(office, CASE_READ)) == 2)


@pytest.mark.slow  # types a name key by key with the search's pauses: about 2 s
def test_a_search_typed_key_by_key_is_one_audited_search_without_its_words(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    core_intake(office)
    page = make_cases(qtbot, office, tasks)
    search = page.search
    search.audit_timer.setInterval(200)
    for text in ("a", "ai", "aich", "aicha di"):
        search.search_edit.setText(text)
    qtbot.waitUntil(lambda: not search.searching and bool(search.people))
    qtbot.waitUntil(lambda: len(_entries(office, PERSON_SEARCH)) == 1)
    qtbot.wait(400)
    (entry,) = _entries(office, PERSON_SEARCH)
    assert (entry.user_name, entry.detail, entry.entity_id) == (OFFICER[0], "results=1", None)

    core_intake(office, {**AICHA, "person.given_name": "Awa", "person.phone": "0600000001"})
    qtbot.wait(600)  # the search runs again for the new person: not the officer's search
    assert len(_entries(office, PERSON_SEARCH)) == 1

    search.search_edit.setText("diallo")
    qtbot.waitUntil(lambda: not search.searching and len(search.people) == 2)
    search.open_button.click()  # opening a result audits the search at once
    qtbot.waitUntil(lambda: len(_entries(office, PERSON_SEARCH)) == 2)
    assert _entries(office, PERSON_SEARCH)[-1].detail == "results=2"


def test_a_consent_notice_printed_is_audited_with_its_language(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    printed: list[bool] = []
    dialog = ConsentNoticeDialog(office.catalog, "fr", "fr", printed=lambda: printed.append(True))
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "notice.pdf"))
    dialog.print_on(printer)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "notice.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert printed == [True] and "09-08" in text

    language = LanguageState(office.catalog, "fr")
    wizard = IntakeWizard(office, language, officer(office), tasks)
    qtbot.addWidget(wizard)
    wizard.on_notice_printed("ar")
    qtbot.waitUntil(lambda: len(_entries(office, CONSENT_NOTICE_PRINT)) == 1)
    (entry,) = _entries(office, CONSENT_NOTICE_PRINT)
    assert (entry.user_name, entry.detail) == (OFFICER[0], "lang=ar")
