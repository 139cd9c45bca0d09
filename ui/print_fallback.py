"""When a print job did not come out: its picture, "Print on A4" and "Save as PDF".

:class:`JobOutputs` prints a job's exact picture on A4 through the computer's printers, or
writes it to a PDF file the officer chooses, on the outside workers (a system printer may
hang), and says how it went in the officer's language; the Printing page and
:class:`SlipNotPrinted` both use it. :class:`SlipNotPrinted` is what the desk shows when a
slip could go to no printer (none set up, or a wrong address): why, its picture, and the
two ways to still hand it out; the job stays listed on the Printing page.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.office import OfficeContext
from printing.errors import NoSystemPrinter, SlipError
from printing.jobs import A4Printed, SlipQueued, job_raster, print_job_on_a4, save_job_pdf
from printing.raster import Raster
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Tasks

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 260
Say = Callable[[str, dict[str, object]], None]
"""Shows a message: its catalog key and parameters."""


def pdf_name(document: str) -> str:
    """A file name for a job's PDF: "Slip K7QX-M4PR" → "Slip K7QX-M4PR.pdf"."""
    plain = re.sub(r"[^\w\- ]+", "", document.replace("\u2066", "").replace("\u2069", ""))
    return f"{plain.strip() or 'BAOM'}.pdf"


def ask_pdf_path(parent: QWidget, language: LanguageState, document: str) -> str:
    """Ask where to save the PDF (the documents folder first); "" when the officer cancels."""
    tr = language.translator
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(
        parent,
        tr("desk.print.pdf"),
        str(Path(folder) / pdf_name(document)),
        tr("desk.print.pdf_filter"),
    )
    return path


class JobOutputs(QObject):
    """Print on A4 and Save as PDF for print jobs, on the outside workers.

    ``choose_pdf_path(parent, language, document)`` asks where the PDF goes (a file dialog;
    tests hand in their own). ``say`` shows the outcome.
    """

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
        owner: QWidget,
        say: Say,
    ) -> None:
        super().__init__(owner)
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self._owner = owner
        self._say = say
        self.choose_pdf_path: Callable[[QWidget, LanguageState, str], str] = ask_pdf_path
        self.busy = False

    def print_a4(self, job_id: uuid.UUID, document: str) -> None:
        """Print the job's picture on A4 on the computer's default printer."""
        if self.busy:
            return
        self.busy = True
        work = partial(print_job_on_a4, self._context, self._actor, job_id)
        self._tasks.run_outside(work, partial(self.on_a4_done, document), self.on_a4_failed)

    def save_pdf(self, job_id: uuid.UUID, document: str) -> None:
        """Ask where, then write the job's picture on an A4 PDF there."""
        if self.busy:
            return
        path = self.choose_pdf_path(self._owner, self._language, document)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.busy = True
        work = partial(save_job_pdf, self._context, self._actor, job_id, Path(path))
        self._tasks.run_outside(work, partial(self.on_pdf_done, document, path), self.on_pdf_failed)

    def on_a4_done(self, document: str, done: A4Printed) -> None:
        """Say which printer it went to."""
        self.busy = False
        self._say("desk.print.a4_done", {"document": document, "printer": done.printer})

    def on_a4_failed(self, error: BaseException) -> None:
        """No A4: say why in plain words, and offer the PDF instead."""
        self.busy = False
        log.warning("a print job could not be printed on A4: %s", error)
        if isinstance(error, NoSystemPrinter):
            self._say("desk.print.no_system_printer", {})
        elif isinstance(error, SlipError):
            self._say("desk.print.no_picture", {})
        else:
            self._say("desk.print.a4_failed", {})

    def on_pdf_done(self, document: str, path: str, _pages: int) -> None:
        """Say where the PDF is."""
        self.busy = False
        self._say("desk.print.pdf_done", {"document": document, "path": f"\u2066{path}\u2069"})

    def on_pdf_failed(self, error: BaseException) -> None:
        """The PDF could not be written there: say so."""
        self.busy = False
        log.warning("a print job could not be saved as a PDF: %s", error)
        key = "desk.print.no_picture" if isinstance(error, SlipError) else "desk.print.pdf_failed"
        self._say(key, {})


def preview_pixmap(raster: Raster, width: int = PREVIEW_WIDTH) -> QPixmap:
    """A job's picture scaled for the screen."""
    image = raster.to_qimage().scaledToWidth(
        min(width, raster.width), Qt.TransformationMode.SmoothTransformation
    )
    return QPixmap.fromImage(image)


class SlipNotPrinted(QDialog):
    """The slip could go to no printer: why, its picture, Print on A4, Save as PDF."""

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
        job_id: uuid.UUID,
        document: str,
        why: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.document = document
        self._language = language
        self._tasks = tasks
        tr = language.translator
        self.setWindowTitle(tr("desk.print.title"))
        self.setLayoutDirection(language.direction)
        self.why_label = named(QLabel(tr(why), wordWrap=True), "printFallbackWhy")
        self.preview_label = named(QLabel(tr("desk.spool.no_preview")), "spoolPreview")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.preview_label)
        scroll.setWidgetResizable(True)
        scroll.setFixedWidth(PREVIEW_WIDTH + 24)
        scroll.setMinimumHeight(360)
        self.message_label = named(QLabel(wordWrap=True), "printFallbackMessage")
        self.outputs = JobOutputs(context, language, actor, tasks, self, self.show_message)
        self.a4_button = named(QPushButton(tr("desk.print.a4")), "printA4")
        self.pdf_button = named(QPushButton(tr("desk.print.pdf")), "printPdf")
        close = QPushButton(tr("desk.notice.close"))
        self.a4_button.clicked.connect(lambda: self.outputs.print_a4(job_id, document))
        self.pdf_button.clicked.connect(lambda: self.outputs.save_pdf(job_id, document))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.a4_button, self.pdf_button):
            button.setMinimumHeight(40)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        right = QVBoxLayout()
        right.addWidget(self.why_label)
        right.addWidget(self.message_label)
        right.addStretch(1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(right, 1)
        self.resize(720, 440)
        self._tasks.run(partial(job_raster, context, job_id), self.on_picture, self.on_no_picture)

    def on_picture(self, raster: Raster) -> None:
        """Show the slip as it would have printed."""
        self.preview_label.setPixmap(preview_pixmap(raster))

    def on_no_picture(self, error: BaseException) -> None:
        """No picture to show: say so (A4 and PDF will say it too)."""
        log.warning("no preview of the slip not printed: %s", error)
        self.preview_label.setText(self._language.translator("desk.spool.no_preview"))

    def show_message(self, key: str, params: dict[str, object]) -> None:
        """Say how the A4 print or the PDF went."""
        self.message_label.setText(self._language.translator(key, **params))


def show_slip_not_printed(
    context: OfficeContext,
    language: LanguageState,
    actor: Actor,
    tasks: Tasks,
    queued: SlipQueued,
    parent: QWidget,
) -> SlipNotPrinted:
    """Open :class:`SlipNotPrinted` for the slip just listed as not printed."""
    from ui.desk_spool import document_text

    document = document_text(language.translator, queued.job)
    dialog = SlipNotPrinted(
        context, language, actor, tasks, queued.job.id, document, queued.message, parent
    )
    dialog.open()
    return dialog
