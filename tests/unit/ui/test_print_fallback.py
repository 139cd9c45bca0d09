"""A slip no printer can take (issue #13, item 3): the officer is told why in their language,
the job is listed on the Printing page, and the slip is still handed out, on A4 through the
computer's printers or as a PDF."""

from __future__ import annotations

import re
from pathlib import Path

from pytestqt.qtbot import QtBot

from db.print_spool import PrintJobState
from kiosk.directory.importer import import_directory
from kiosk.directory.search import SearchQuery
from kiosk.directory.view import find_services
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from printing.jobs import print_slip_message, spool_for
from ui.desk_spool import SpoolPage
from ui.language import LanguageState
from ui.print_fallback import SlipNotPrinted
from ui.tasks import Tasks

from .case_helpers import core_intake, officer, overdue_referral
from .test_desk_cases import make_cases, open_case

NO_PRINTER_FR = (
    "La fiche n'est pas sortie : aucune imprimante n'est choisie sur cet ordinateur. "
    "Imprimez-la sur A4 ou enregistrez-la en PDF. Elle reste aussi sur la page Impression."
)


def _case_with_referral(office: OfficeContext) -> tuple[str, str]:
    import_directory(office.store, office.system, demo_directory())
    saved = core_intake(office)
    service = find_services(office, SearchQuery(category="health"))[0]
    return str(saved.case_id), overdue_referral(office, saved.case_id, str(service.service_id))


def test_a_slip_with_no_printer_is_listed_and_saved_as_a_pdf(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    case_id, code = _case_with_referral(office)
    page = open_case(qtbot, make_cases(qtbot, office, tasks), case_id)
    page.referrals.setCurrentRow(0)
    page.slip_button.click()

    qtbot.waitUntil(lambda: page.message != "", timeout=10_000)
    assert page.message == NO_PRINTER_FR  # no command-line advice, no English
    dialog = page.not_printed
    assert isinstance(dialog, SlipNotPrinted) and dialog.isVisible()
    assert dialog.why_label.text() == NO_PRINTER_FR
    qtbot.waitUntil(lambda: not dialog.preview_label.pixmap().isNull(), timeout=10_000)
    (job,) = spool_for(office).jobs()  # listed for the Printing page
    assert job.state is PrintJobState.FAILED and job.summary.endswith(code)

    target = tmp_path / "fiche"
    dialog.outputs.choose_pdf_path = lambda *_: str(target)
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: "PDF" in dialog.message_label.text(), timeout=10_000)
    assert dialog.message_label.text().startswith("« Fiche d'orientation")
    assert str(target) + ".pdf" in dialog.message_label.text()
    data = (tmp_path / "fiche.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) == 1


def _spool_page(qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str) -> SpoolPage:
    page = SpoolPage(office, LanguageState(office.catalog, language), officer(office), tasks)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitUntil(lambda: page.jobs is not None)
    return page


def test_the_printing_page_says_no_printer_is_chosen_and_saves_a_job_as_a_pdf(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    _case_id, code = _case_with_referral(office)
    queued = print_slip_message(office, officer(office), code)
    page = _spool_page(qtbot, office, tasks, "fr")
    assert page.hint_label.isVisibleTo(page)
    assert page.hint_label.text().startswith("Aucune imprimante n'est choisie sur cet ordinateur")
    assert not page.open_folder_button.isVisibleTo(page)
    assert page.table.item(0, 4).text().startswith("Aucune imprimante choisie : imprimez sur A4")
    assert page.printer_box.lineEdit().placeholderText() == "Aucune imprimante choisie"
    assert not page.pdf_button.isEnabled()  # no job chosen yet

    page.select_job(queued.job.id)
    page.outputs.choose_pdf_path = lambda *_: str(tmp_path / "slip.pdf")
    page.pdf_button.click()
    qtbot.waitUntil(lambda: "PDF" in page.message_label.text(), timeout=10_000)
    assert (tmp_path / "slip.pdf").read_bytes().startswith(b"%PDF")


def test_the_printing_page_shows_where_the_demo_printer_puts_its_pictures(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    office.settings.set(office.system, "printer.uri", f"image:{tmp_path / 'pictures'}")
    page = _spool_page(qtbot, office, tasks, "ar")
    assert page.hint_label.text().startswith("طابعة تجريبية")
    assert str(tmp_path / "pictures") in page.hint_label.text()
    assert page.open_folder_button.isVisibleTo(page)
