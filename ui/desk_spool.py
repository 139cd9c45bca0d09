"""The desk's Printing page: the print spool's jobs, what went wrong, and what to do about it.

Each job shows when it was queued, what it prints, the printer, its state and, when it did
not print, why in plain words (the printer's own message as a tooltip). The officer can print
a job again (on its printer, or on another one chosen among the printers used lately or
typed as a URI), cancel it, or mark a doubtful one printed after looking at the paper; the spool
(``printing.spool``) decides what is allowed and who may do it. A job's exact picture is
read back from its bytes for a preview. Any job can also be printed on A4 through the
computer's printers or saved as a PDF (``ui.print_fallback``), which is how a slip reaches
the visitor when no slip printer is set up: the page then says so. With the demo's picture
printer (``image:FOLDER``) it says where the pictures are and opens the folder. Everything
runs on the worker thread (A4 and PDF on the outside workers).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from db.print_spool import PrintJobState
from db.uow import Actor
from kiosk.accounts import AccountError
from kiosk.clock import office_time
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from printing.errors import PrinterError, SpoolError
from printing.jobs import spool_for
from printing.preview import raster_of_job
from printing.raster import Raster
from printing.spool_views import JobView
from ui.accessibility import announce, name_widget, shortcut_button
from ui.language import LanguageState
from ui.print_fallback import JobOutputs
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

log = logging.getLogger(__name__)

COLUMNS = ("created", "document", "printer", "state", "problem")
PREVIEW_WIDTH = 260

# What each action may act on (the spool refuses the rest; buttons follow it).
ACTIONS: dict[str, tuple[str, frozenset[PrintJobState]]] = {
    "reprint": ("Ctrl+R", frozenset(PrintJobState) - {PrintJobState.SENDING}),
    "cancel": (
        "Ctrl+Shift+X",
        frozenset(
            {
                PrintJobState.QUEUED,
                PrintJobState.FAILED,
                PrintJobState.MAY_HAVE_PRINTED,
                PrintJobState.SENT_UNCONFIRMED,
            }
        ),
    ),
    "mark_printed": (
        "Ctrl+Shift+P",
        frozenset(
            {
                PrintJobState.MAY_HAVE_PRINTED,
                PrintJobState.SENT_UNCONFIRMED,
                PrintJobState.FAILED,
                PrintJobState.QUEUED,
            }
        ),
    ),
}


def document_text(tr: Translator, job: JobView) -> str:
    """What the job prints, in the officer's words: "Ticket A014", "Slip K7QX-M4PR"."""
    if job.kind in ("ticket", "slip") and " " in job.summary:
        code = job.summary.rsplit(" ", 1)[1]
        return f"{tr(f'desk.spool.kind.{job.kind}')} \u2066{code}\u2069"  # the code stays LTR
    if job.kind == "test":
        return tr("desk.spool.kind.test")
    return job.summary


def problem_text(tr: Translator, job: JobView) -> str:
    """Why the job did not print yet, in the officer's words ("" when all is well)."""
    if job.state is PrintJobState.FAILED and not job.printer.strip():
        return tr("desk.spool.problem.no_printer")
    if job.state is PrintJobState.MAY_HAVE_PRINTED:
        return tr("desk.spool.problem.may_have_printed")
    if job.state is PrintJobState.SENT_UNCONFIRMED:
        return tr("desk.spool.problem.sent_unconfirmed")
    if job.state is PrintJobState.FAILED:
        return tr("desk.spool.problem.failed")
    if job.state is PrintJobState.QUEUED and job.error:
        return tr("desk.spool.problem.retrying", time=office_time(job.next_attempt_at, "%H:%M"))
    if job.state is PrintJobState.QUEUED:
        return tr("desk.spool.problem.waiting")
    return ""


class OneLineDelegate(QStyledItemDelegate):
    """A cell on one line, shortened with "…" where short of room (its tooltip holds the
    whole text): a printer's address must not make a row five lines tall."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The default look, without wrapping."""
        super().initStyleOption(option, index)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText


class SpoolPage(FollowingWidget):
    """The print jobs of the office, with reprint, cancel and mark printed, and a preview."""

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
    ) -> None:
        super().__init__()
        self.section = "printing"
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self._context = context
        self.spool = spool_for(context)
        self._configured_printer = ""  # read with the jobs
        self._printer_of: uuid.UUID | None = None  # the job whose printer the field shows
        self.jobs: list[JobView] | None = None
        self.preview_job: uuid.UUID | None = None
        self._message: Callable[[Translator], str] | None = None
        self.busy = False
        self._build()
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        # every show: the printer is a machine setting, in a file (the Printer page changes it)
        self.follow = Follow(self, tasks, {"print_job", "setting"}, self.refresh, every_show=True)

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.intro_label = QLabel(wordWrap=True)
        self.table = named(QTableWidget(0, len(COLUMNS)), "spoolTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in (0, 3):  # time and state: short
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        one_line = OneLineDelegate(self.table)
        for column, width in ((1, 160), (2, 120)):  # document and printer: elided, tooltip
            self.table.setItemDelegateForColumn(column, one_line)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.on_selection_changed)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, (shortcut, _states) in ACTIONS.items():
            button = named(QPushButton(), "spoolButton")
            button.setMinimumHeight(40)
            # its key works in the whole desk window while this page is shown
            button.setShortcut(QKeySequence(shortcut))
            button.clicked.connect(partial(self.on_action, name))
            row.addWidget(button)
            self.buttons[name] = button
        self.outputs = JobOutputs(
            self._context, self._language, self._actor, self._tasks, self, self._say
        )
        self.a4_button = named(QPushButton(), "printA4")
        self.pdf_button = named(QPushButton(), "printPdf")
        for button, output in (
            (self.a4_button, self.outputs.print_a4),
            (self.pdf_button, self.outputs.save_pdf),
        ):
            button.setMinimumHeight(40)
            button.clicked.connect(partial(self.on_output, output))
        row.addStretch(1)
        self.hint_label = named(QLabel(wordWrap=True), "spoolPrinterHint")
        self.open_folder_button = named(QPushButton(), "spoolOpenFolder")
        self.open_folder_button.clicked.connect(self.on_open_folder)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.hint_label, 1)
        hint_row.addWidget(self.open_folder_button)
        self.printer_label = QLabel()
        self.printer_box = named(QComboBox(), "spoolPrinter")
        self.printer_box.setEditable(True)
        self.printer_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.printer_box.setMinimumWidth(260)
        self.printer_label.setBuddy(self.printer_box)
        printer_row = QHBoxLayout()
        printer_row.addWidget(self.printer_label)
        printer_row.addWidget(self.printer_box, 1)
        self.message_label = named(QLabel(wordWrap=True), "spoolMessage")

        self.preview_title = named(QLabel(), "queueHeading")
        self.preview_label = named(QLabel(), "spoolPreview")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.preview_label)
        scroll.setWidgetResizable(True)
        scroll.setFixedWidth(PREVIEW_WIDTH + 24)
        self.title_label.setBuddy(self.table)  # the table is named after the page
        self.preview_title.setBuddy(scroll)  # the picture's pane is named after its heading

        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(row)
        left.addLayout(printer_row)
        left.addLayout(hint_row)
        left.addWidget(self.message_label)
        right = QVBoxLayout()
        right.addWidget(self.preview_title)
        right.addWidget(scroll, 1)
        right.addWidget(self.a4_button)  # under the picture they print
        right.addWidget(self.pdf_button)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addLayout(body, 1)

    # --- reading ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the jobs and the printer set up again (on the worker thread)."""
        self._tasks.run(self._read, self.on_jobs_loaded, self.on_read_failed, latest="spool")

    def _read(self) -> tuple[list[JobView], str]:
        # on the worker thread
        return self.spool.jobs(), str(self._context.settings.get("printer.uri"))

    def on_read_failed(self, error: BaseException) -> None:
        """Keep the list as it is; say that the spool could not be read."""
        log.error("the print spool could not be read", exc_info=error)
        self._show_message("desk.spool.read_failed")

    def on_jobs_loaded(self, read: tuple[list[JobView], str]) -> None:
        """Show the jobs just read, keeping the selected one selected."""
        jobs, self._configured_printer = read
        self.jobs = jobs
        self._fill_printers()
        self._fill()
        self._show_hint()

    @property
    def picture_folder(self) -> str:
        """The folder of the picture printer set up (the demo's), or ""."""
        kind, _, folder = self._configured_printer.strip().partition(":")
        return folder if kind == "image" else ""

    def _show_hint(self) -> None:
        tr = self._language.translator
        if self.jobs is not None and not self._configured_printer.strip():
            hint = tr("desk.spool.no_printer_hint")
        elif self.picture_folder:
            hint = tr("desk.spool.demo_printer_hint", folder=f"\u2066{self.picture_folder}\u2069")
        else:
            hint = ""
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        self.open_folder_button.setVisible(bool(self.picture_folder))

    @property
    def selected_job(self) -> JobView | None:
        """The job selected in the list, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.jobs is None:
            return None
        index = rows[0].row()
        return self.jobs[index] if index < len(self.jobs) else None

    def select_job(self, job_id: uuid.UUID) -> None:
        """Select the job ``job_id`` (as if the officer clicked it)."""
        for index, job in enumerate(self.jobs or ()):
            if job.id == job_id:
                self._select_row(index)
                return
        raise LookupError(f"print job {job_id} is not in the list")

    # --- showing ---------------------------------------------------------------------

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.printing"))
        self.intro_label.setText(tr("desk.spool.intro"))
        self.table.setHorizontalHeaderLabels([tr(f"desk.spool.column.{c}") for c in COLUMNS])
        for name in ACTIONS:
            shortcut_button(self.buttons[name], tr(f"desk.spool.{name}"))
        self.printer_label.setText(tr("desk.spool.column.printer"))
        name_widget(self.printer_box, tr("desk.spool.column.printer"))
        line = self.printer_box.lineEdit()
        if line is not None:
            line.setPlaceholderText(tr("desk.spool.printer_placeholder"))
        self.a4_button.setText(tr("desk.print.a4"))
        self.pdf_button.setText(tr("desk.print.pdf"))
        self.open_folder_button.setText(tr("desk.spool.open_folder"))
        self._show_hint()
        self.preview_title.setText(tr("desk.spool.preview"))
        if self.preview_label.pixmap().isNull():
            self.preview_label.setText(tr("desk.spool.no_preview"))
        self.message_label.setText("" if self._message is None else self._message(tr))
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        selected = self.selected_job
        self.table.blockSignals(True)
        try:
            self.table.clearContents()
            jobs = self.jobs or []
            self.table.setRowCount(len(jobs))
            for row, job in enumerate(jobs):
                problem = QTableWidgetItem(problem_text(tr, job))
                problem.setToolTip(job.error)
                cells = (
                    QTableWidgetItem(
                        f"\u2066{office_time(job.created_at, '%d/%m %H:%M')}\u2069"
                    ),  # LTR isolate
                    QTableWidgetItem(document_text(tr, job)),
                    QTableWidgetItem(job.printer),
                    QTableWidgetItem(tr(f"desk.spool.state.{job.state.value}")),
                    problem,
                )
                for column, cell in enumerate(cells):
                    if column in (1, 2):  # elided: the whole text in the tooltip
                        cell.setToolTip(cell.text())
                    self.table.setItem(row, column, cell)
                if selected is not None and job.id == selected.id:
                    self._select_row(row)
        finally:
            self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self._update_enabled()

    @property
    def recent_printers(self) -> list[str]:
        """The configured printer, then the printers of the jobs listed, newest first."""
        used = [job.printer for job in self.jobs or ()]
        return [uri for uri in dict.fromkeys([self._configured_printer, *used]) if uri]

    def _fill_printers(self) -> None:
        text = self.printer_box.currentText()
        self.printer_box.blockSignals(True)
        try:
            self.printer_box.clear()
            self.printer_box.addItems(self.recent_printers)
            self.printer_box.setEditText(text)
        finally:
            self.printer_box.blockSignals(False)

    @property
    def reprint_printer(self) -> str:
        """The printer a reprint goes to: the one in the printer field (the job's own when
        the officer did not change it)."""
        return self.printer_box.currentText().strip()

    def _select_row(self, row: int) -> None:
        # QTableView.selectRow() selects nothing in a right-to-left table whose viewport
        # edge falls past the last column (it looks the column up at the viewport's width).
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(self.table.model().index(row, 0), flags)

    def _update_enabled(self) -> None:
        job = self.selected_job
        for name, (_shortcut, states) in ACTIONS.items():
            allowed = job is not None and job.state in states and not self.busy
            self.buttons[name].setEnabled(allowed)
        printable = job is not None and job.state is not PrintJobState.SENDING
        self.a4_button.setEnabled(printable)
        self.pdf_button.setEnabled(printable)

    def _say(self, key: str, params: dict[str, object]) -> None:
        self._show_message(key, **params)

    def _show_message(self, key: str, **params: object) -> None:
        self._message = lambda tr: tr(key, **params)
        self.message_label.setText(self._message(self._language.translator))
        announce(self, self.message_label.text())

    # --- preview ---------------------------------------------------------------------

    def on_selection_changed(self) -> None:
        """Follow the selection: buttons, and the preview of the selected job."""
        self._update_enabled()
        job = self.selected_job
        if job is not None and job.id != self._printer_of:
            self._printer_of = job.id
            self.printer_box.setEditText(job.printer)
        if job is None or job.id == self.preview_job:
            return
        self.preview_job = job.id
        work = partial(self._read_raster, job.id)
        self._tasks.run(work, partial(self.on_preview_loaded, job.id), self.on_preview_failed)

    def _read_raster(self, job_id: uuid.UUID) -> Raster | None:
        return raster_of_job(self.spool.job_bytes(job_id))

    def on_preview_loaded(self, job_id: uuid.UUID, raster: Raster | None) -> None:
        """Show the picture of the job (if it is still the one selected)."""
        if job_id != self.preview_job:
            return
        if raster is None:
            self.preview_label.setPixmap(QPixmap())
            self.preview_label.setText(self._language.translator("desk.spool.no_preview"))
            return
        image = raster.to_qimage().scaledToWidth(
            min(PREVIEW_WIDTH, raster.width), Qt.TransformationMode.SmoothTransformation
        )
        self.preview_label.setPixmap(QPixmap.fromImage(image))

    def on_preview_failed(self, error: BaseException) -> None:
        """No picture: say so."""
        log.warning("no preview of a print job: %s", error)
        self.preview_label.setPixmap(QPixmap())
        self.preview_label.setText(self._language.translator("desk.spool.no_preview"))

    # --- acting ----------------------------------------------------------------------

    def on_output(self, output: Callable[[uuid.UUID, str], None]) -> None:
        """Print the selected job on A4, or save it as a PDF (``ui.print_fallback``)."""
        job = self.selected_job
        if job is None:
            self._show_message("desk.spool.select_job")
            return
        output(job.id, document_text(self._language.translator, job))

    def on_open_folder(self) -> None:
        """Open the picture printer's folder in the computer's file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.picture_folder))

    def on_action(self, name: str) -> None:
        """Reprint, cancel or mark printed the selected job (on the worker thread)."""
        job = self.selected_job
        if job is None or self.busy:
            if job is None:
                self._show_message("desk.spool.select_job")
            return
        operation = {
            "reprint": self.spool.retry,
            "cancel": self.spool.cancel,
            "mark_printed": self.spool.mark_printed,
        }[name]
        self.busy = True
        self._update_enabled()
        work = partial(operation, self._actor, job.id)
        if name == "reprint" and self.reprint_printer not in ("", job.printer):
            work = partial(self.spool.retry, self._actor, job.id, self.reprint_printer)
        self._tasks.run(work, partial(self.on_done, name), self.on_refused)

    def on_done(self, name: str, job: JobView) -> None:
        """Say what was done (the spool's sender and this list follow the change of the job)."""
        self.busy = False
        document = document_text(self._language.translator, job)
        self._show_message(f"desk.spool.done.{name}", document=document)

    def on_refused(self, error: BaseException) -> None:
        """Show why the spool refused, in the officer's language."""
        self.busy = False
        self._update_enabled()
        if isinstance(error, AccountError):
            self._show_message(error.message_key)
        else:
            if not isinstance(error, SpoolError | PrinterError):  # a wrong printer URI is one
                log.error("a print spool operation failed", exc_info=error)
            self._show_message("desk.spool.refused", detail=error)
        self.refresh()
