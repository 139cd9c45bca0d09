"""Screenshots of the desk's case work at 1280x800, off screen, in French and Arabic.

The PNG files go to ``$BAOM_SHOTS_DIR`` when set (to look at them), else to a temporary
folder; the test checks that each one was painted (not blank).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.cases import work
from kiosk.directory.importer import import_directory
from kiosk.directory.search import SearchQuery
from kiosk.directory.view import find_services
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from tests.unit.ui.case_helpers import (
    AICHA,
    OFFICER,
    core_intake,
    fill_section,
    officer,
    overdue_referral,
    overdue_step,
)
from ui.consent_notice import ConsentNoticeDialog
from ui.desk import DeskWindow
from ui.fonts import install_fonts
from ui.intake_wizard import IntakeWizard
from ui.tasks import Tasks


@pytest.fixture
def tasks(office: OfficeContext) -> Iterator[Tasks]:
    """The workers."""
    runner = Tasks(office.store)
    yield runner
    runner.shutdown()


def shoot(window: DeskWindow, folder: Path, name: str) -> Path:
    """Paint the window and save it as ``name``.png."""
    QApplication.processEvents()
    path = folder / f"{name}.png"
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)  # the offices' screens
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 8  # painted, not a blank window
    return path


def test_the_case_work_screens_render_in_french_and_arabic(
    qtbot: QtBot,
    qapp: QApplication,
    office: OfficeContext,
    tasks: Tasks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(IntakeWizard, "ask_discard", lambda *_: True)  # the officer confirms
    install_fonts(qapp)
    folder = Path(os.environ.get("BAOM_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    import_directory(office.store, office.system, demo_directory())
    saved = core_intake(office)
    other = core_intake(office, {**AICHA, "person.given_name": "Moussa", "person.phone": ""})
    overdue_step(office, saved.case_id, "Rappeler la CNSS pour le dossier de pension")
    service = find_services(office, SearchQuery(category="health"))[0]
    overdue_referral(office, other.case_id, str(service.service_id))
    work.write_entry(
        office, officer(office), str(saved.case_id), "information", "Liste des pièces donnée"
    )
    window = DeskWindow(office, tasks, lock_after_ms=600_000)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.login_page
    page.name_edit.setText(OFFICER[0])
    page.password_edit.setText(OFFICER[1])
    page.submit_button.click()
    qtbot.waitUntil(lambda: window.main_page is not None)
    main = window.main_page
    assert main is not None
    for language in ("fr", "ar"):
        window.language.set_language(language)
        main.show_section("home")
        home = main.section_pages["home"]
        qtbot.waitUntil(lambda home=home: home.data is not None and tasks.pending == 0)
        shoot(window, folder, f"home_{language}")
        wizard = main.start_intake()
        shoot(window, folder, f"wizard_consent_{language}")
        fill_section(wizard, AICHA)
        wizard.go_next()
        wizard.go_next()  # blocked: the errors show under the fields
        shoot(window, folder, f"wizard_person_{language}")
        wizard.on_discard_clicked()
        cases = main.cases_page
        with qtbot.waitSignal(cases.case_page.case_loaded, timeout=5000):
            main.open_case(str(saved.case_id))
        shoot(window, folder, f"case_{language}")
    window.language.set_language("zgh")  # Tifinagh, from the bundled fonts
    main.start_intake().on_discard_clicked()
    wizard = main.start_intake()
    shoot(window, folder, "wizard_consent_zgh")
    for visitor in ("ar", "zgh"):
        notice = ConsentNoticeDialog(office.catalog, visitor, "fr")
        qtbot.addWidget(notice)
        notice.show()
        QApplication.processEvents()
        assert notice.grab().save(str(folder / f"consent_notice_{visitor}.png"))
    window.language.set_language("fr")
    with qtbot.waitSignal(main.cases_page.case_page.case_loaded, timeout=5000):
        main.open_case(str(saved.case_id))
    main.cases_page.case_page.refer_button.click()
    dialog = main.cases_page.case_page.referral_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.directory.results.count() > 0 and tasks.pending == 0)
    dialog.directory.results.setCurrentRow(0)
    qtbot.waitUntil(lambda: dialog.directory.card is not None)
    assert dialog.grab().save(str(folder / "referral_dialog_fr.png"))
    dialog.close()
    qtbot.waitUntil(lambda: tasks.pending == 0)
