"""Referring a person: need → a service of the directory → priority → consent → slip.

The service is picked with the directory page itself (``ui.desk_directory``), pre-filtered
by the need and by who the person is (the directory's eligibility). Without the visitor's
consent to share, an officer sees why the referral is refused; a supervisor may give an
override reason. Creating and printing run on the worker. Once a referral is saved,
``sync_soon`` (when the desk syncs) asks for a sync round at once, so that the service sees
it without waiting for the schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.accounts import Permission, has_permission
from kiosk.cases import work as case_work
from kiosk.cases.referrals import DISCREET_NEEDS
from kiosk.office import OfficeContext
from printing.jobs import SlipQueued, print_slip_message
from protocol.directory.profile import NEED_CATEGORIES
from ui.accessibility import announce, choice_name, name_widget
from ui.desk_directory import DirectoryPage
from ui.language import LanguageState
from ui.print_fallback import show_slip_not_printed
from ui.styles import named
from ui.tasks import Tasks

PRIORITIES = ("emergency", "urgent", "normal")
ELIGIBILITY = {"mre": "mre", "mre_returnee": "mre_returnee", "rpt": "rpt"}


class ReferralDialog(QDialog):
    """Choose the need, the service and the priority; create the referral; print its slip.

    Signals:
        referral_created(str): the referral exists; carries its code.
        slip_printed(str): the slip was queued for the printer, or listed as not printed
            when no printer can take it; carries the key of the message that says so.
    """

    referral_created = Signal(str)
    slip_printed = Signal(str)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
        detail: dict[str, Any],
        parent: QWidget | None = None,
        sync_soon: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._sync_soon = sync_soon
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self.detail = detail
        self.code: str | None = None
        self.not_printed: QDialog | None = None  # the slip no printer could take
        tr = language.translator
        self.setWindowTitle(tr("desk.referral.title"))
        self.setLayoutDirection(language.direction)
        self.resize(1000, 720)
        self.need_combo = named(QComboBox(), "referralNeed")
        case_needs = [need["need"] for need in detail["needs"]]
        for need in [*case_needs, *(n for n in NEED_CATEGORIES if n not in case_needs)]:
            self.need_combo.addItem(tr(f"directory.category.{need}"), need)
        self.directory = DirectoryPage(context, language, tasks)
        self.directory.title_label.hide()
        self.directory.refer_button.hide()
        self.directory.refer_hint.hide()
        self.directory.hide_category()  # the need above drives it
        category = (detail.get("person") or {}).get("category")
        eligible = ELIGIBILITY.get(category or "")
        if eligible:
            self.directory.eligible_combo.setCurrentIndex(
                self.directory.eligible_combo.findData(eligible)
            )
        name_widget(self.need_combo, tr("desk.referral.need"))
        self.priority_group = QButtonGroup(self)
        priorities = QHBoxLayout()
        self.priority_buttons: dict[str, QRadioButton] = {}
        for priority in PRIORITIES:
            button = QRadioButton(tr(f"desk.referral.priority_{priority}"))
            name_widget(button, choice_name(tr, tr("desk.referral.priority"), button.text()))
            self.priority_group.addButton(button)
            self.priority_buttons[priority] = button
            priorities.addWidget(button)
        self.priority_buttons["normal"].setChecked(True)
        priorities.addStretch(1)
        # a discreet slip names no service: proposed for the needs of DISCREET_NEEDS
        self.discreet_check = named(QCheckBox(tr("desk.referral.discreet")), "referralDiscreet")
        self.discreet_check.setToolTip(tr("desk.referral.discreet_hint"))
        self.consent_label = named(QLabel(wordWrap=True), "referralConsent")
        self.override_edit = named(QLineEdit(), "overrideReason")
        self.override_edit.setPlaceholderText(tr("desk.referral.override"))
        name_widget(self.override_edit, tr("desk.referral.override"))
        self.message_label = named(QLabel(wordWrap=True), "referralMessage")
        self.create_button = named(QPushButton(tr("desk.referral.create")), "createReferral")
        self.print_button = named(QPushButton(tr("desk.referral.print_slip")), "printSlip")
        self.print_button.setEnabled(False)
        close = QPushButton(tr("desk.notice.close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        for push in (self.create_button, self.print_button, close):
            buttons.addWidget(push)
        need_label = QLabel(tr("desk.referral.need"))
        need_label.setBuddy(self.need_combo)  # a screen reader's name for it
        top = QHBoxLayout()
        top.addWidget(need_label)
        top.addWidget(self.need_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.directory, 1)
        layout.addWidget(QLabel(tr("desk.referral.priority")))
        layout.addLayout(priorities)
        layout.addWidget(self.discreet_check)
        layout.addWidget(self.consent_label)
        layout.addWidget(self.override_edit)
        layout.addLayout(buttons)
        self.need_combo.currentIndexChanged.connect(self.on_need_chosen)
        self.create_button.clicked.connect(self.on_create_clicked)
        self.print_button.clicked.connect(self.on_print_clicked)
        close.clicked.connect(self.accept)
        self._show_consent()
        self.on_need_chosen()

    @property
    def may_override(self) -> bool:
        """Whether this account may refer without the visitor's consent (a supervisor)."""
        return has_permission(self._actor, Permission.OVERRIDE_CONSENT)

    def _show_consent(self) -> None:
        tr = self._language.translator
        consent = bool(self.detail.get("consent_share"))
        if consent:
            self.consent_label.setText(tr("desk.referral.consent_yes"))
        elif self.may_override:
            self.consent_label.setText(tr("desk.referral.consent_no_supervisor"))
        else:
            self.consent_label.setText(tr("desk.referral.consent_no"))
        self.override_edit.setVisible(not consent and self.may_override)
        self.create_button.setEnabled(consent or self.may_override)
        self.consent_label.setProperty("refused", not consent)

    def _say(self, text: str, *, urgent: bool = False) -> None:
        """Show ``text`` under the choices, and have a screen reader say it."""
        self.message_label.setText(text)
        announce(self, text, urgent=urgent)

    def on_need_chosen(self, *_: object) -> None:
        """Show the services of the need chosen, and propose a discreet slip for a need a
        person may not want seen on paper (the officer may change it)."""
        combo = self.directory.category_combo
        need = self.need_combo.currentData()
        combo.setCurrentIndex(combo.findData(need))
        self.discreet_check.setChecked(need in DISCREET_NEEDS)

    def choose(self, need: str, category: str, priority: str) -> None:
        """Refer for ``need``, the directory showing the services of ``category`` (a step's
        kind of service may differ from the need: a court for a birth), ``priority``
        chosen."""
        self.need_combo.setCurrentIndex(self.need_combo.findData(need))
        combo = self.directory.category_combo
        combo.setCurrentIndex(combo.findData(category))
        self.priority_buttons[priority].setChecked(True)

    @property
    def service_id(self) -> str | None:
        """The service chosen in the directory's list."""
        item = self.directory.results.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    @property
    def priority(self) -> str:
        """The priority chosen."""
        return next(p for p, button in self.priority_buttons.items() if button.isChecked())

    def on_create_clicked(self) -> None:
        """Create the referral (on the worker); the core refuses it without consent."""
        tr = self._language.translator
        if self.service_id is None:
            self._say(tr("desk.referral.choose_service"), urgent=True)
            return
        self.create_button.setEnabled(False)
        work = partial(
            case_work.make_referral,
            self._context,
            self._actor,
            self.detail["case_id"],
            self.service_id,
            str(self.need_combo.currentData()),
            self.priority,
            self.override_edit.text().strip() if self.override_edit.isVisible() else "",
            self.discreet_check.isChecked(),
        )
        self._tasks.run(work, self.on_created, self.on_refused)

    def on_created(self, code: str) -> None:
        """The referral exists: its slip may be printed, and sync sends it soon."""
        self.code = code
        if self._sync_soon is not None:
            self._sync_soon()
        self._say(self._language.translator("desk.referral.created", code=code))
        self.print_button.setEnabled(True)
        self.print_button.setFocus()
        self.referral_created.emit(code)

    def on_refused(self, error: BaseException) -> None:
        """Say why the referral was refused."""
        self.create_button.setEnabled(True)
        self._say(self._language.translator("desk.referral.refused", detail=error), urgent=True)

    def on_print_clicked(self) -> None:
        """Queue the slip (on the worker); the referral becomes sent."""
        if self.code is None:
            return
        self.print_button.setEnabled(False)
        work = partial(print_slip_message, self._context, self._actor, self.code)
        self._tasks.run(work, self.on_printed, self.on_print_failed)

    def on_printed(self, queued: SlipQueued) -> None:
        """Say that the slip went to the printer (and if it went without a QR code); when no
        printer could take it, say why and offer it on A4 or as a PDF."""
        self._say(self._language.translator(queued.message))
        if queued.unprintable:
            self.print_button.setEnabled(True)
            self.not_printed = show_slip_not_printed(
                self._context, self._language, self._actor, self._tasks, queued, self
            )
        self.slip_printed.emit(queued.message)

    def on_print_failed(self, error: BaseException) -> None:
        """Say why the slip was not printed."""
        self.print_button.setEnabled(True)
        self._say(
            self._language.translator("desk.referral.print_failed", detail=error), urgent=True
        )
