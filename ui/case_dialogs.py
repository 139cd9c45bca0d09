"""Small dialogs of the case page: closing a case, a need not met, an outcome heard by phone,
a supervisor's reason to restrict a person or hold a case.

Each has an ``ask()`` classmethod that shows it and returns the answer (or None when
cancelled); tests replace ``ask``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from db.cases import DECLINE_REASONS, NEED_NOT_MET_REASONS
from kiosk.cases.casework import CLOSE_REASONS
from kiosk.clock import office_today
from ui.language import LanguageState
from ui.styles import named

OUTCOME_STATES = ("accepted", "declined", "done")


def _buttons(dialog: QDialog, language: LanguageState) -> QDialogButtonBox:
    tr = language.translator
    box = QDialogButtonBox()
    box.addButton(tr("desk.case.confirm"), QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton(tr("desk.case.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def office_date(days: int = 0) -> QDate:
    """The office's today (not the PC's), ``days`` later."""
    today = office_today()
    return QDate(today.year, today.month, today.day).addDays(days)


class CloseCaseDialog(QDialog):
    """Why the case is closed: one of the core's reasons."""

    def __init__(self, language: LanguageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = language.translator
        self.setWindowTitle(tr("desk.case.close"))
        self.setLayoutDirection(language.direction)
        self.reason_combo = named(QComboBox(), "closeReason")
        for reason in CLOSE_REASONS:
            self.reason_combo.addItem(tr(f"desk.close_reason.{reason}"), reason)
        form = QFormLayout(self)
        form.addRow(tr("desk.case.close_reason"), self.reason_combo)
        form.addRow(_buttons(self, language))

    @classmethod
    def ask(cls, parent: QWidget, language: LanguageState) -> str | None:
        """The reason chosen, or None."""
        dialog = cls(language, parent)
        return str(dialog.reason_combo.currentData()) if dialog.exec() else None


class ReasonDialog(QDialog):
    """A supervisor's act on the person or the case (restrict, lift, hold), for one of the
    core's fixed reasons (``desk.case.reason.*``: never free text, it goes in the audit)."""

    def __init__(
        self,
        language: LanguageState,
        title_key: str,
        reasons: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        tr = language.translator
        self.setWindowTitle(tr(title_key))
        self.setLayoutDirection(language.direction)
        self.reason_combo = named(QComboBox(), "actReason")
        for reason in reasons:
            self.reason_combo.addItem(tr(f"desk.case.reason.{reason}"), reason)
        form = QFormLayout(self)
        form.addRow(tr("desk.case.act_reason"), self.reason_combo)
        form.addRow(_buttons(self, language))

    @classmethod
    def ask(
        cls, parent: QWidget, language: LanguageState, title_key: str, reasons: tuple[str, ...]
    ) -> str | None:
        """The reason chosen, or None."""
        dialog = cls(language, title_key, reasons, parent)
        return str(dialog.reason_combo.currentData()) if dialog.exec() else None


class NeedNotMetDialog(QDialog):
    """Why a need was not met: one of the fixed reasons (no free text)."""

    def __init__(self, language: LanguageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = language.translator
        self.setWindowTitle(tr("desk.case.need_not_met_title"))
        self.setLayoutDirection(language.direction)
        self.reason_combo = named(QComboBox(), "needReason")
        for reason in NEED_NOT_MET_REASONS:
            self.reason_combo.addItem(tr(f"desk.need_reason.{reason}"), reason)
        form = QFormLayout(self)
        form.addRow(tr("desk.case.need_reason"), self.reason_combo)
        form.addRow(_buttons(self, language))

    @classmethod
    def ask(cls, parent: QWidget, language: LanguageState) -> str | None:
        """The reason chosen, or None."""
        dialog = cls(language, parent)
        return str(dialog.reason_combo.currentData()) if dialog.exec() else None


class OutcomeDialog(QDialog):
    """What a service said by phone about a referral: accepted, declined (why), done (what)."""

    def __init__(
        self,
        language: LanguageState,
        referrals: list[dict[str, Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        tr = language.translator
        self.setWindowTitle(tr("desk.outcome.title"))
        self.setLayoutDirection(language.direction)
        self.referral_combo = named(QComboBox(), "outcomeReferral")
        for referral in referrals:
            self.referral_combo.addItem(f"{referral['code']} — {referral['service']}", referral)
        self.state_group = QButtonGroup(self)
        states = QHBoxLayout()
        self.state_buttons: dict[str, QRadioButton] = {}
        for state in OUTCOME_STATES:
            button = QRadioButton(tr(f"desk.referral_state.{state}"))
            self.state_group.addButton(button)
            self.state_buttons[state] = button
            states.addWidget(button)
        self.state_buttons["accepted"].setChecked(True)
        self.reason_combo = named(QComboBox(), "declineReason")
        for reason in DECLINE_REASONS:
            self.reason_combo.addItem(tr(f"desk.decline_reason.{reason}"), reason)
        self.provided_edit = named(QLineEdit(), "outcomeProvided")
        self.provided_edit.setMaxLength(300)
        self.date_edit = QDateEdit(office_date())
        self.date_edit.setCalendarPopup(True)
        form = QFormLayout(self)
        form.addRow(tr("desk.outcome.referral"), self.referral_combo)
        form.addRow(tr("desk.outcome.state"), states)
        form.addRow(tr("desk.outcome.reason"), self.reason_combo)
        form.addRow(tr("desk.outcome.provided"), self.provided_edit)
        form.addRow(tr("desk.outcome.date"), self.date_edit)
        form.addRow(_buttons(self, language))
        self.state_group.buttonToggled.connect(self.on_state_toggled)
        self.on_state_toggled()

    @property
    def state(self) -> str:
        """The state chosen."""
        return next(s for s, button in self.state_buttons.items() if button.isChecked())

    def on_state_toggled(self, *_: object) -> None:
        """Ask for a reason when declined, for what and when when done."""
        self.reason_combo.setEnabled(self.state == "declined")
        self.provided_edit.setEnabled(self.state == "done")
        self.date_edit.setEnabled(self.state == "done")

    def answer(self) -> dict[str, Any]:
        """The outcome as the worker wants it."""
        referral = self.referral_combo.currentData() or {}
        day = self.date_edit.date()
        return {
            "referral_id": referral.get("referral_id", ""),
            "state": self.state,
            "reason": str(self.reason_combo.currentData()) if self.state == "declined" else "",
            "provided": self.provided_edit.text() if self.state == "done" else "",
            "outcome_on": date(day.year(), day.month(), day.day())
            if self.state == "done"
            else None,
        }

    @classmethod
    def ask(
        cls, parent: QWidget, language: LanguageState, referrals: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        """The outcome recorded, or None."""
        dialog = cls(language, referrals, parent)
        return dialog.answer() if dialog.exec() else None
