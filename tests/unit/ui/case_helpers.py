"""Helpers of the intake and case tests: answers, filling the wizard, cases made by the core."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from pytestqt.qtbot import QtBot

from db.cases import ReferralPriority
from db.uow import Actor
from kiosk.cases import casework, referrals
from kiosk.cases.intake import IntakeRequest, SavedIntake, submit_intake
from kiosk.office import OfficeContext
from ui.intake_fields import ChoiceField, ManyField
from ui.intake_wizard import IntakeWizard

OFFICER = ("amina", "demo-password")

AICHA = {
    "consent.record": True,
    "consent.share": True,
    "consent.stats": True,
    "consent.method": "verbal",
    "person.category": "rpt",
    "person.sex": "f",
    "person.given_name": "Aïcha",
    "person.family_name": "Diallo",
    "person.birth_year": "1990",
    "person.nationality": "SN",
    "person.commune": "Taliouine",
    "person.phone": "0612345678",
    "person.language": "fr",
    "household.size": "3",
    "needs": ["civil_registration", "health"],
}


def officer(office: OfficeContext) -> Actor:
    """The test officer, logged in."""
    return office.accounts.login(*OFFICER)[0]


def set_answer(wizard: IntakeWizard, key: str, value: object) -> None:
    """Answer one field as the officer would."""
    widget = wizard.fields[key]
    if isinstance(widget, ChoiceField):
        widget.choose(value)
    elif isinstance(widget, ManyField):
        for choice, box in widget.boxes.items():
            box.setChecked(choice in value)  # type: ignore[operator]
    elif hasattr(widget, "combo"):
        widget.combo.setEditText(str(value))
    else:
        widget.edit.setText(str(value))  # type: ignore[attr-defined]


def fill_section(wizard: IntakeWizard, answers: dict[str, object]) -> None:
    """Answer the fields of the section shown that ``answers`` holds."""
    for widget in wizard.pages[wizard.current_section].fields:
        if widget.key in answers and not widget.isHidden():
            set_answer(wizard, widget.key, answers[widget.key])


def next_page(qtbot: QtBot, wizard: IntakeWizard) -> None:
    """Press Next and wait for the next page (leaving the person's page looks them up)."""
    section = wizard.current_section
    if not wizard.go_next():
        qtbot.waitUntil(lambda: not wizard.busy, timeout=5000)
    assert wizard.current_section != section, wizard.message


def fill_all(qtbot: QtBot, wizard: IntakeWizard, answers: dict[str, object]) -> None:
    """Fill every page, pressing Next on each until the last one."""
    for _ in range(len(wizard.form.sections)):
        fill_section(wizard, answers)
        if wizard.on_last_section:
            return
        next_page(qtbot, wizard)


def fill_person(qtbot: QtBot, wizard: IntakeWizard, answers: dict[str, object]) -> None:
    """Fill the pages up to the person's, and answer it (without leaving it)."""
    while wizard.current_section < wizard.person_section:
        fill_section(wizard, answers)
        next_page(qtbot, wizard)
    fill_section(wizard, answers)


def save(qtbot: QtBot, wizard: IntakeWizard) -> SavedIntake:
    """Press Save and wait for the intake."""
    with qtbot.waitSignal(wizard.intake_saved, timeout=5000) as blocker:
        wizard.save_button.click()
    return blocker.args[0]


def core_intake(office: OfficeContext, answers: dict[str, object] | None = None) -> SavedIntake:
    """An intake saved by the core directly."""
    return submit_intake(office.store, officer(office), IntakeRequest(answers or AICHA))


def overdue_step(office: OfficeContext, case_id: uuid.UUID, text: str = "Rappeler") -> None:
    """A step of the case that was due yesterday."""
    with office.store.unit_of_work(officer(office)) as uow:
        case = casework.find_case(uow.session, str(case_id))
        casework.add_step(uow, case, text, date.today() - timedelta(days=1))


def overdue_referral(office: OfficeContext, case_id: uuid.UUID, service_id: str) -> str:
    """An emergency referral made three days ago (so overdue); returns its code."""
    request = referrals.NewReferral(case_id, service_id, "health", ReferralPriority.EMERGENCY)
    with office.store.unit_of_work(officer(office)) as uow:
        past = datetime.now().astimezone() - timedelta(days=3)
        return referrals.create_referral(uow, request, now=past).code
