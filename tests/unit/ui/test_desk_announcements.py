"""What a screen reader is told without the focus moving, and a field's states.

A ticket called, a login refused, a page of the intake that cannot be left, an intake
saved: each is sent to the accessibility layer as an announcement (Qt's
``QAccessibleAnnouncementEvent``, which Orca and NVDA speak), a refusal at once, news after
what is being said. A field of the intake says that it is required, and its error once
checked, in its accessible description, in the officer's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from ui.desk import DeskWindow
from ui.desk_queue import QueuePage
from ui.intake_wizard import IntakeWizard
from ui.language import LanguageState
from ui.tasks import Tasks

from .case_helpers import AICHA, fill_section, officer
from .conftest import OFFICER, LogIn

Polite = QAccessible.AnnouncementPoliteness.Polite
Assertive = QAccessible.AnnouncementPoliteness.Assertive


@dataclass(frozen=True)
class Said:
    """One announcement: its words and how urgently."""

    message: str
    politeness: QAccessible.AnnouncementPoliteness


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Said]]:
    """Every announcement the windows send to the accessibility layer (what Qt hands to
    AT-SPI or UI Automation), in order."""
    heard: list[Said] = []
    original = QAccessible.updateAccessibility

    def hear(event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            heard.append(Said(event.message(), event.politeness()))
        original(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(hear))
    yield heard


def test_a_refused_login_is_said_at_once(desk: DeskWindow, log_in: LogIn, said: list[Said]) -> None:
    log_in(desk, OFFICER[0], "not-the-password")
    assert said[-1] == Said("Nom ou mot de passe incorrect.", Assertive)
    assert desk.login_page.error_text == said[-1].message  # what sighted officers read


def test_a_ticket_called_is_said_and_a_refusal_at_once(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, said: list[Said]
) -> None:
    office.settings.set(office.system, "desk.counter", "1")
    QueueService.for_office(office).take(office.system, TicketRequest(reason="health"))
    page = QueuePage(office, LanguageState(office.catalog, "ar"), officer(office), tasks)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.status is not None and page.counter == 1)

    page.buttons["call_next"].click()
    qtbot.waitUntil(lambda: not page.busy and not tasks.pending)
    assert said[-1] == Said("تم نداء D001 إلى الشباك 1.", Polite)

    page.on_command("cancel")  # no ticket chosen in the list
    assert said[-1] == Said(page.message_label.text(), Assertive)
    assert said[-1].message == "اختر تذكرة من القائمة أولًا."


def test_a_page_of_the_intake_that_cannot_be_left_is_said_with_its_first_error(
    office: OfficeContext, tasks: Tasks, qtbot: QtBot, said: list[Said]
) -> None:
    wizard = IntakeWizard(office, LanguageState(office.catalog, "fr"), officer(office), tasks)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_section(wizard, AICHA)
    assert wizard.go_next()
    assert said[-1] == Said(wizard.progress_label.text(), Polite)  # where the focus went
    assert said[-1].message.startswith("Étape 2 sur ")

    fill_section(wizard, {**AICHA, "person.given_name": ""})
    assert not wizard.go_next()
    error = wizard.fields["person.given_name"].error
    assert said[-1] == Said(
        "Corrigez les champs signalés en rouge avant de continuer. "
        f"Prénom ou nom d'usage, en lettres latines : {error}",
        Assertive,
    )


def test_an_intake_saved_is_said_on_the_case_it_opens(
    qtbot: QtBot, desk: DeskWindow, log_in: LogIn, said: list[Said]
) -> None:
    from .case_helpers import fill_all, save

    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    wizard = desk.main_page.start_intake()
    fill_all(qtbot, wizard, AICHA)
    saved = save(qtbot, wizard)
    assert said[-1] == Said(f"Entretien enregistré : dossier {saved.case_code}.", Polite)


def test_a_field_says_it_is_required_and_its_error_in_the_officers_language(
    office: OfficeContext, tasks: Tasks, qtbot: QtBot
) -> None:
    language = LanguageState(office.catalog, "fr")
    wizard = IntakeWizard(office, language, officer(office), tasks)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_section(wizard, AICHA)
    assert wizard.go_next()
    nationality = wizard.fields["person.nationality"]
    assert nationality.label.text().endswith(" *")  # what sighted officers see
    combo = QAccessible.queryAccessibleInterface(nationality.combo)  # type: ignore[attr-defined]
    assert combo.text(QAccessible.Text.Description) == "Obligatoire."
    line = QAccessible.queryAccessibleInterface(nationality.combo.lineEdit())  # type: ignore[attr-defined]
    assert line.text(QAccessible.Text.Name) == "Nationalité"  # no "*"

    field = wizard.fields["person.birth_year"]
    line = QAccessible.queryAccessibleInterface(field.edit)
    assert line.text(QAccessible.Text.Name) == "Année de naissance"
    assert "Obligatoire" not in line.text(QAccessible.Text.Description)
    field.edit.setText("1850")
    field.edit.editingFinished.emit()  # checked as the officer leaves it
    description = line.text(QAccessible.Text.Description)
    assert f"Erreur : {field.error}" in description

    language.set_language("ar")
    assert line.text(QAccessible.Text.Description).startswith(f"خطأ: {field.error}")
    assert "سنة الازدياد" in field.error  # the error in Arabic too
    assert combo.text(QAccessible.Text.Description) == "إلزامي."

    field.edit.setText("1990")
    field.edit.editingFinished.emit()
    assert "خطأ" not in line.text(QAccessible.Text.Description)  # fixed: said no more

    consent = wizard.fields["consent.record"]
    yes = QAccessible.queryAccessibleInterface(consent.buttons[True])  # type: ignore[attr-defined]
    question = consent.field.label("ar")
    assert yes.text(QAccessible.Text.Name) == f"{question}: نعم"  # the question with the choice
