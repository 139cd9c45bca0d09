"""The desk's Retention page (supervisors): what the next retention run will anonymise.

A supervisor asks for the preview; the core's dry run (``kiosk.retention.run_retention``,
audited) runs on the worker thread and the page shows its counts and the codes of the cases
due. The schedule itself runs once a day by itself (``ui.retention``) and at
``baom privacy run-retention``; holds are ``baom privacy hold``.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from db.uow import Actor
from kiosk.accounts import AccountError
from kiosk.office import OfficeContext
from kiosk.retention import RetentionRun, run_retention
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Tasks

log = logging.getLogger(__name__)


class RetentionPage(QWidget):
    """The retention schedule's preview: counts per kind and the cases due."""

    def __init__(
        self, context: OfficeContext, language: LanguageState, actor: Actor, tasks: Tasks
    ) -> None:
        super().__init__()
        self.section = "retention"
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self.preview: RetentionRun | None = None
        self.title_label = named(QLabel(), "pageTitle")
        self.intro_label = QLabel(wordWrap=True)
        self.preview_button = named(QPushButton(), "retentionPreview")
        self.counts_label = named(QLabel(wordWrap=True), "retentionCounts")
        self.due_list = named(QListWidget(), "retentionDue")
        layout = QVBoxLayout(self)
        for widget in (self.title_label, self.intro_label, self.preview_button):
            layout.addWidget(widget)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.due_list, 1)
        self.title_label.setBuddy(self.due_list)  # the list is named after the page
        self.preview_button.clicked.connect(self.ask_preview)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def ask_preview(self) -> None:
        """Count what the next run would do (a dry run, on the worker thread)."""
        context, actor = self._context, self._actor
        self.preview_button.setEnabled(False)
        self._tasks.run(
            lambda: run_retention(context, actor, dry_run=True),
            self.on_preview,
            self.on_failed,
            latest="retention_preview",
        )

    def on_preview(self, preview: RetentionRun) -> None:
        """Show the counts and the cases due."""
        self.preview = preview
        self.preview_button.setEnabled(True)
        self._fill()

    def on_failed(self, error: BaseException) -> None:
        """Say why there is no preview."""
        self.preview_button.setEnabled(True)
        tr = self._language.translator
        if isinstance(error, AccountError):
            self.counts_label.setText(tr(error.message_key))
        else:
            log.error("the retention preview failed", exc_info=error)
            self.counts_label.setText(tr("desk.retention.failed"))

    def retranslate(self) -> None:
        """Every text in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.retention"))
        self.intro_label.setText(tr("desk.retention.intro"))
        self.preview_button.setText(tr("desk.retention.preview"))
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        self.due_list.clear()
        if self.preview is None:
            self.counts_label.setText("")
            return
        counts = self.preview.counts
        self.counts_label.setText(
            tr(
                "desk.retention.counts",
                persons=counts["persons_anonymised"],
                drafts=counts["drafts_deleted"],
                held=counts["cases_held"],
            )
        )
        self.due_list.addItems(self.preview.due_cases)
