"""Small dialogs of the case page: closing a case, a need not met, an outcome heard by phone,
a supervisor's reason to restrict a person, hold a case or erase a person.

Each has an ``ask()`` classmethod that shows it and returns the answer (or None when
cancelled); tests replace ``ask``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from db.cases import DECLINE_REASONS, NEED_NOT_MET_REASONS
from kiosk.cases.casework import CLOSE_REASONS
from kiosk.clock import office_today
from kiosk.erasure import ERASE_REASONS, LIFT_REASONS, RESTRICT_REASONS
from kiosk.retention import HOLD_REASONS
from ui.accessibility import choice_name, name_widget
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


class ReasonDialog(QDialog):
    """Why: one of the core's fixed reasons, never free text (it goes on the timeline or in
    the audit). Each kind of question is a subclass naming its title, label and reasons."""

    title_key = ""
    label_key = ""
    reasons: tuple[str, ...] = ()
    reason_prefix = ""
    combo_name = ""

    def __init__(self, language: LanguageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = language.translator
        self.setWindowTitle(tr(self.title_key))
        self.setLayoutDirection(language.direction)
        self.reason_combo = named(QComboBox(), self.combo_name)
        for reason in self.reasons:
            self.reason_combo.addItem(tr(f"{self.reason_prefix}.{reason}"), reason)
        self.form = QFormLayout(self)
        self.form.addRow(tr(self.label_key), self.reason_combo)
        self.buttons = _buttons(self, language)
        self.form.addRow(self.buttons)

    @classmethod
    def ask(cls, parent: QWidget, language: LanguageState) -> str | None:
        """The reason chosen, or None."""
        dialog = cls(language, parent)
        return str(dialog.reason_combo.currentData()) if dialog.exec() else None


class CloseCaseDialog(ReasonDialog):
    """Why the case is closed."""

    title_key, label_key, reasons = "desk.case.close", "desk.case.close_reason", CLOSE_REASONS
    reason_prefix, combo_name = "desk.close_reason", "closeReason"


class NeedNotMetDialog(ReasonDialog):
    """Why a need was not met."""

    title_key, label_key = "desk.case.need_not_met_title", "desk.case.need_reason"
    reasons, reason_prefix, combo_name = NEED_NOT_MET_REASONS, "desk.need_reason", "needReason"


class RestrictDialog(ReasonDialog):
    """Why a supervisor restricts the person's record."""

    title_key, label_key, reasons = "desk.case.restrict", "desk.case.act_reason", RESTRICT_REASONS
    reason_prefix, combo_name = "desk.case.reason", "restrictReason"


class LiftDialog(ReasonDialog):
    """Why a supervisor lifts the restriction."""

    title_key, label_key, reasons = "desk.case.unrestrict", "desk.case.act_reason", LIFT_REASONS
    reason_prefix, combo_name = "desk.case.reason", "liftReason"


class HoldDialog(ReasonDialog):
    """Why a supervisor holds the case from the retention schedule."""

    title_key, label_key, reasons = "desk.case.hold", "desk.case.act_reason", HOLD_REASONS
    reason_prefix, combo_name = "desk.case.reason", "holdReason"


class EraseDialog(ReasonDialog):
    """Why a supervisor erases the person, after saying in plain words what goes and what
    stays. Its button stays disabled until the supervisor ticks that erasing cannot be
    undone: a tick box reads the same in every script and on every keyboard (typing a Latin
    case code on an Arabic or Tifinagh layout is a chore, not a check), and Enter or a
    double click carried over from the case page cannot press a disabled button."""

    title_key, label_key = "desk.case.erase_title", "desk.case.act_reason"
    reasons = tuple(r for r in ERASE_REASONS if r != "retention")  # the schedule's, not ours
    reason_prefix, combo_name = "desk.case.reason", "eraseReason"

    def __init__(
        self, language: LanguageState, parent: QWidget | None = None, name: str = "", code: str = ""
    ) -> None:
        super().__init__(language, parent)
        tr = language.translator
        explanation = named(
            QLabel(tr("desk.case.erase_explained", name=name, code=code)), "eraseExplained"
        )
        explanation.setWordWrap(True)
        explanation.setMinimumWidth(480)
        self.form.insertRow(0, explanation)
        self.understood = named(QCheckBox(tr("desk.case.erase_understood")), "eraseUnderstood")
        self.form.insertRow(self.form.rowCount() - 1, self.understood)
        accept = QDialogButtonBox.ButtonRole.AcceptRole
        (self.erase_button,) = [
            b for b in self.buttons.buttons() if self.buttons.buttonRole(b) == accept
        ]
        self.erase_button.setText(tr("desk.case.erase_confirm"))
        self.erase_button.setEnabled(False)
        self.understood.toggled.connect(self.erase_button.setEnabled)

    @classmethod
    def ask(
        cls, parent: QWidget, language: LanguageState, name: str = "", code: str = ""
    ) -> str | None:
        """The reason chosen once the supervisor confirmed, or None (``name`` and the case's
        ``code`` say whom it erases)."""
        dialog = cls(language, parent, name, code)
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
            name_widget(button, choice_name(tr, tr("desk.outcome.state"), button.text()))
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
