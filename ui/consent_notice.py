"""The consent notice, in the visitor's language: shown, and printed on an A4 printer.

The notice is written from the data inventory by :mod:`kiosk.privacy_notice` (what the
office records, why, on what basis, who sees it, how long, the rights under Law 09-08);
the officer's screen may be in French while the notice is in Arabic or Tamazight.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QPagedPaintDevice, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import Catalog
from kiosk.privacy_notice import build_notice, to_html
from ui.language import direction_of
from ui.styles import named


def notice_html(catalog: Catalog, language: str) -> str:
    """The notice as rich text in ``language`` (mirrored for a right-to-left language)."""
    return to_html(build_notice(catalog, language))


class ConsentNoticeDialog(QDialog):
    """The notice in the visitor's language, with a Print button (the system's A4 printer)."""

    def __init__(
        self,
        catalog: Catalog,
        visitor_language: str,
        officer_language: str,
        parent: QWidget | None = None,
        printed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._printed = printed
        tr = catalog.translator(officer_language)
        self.setWindowTitle(tr("desk.notice.title"))
        self.setLayoutDirection(direction_of(catalog.language(officer_language).right_to_left))
        self.view = named(QTextBrowser(), "consentNotice")  # the text itself says its direction
        self.view.setHtml(notice_html(catalog, visitor_language))
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton(
            tr("desk.notice.print"), QDialogButtonBox.ButtonRole.ActionRole
        )
        close = buttons.addButton(tr("desk.notice.close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button.clicked.connect(self.on_print_clicked)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(640, 640)

    @property
    def document(self) -> QTextDocument:
        """The notice as a document (what is printed)."""
        return self.view.document()

    def on_print_clicked(self) -> None:
        """Ask for a printer (A4) and print the notice on it."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_on(printer)

    def print_on(self, printer: QPagedPaintDevice) -> None:
        """Print the notice on ``printer``, then say so to ``printed`` (which audits it)."""
        self.document.print_(printer)
        if self._printed is not None:
            self._printed()

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        catalog: Catalog,
        visitor: str,
        officer: str,
        printed: Callable[[], None] | None = None,
    ) -> None:
        """Show the notice until the officer closes it (tests replace this); ``printed`` is
        called once it was printed."""
        cls(catalog, visitor, officer, parent, printed).exec()
