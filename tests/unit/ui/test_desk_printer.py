"""The desk's Printer page (issue #13, item 3): a supervisor finds, tests and chooses this
computer's printer; the choice is audited, and officers neither see nor make it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import AuditEntry, Role
from db.uow import Actor
from kiosk.accounts import PermissionDenied
from kiosk.office import OfficeContext
from printing.jobs import choose_printer
from tests.helpers.escpos import decode
from tests.helpers.printers import free_port, loopback_printer
from ui.desk_pages import visible_sections
from ui.desk_printer import PrinterPage
from ui.language import LanguageState
from ui.tasks import Tasks

from .case_helpers import officer

SUPERVISOR = ("hassan", "long-password-1")


def _supervisor(office: OfficeContext) -> Actor:
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    return office.accounts.login(*SUPERVISOR)[0]


def _page(qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str = "fr") -> PrinterPage:
    page = PrinterPage(office, LanguageState(office.catalog, language), _supervisor(office), tasks)
    qtbot.addWidget(page)
    page.resize(1000, 620)
    page.show()
    qtbot.waitUntil(lambda: page.discovery is not None, timeout=10_000)
    return page


def test_a_supervisor_tests_a_network_printer_and_makes_it_this_computers(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = _page(qtbot, office, tasks)
    assert page.current_label.text().startswith("Aucune imprimante n'est choisie")
    assert page.message_label.text().startswith("Imprimantes trouvées")
    listed = [page.list.item(row).text() for row in range(page.list.count())]
    assert listed[-2:] == [
        "Images dans un dossier (sans papier, pour essayer)",
        "Aucune imprimante (A4 et PDF seulement)",
    ]

    with loopback_printer() as printer:
        page.address_edit.setText(f"127.0.0.1:{printer.port}")  # typed as people write it
        assert page.chosen == printer.uri
        page.test_button.click()
        qtbot.waitUntil(lambda: not page.busy, timeout=15_000)
        (received,) = printer.wait_for_jobs(1)
    assert page.message_label.text().startswith("La page de test est sortie sur")
    assert decode(received).cut

    page.use_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=5_000)
    assert office.settings.get("printer.uri") == printer.uri
    assert page.current_label.text().endswith(f"{printer.uri}\u2069")
    assert "Le kiosque l'utilise dès le prochain ticket" in page.message_label.text()
    with office.store.session() as session:
        audited = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "change machine setting")
        ).all()
    assert audited == [f"printer.uri = {printer.uri}"]


def test_a_printer_that_is_off_is_said_so_in_arabic(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = _page(qtbot, office, tasks, "ar")
    page.address_edit.setText(f"tcp://127.0.0.1:{free_port()}")
    page.test_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15_000)
    assert page.message_label.text().startswith("الطابعة")
    assert "لا تستجيب" in page.message_label.text()


def test_the_picture_printer_is_offered_and_chosen(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = _page(qtbot, office, tasks)
    page.choose(page.picture_printer)
    page.test_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15_000)
    folder = office.paths.data_dir / "printed-pictures"
    assert len(list(folder.glob("*.png"))) == 1
    page.use_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=5_000)
    assert office.settings.get("printer.uri") == f"image:{folder}"


def test_officers_neither_see_nor_change_the_printer(office: OfficeContext) -> None:
    amina = officer(office)
    assert "printer" not in visible_sections(amina)
    assert "printer" in visible_sections(office.system)
    with pytest.raises(PermissionDenied):
        choose_printer(office, amina, "tcp://192.0.2.1")
    assert office.settings.get("printer.uri") == ""
