"""The desk's main page after login: navigation and one page per section.

Later issues fill the sections; until then each says plainly that it is not available yet.
The home page (follow-up, ``ui.desk_home``) comes first after login; the queue, cases,
directory, referrals, reports, printing, printer, sync (review) and audit pages are real,
and so is the settings page: it lists the settings registry with the current values. Pages
ask for each other through signals (open a case, resume a draft, start an intake), wired here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.accounts import Permission, has_permission
from kiosk.office import OfficeContext
from kiosk.settings import REGISTRY
from ui.accessibility import announce, name_widget
from ui.language import LanguageState
from ui.page_stack import PageStack
from ui.styles import TEXT_SIZES, named
from ui.tasks import Follow, FollowingWidget, Tasks

if TYPE_CHECKING:
    from ui.desk_cases import CasesPage
    from ui.intake_wizard import IntakeWizard

SECTIONS = (
    "home",
    "queue",
    "cases",
    "directory",
    "referrals",
    "reports",
    "itineraries",
    "printing",
    "printer",
    "prompts",
    "sync",
    "audit",
    "retention",
    "settings",
)
RESTRICTED = {
    "reports": Permission.VIEW_REPORTS,
    "itineraries": Permission.VIEW_REPORTS,
    "audit": Permission.VIEW_AUDIT,
    "sync": Permission.REVIEW_SYNC,
    "printer": Permission.CHANGE_OFFICE_SETTINGS,
    "prompts": Permission.CHANGE_OFFICE_SETTINGS,
    "retention": Permission.ERASE_PERSONS,
}
"""The sections shown only to the roles that may use them."""


def visible_sections(actor: Actor) -> tuple[str, ...]:
    """The sections shown to ``actor`` (hiding Reports, Sync, Printer and Audit is cosmetic:
    the core enforces roles)."""
    return tuple(
        section
        for section in SECTIONS
        if section not in RESTRICTED or has_permission(actor, RESTRICTED[section])
    )


class PlaceholderPage(QWidget):
    """A section that a later version fills: its title and "not available yet"."""

    def __init__(self, section: str, language: LanguageState) -> None:
        super().__init__()
        self.section = section
        self._language = language
        self.title_label = named(QLabel(), "pageTitle")
        self.message_label = named(QLabel(wordWrap=True), "notAvailable")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read the texts in the current language."""
        tr = self._language.translator
        self.title_label.setText(tr(f"desk.nav.{self.section}"))
        self.message_label.setText(tr("desk.not_available"))


class SettingsPage(FollowingWidget):
    """Every declared setting with its current value, read only; and the desk's text size,
    which the officer chooses for this computer (``desk.text_size``).

    Signals:
        text_size_chosen(int): the officer chose a text size; carries it, in per cent.
    """

    text_size_chosen = Signal(int)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        tasks: Tasks,
        actor: Actor | None = None,
    ) -> None:
        super().__init__()
        self.section = "settings"
        self._context = context
        self._language = language
        self._tasks = tasks
        self._actor = actor
        self._values: dict[str, bool | int | str] | None = None
        self._message: tuple[str, dict[str, object]] | None = None
        self.title_label = named(QLabel(), "pageTitle")
        self.text_size_label = QLabel()
        self.text_size_combo = named(QComboBox(), "textSize")
        for percent in TEXT_SIZES:
            self.text_size_combo.addItem(f"{percent} %", percent)
        self.text_size_combo.setCurrentIndex(TEXT_SIZES.index(100))
        self.text_size_combo.setEnabled(actor is not None)
        self.text_size_label.setBuddy(self.text_size_combo)
        self.message_label = named(QLabel(wordWrap=True), "settingsMessage")
        self.message_label.hide()
        self.intro_label = QLabel(wordWrap=True)
        self.table = named(QTableWidget(len(REGISTRY), 2), "settingsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        text_size = QHBoxLayout()
        text_size.addWidget(self.text_size_label)
        text_size.addWidget(self.text_size_combo)
        text_size.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(text_size)
        layout.addWidget(self.message_label)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.table, 1)
        self.title_label.setBuddy(self.table)  # the table is named after the page
        self.text_size_combo.activated.connect(self.on_text_size_activated)
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.follow = Follow(self, tasks, {"setting"}, self.refresh)

    @property
    def loaded(self) -> bool:
        """Whether the current values have arrived from the worker."""
        return self._values is not None

    def refresh(self) -> None:
        """Read the current values again (on the worker thread)."""
        self._tasks.run(
            self._context.settings.all,
            self.on_values_loaded,
            self.on_read_failed,
            latest="settings",
        )

    def on_read_failed(self, error: BaseException) -> None:
        """Say that the values could not be read."""
        self.intro_label.setText(self._language.translator("desk.read_failed", detail=error))

    def on_values_loaded(self, values: dict[str, bool | int | str]) -> None:
        """Show the values just read."""
        self._values = values
        self.show_text_size(int(values["desk.text_size"]))
        self.retranslate()

    def show_text_size(self, percent: int) -> None:
        """Show ``percent`` as the text size chosen (without choosing it again)."""
        index = self.text_size_combo.findData(percent)
        if index < 0:  # set by hand in settings.toml: offered too, in its place
            index = sum(1 for size in TEXT_SIZES if size < percent)
            self.text_size_combo.insertItem(index, f"{percent} %", percent)
        self.text_size_combo.setCurrentIndex(index)

    def on_text_size_activated(self, index: int) -> None:
        """The officer chose a text size: the desk takes it at once, and this computer
        keeps it (on the worker)."""
        percent = int(self.text_size_combo.itemData(index))
        self.text_size_chosen.emit(percent)
        if self._actor is None:
            return
        self._say(None)
        work = partial(self._context.settings.set, self._actor, "desk.text_size", str(percent))
        self._tasks.run(work, self.on_text_size_saved, self.on_text_size_not_saved)

    def on_text_size_saved(self, _value: object) -> None:
        """Kept: the table shows it."""
        self.refresh()

    def on_text_size_not_saved(self, error: BaseException) -> None:
        """The size holds for now but this computer did not keep it: say so."""
        self._say("desk.text_size_not_saved", detail=error)

    def _say(self, key: str | None, **params: object) -> None:
        self._message = (key, params) if key else None
        self._show_message()
        if key:
            announce(self, self.message_label.text(), urgent=True)

    def _show_message(self) -> None:
        self.message_label.setVisible(self._message is not None)
        if self._message is not None:
            key, params = self._message
            self.message_label.setText(self._language.translator(key, **params))

    def retranslate(self) -> None:
        """Re-read labels and value texts in the current language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.settings"))
        self.text_size_label.setText(tr("setting.desk.text_size"))
        name_widget(self.text_size_combo, tr("setting.desk.text_size"))
        self._show_message()
        self.intro_label.setText(tr("desk.settings_intro"))
        self.table.setHorizontalHeaderLabels([tr("desk.setting_column"), tr("desk.value_column")])
        for row, setting in enumerate(REGISTRY.values()):
            value = None if self._values is None else self._values.get(setting.key)
            label = QTableWidgetItem(tr(setting.label_key))
            label.setToolTip(setting.key)
            self.table.setItem(row, 0, label)
            self.table.setItem(row, 1, QTableWidgetItem(self._value_text(setting.key, value)))

    def _value_text(self, key: str, value: bool | int | str | None) -> str:
        tr = self._language.translator
        if value is None:
            return tr("desk.loading")
        if isinstance(value, bool):
            return tr("desk.yes" if value else "desk.no")
        if key == "desk.language":
            return self._language.catalog.language(str(value)).native_name
        if key == "desk.text_size":
            return f"{value} %"
        if REGISTRY[key].choices:
            return tr(f"setting_choice.{key}.{value}")
        return str(value) if value != "" else tr("desk.not_set")


class MainPage(QWidget):
    """What an officer sees once logged in: the navigation list and the current section.

    ``sync_soon`` (None when the desk does not sync) asks for a sync round at once; the
    case page calls it when a referral is saved.
    """

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
        sync_soon: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.actor = actor
        self._language = language
        self.navigation = named(QListWidget(), "navigation")
        self.navigation.setFixedWidth(240)
        self.pages = PageStack()
        # At a large text size a page may need more than the screen: it scrolls then, and
        # only then (at the default size every page fits the offices' 1280 x 800 screens).
        self.page_scroll = named(QScrollArea(), "pageScroll")
        self.page_scroll.setWidget(self.pages)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop of its own
        self.section_pages: dict[str, QWidget] = {}
        for section in visible_sections(actor):
            page: QWidget
            if section == "home":
                from ui.desk_home import HomePage

                page = HomePage(
                    context,
                    language,
                    tasks,
                    user_id=actor.user_id,
                    show_backups=has_permission(actor, Permission.CHANGE_OFFICE_SETTINGS),
                )
            elif section == "cases":
                from ui.desk_cases import CasesPage

                page = CasesPage(context, language, actor, tasks, sync_soon=sync_soon)
            elif section == "referrals":
                from ui.desk_referrals import ReferralsPage

                page = ReferralsPage(context, language, tasks)
            elif section == "settings":
                page = SettingsPage(context, language, tasks, actor)
            # The pages are imported at login, not at start-up (printing brings python-escpos).
            elif section == "queue":
                from ui.desk_queue import QueuePage

                page = QueuePage(context, language, actor, tasks)
            elif section == "directory":
                from ui.desk_directory import DirectoryPage

                page = DirectoryPage(context, language, tasks)
            elif section == "reports":
                from ui.desk_reports import ReportsPage

                page = ReportsPage(context, language, actor, tasks)
            elif section == "itineraries":
                from ui.desk_itineraries import ItinerariesPage

                page = ItinerariesPage(context, language, tasks)
            elif section == "printing":
                from ui.desk_spool import SpoolPage

                page = SpoolPage(context, language, actor, tasks)
            elif section == "printer":
                from ui.desk_printer import PrinterPage

                page = PrinterPage(context, language, actor, tasks)
            elif section == "prompts":
                from ui.desk_prompts import PromptsPage

                page = PromptsPage(context, language, actor, tasks)
            elif section == "sync":
                from ui.desk_sync_review import SyncReviewPage

                page = SyncReviewPage(context, language, actor, tasks)
            elif section == "audit":
                from ui.desk_audit import AuditPage

                page = AuditPage(context, language, actor, tasks)
            elif section == "retention":
                from ui.desk_retention import RetentionPage

                page = RetentionPage(context, language, actor, tasks)
            else:
                page = PlaceholderPage(section, language)
            self.pages.addWidget(page)
            self.section_pages[section] = page
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, section)
            self.navigation.addItem(item)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.page_scroll, 1)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.navigation.setCurrentRow(0)
        self._connect_pages()
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def _connect_pages(self) -> None:
        home = self.section_pages.get("home")
        if home is not None:
            home.case_requested.connect(self.open_case)  # type: ignore[attr-defined]
            home.draft_requested.connect(self.resume_draft)  # type: ignore[attr-defined]
            home.intake_requested.connect(lambda: self.start_intake())  # type: ignore[attr-defined]
        queue = self.section_pages.get("queue")
        if queue is not None:  # the intake of the visitor whose ticket is served
            queue.intake_requested.connect(lambda ticket_id: self.start_intake(ticket_id))  # type: ignore[attr-defined]
        referrals = self.section_pages.get("referrals")
        if referrals is not None:
            referrals.case_requested.connect(self.open_case)  # type: ignore[attr-defined]
        reports = self.section_pages.get("reports")
        if reports is not None:  # a case of the list behind a figure
            reports.case_requested.connect(self.open_case)  # type: ignore[attr-defined]

    @property
    def cases_page(self) -> CasesPage:
        """The Cases section's page (search, case page, intake wizard)."""
        return self.section_pages["cases"]  # type: ignore[return-value]

    def open_case(self, case_id: str) -> None:
        """Show case ``case_id`` in the Cases section."""
        self.show_section("cases")
        self.cases_page.open_case(case_id)

    def resume_draft(self, draft_id: str) -> None:
        """Resume the intake draft ``draft_id`` in the Cases section."""
        self.show_section("cases")
        self.cases_page.resume_draft(draft_id)

    def start_intake(
        self, ticket_id: uuid.UUID | str | None = None, person_id: uuid.UUID | str | None = None
    ) -> IntakeWizard:
        """Start an intake (for the ticket being served, a known person) in the Cases section."""
        self.show_section("cases")
        return self.cases_page.start_intake(ticket_id=ticket_id, person_id=person_id)

    @property
    def sections(self) -> list[str]:
        """The sections in the navigation, in order."""
        return [
            self.navigation.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.navigation.count())
        ]

    def show_section(self, section: str) -> None:
        """Go to ``section`` (as if the officer clicked it)."""
        self.navigation.setCurrentRow(self.sections.index(section))

    def retranslate(self) -> None:
        """Re-read the navigation labels in the current language."""
        tr = self._language.translator
        name_widget(self.navigation, tr("a11y.navigation"))
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            item.setText(tr(f"desk.nav.{item.data(Qt.ItemDataRole.UserRole)}"))
