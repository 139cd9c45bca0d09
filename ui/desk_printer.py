"""The desk's Printer page: choose this computer's ticket and slip printer (supervisors).

It lists what the computer has (``printing.discovery``: the system's printers, USB printers
found with pyusb), the picture printer (no paper: pictures in a folder, the demo's) and
"no printer" (slips then go on A4 or to a PDF from the Printing page), and takes a network
printer's address. A test page goes to the printer chosen before it is saved; saving goes
through the settings core (``printing.jobs.choose_printer``: a supervisor's, audited). The
kiosk reads the printer at every ticket, so it follows at once. Discovery and the test page
run on the outside workers (a printer may hang), saving on the database worker.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from db.print_spool import PrintJobState
from db.uow import Actor
from kiosk.accounts import AccountError
from kiosk.office import OfficeContext
from printing.discovery import Discovery, discover
from printing.errors import PrinterConfigError
from printing.jobs import choose_printer, print_test_page
from printing.printer import KINDS
from printing.spool_views import JobView
from ui.accessibility import announce, name_widget
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

log = logging.getLogger(__name__)

PICTURE_FOLDER = "printed-pictures"
TEST_OUTCOME = {
    PrintJobState.PRINTED: "test_printed",
    PrintJobState.SENT_UNCONFIRMED: "test_unconfirmed",
    PrintJobState.QUEUED: "test_unreachable",
    PrintJobState.MAY_HAVE_PRINTED: "test_cut",
    PrintJobState.FAILED: "unusable",
}


def printer_uri(text: str) -> str:
    """The printer address typed, as a URI: a bare host or host:port is a network printer."""
    value = text.strip()
    if not value or value.partition(":")[0] in KINDS:
        return value
    return f"tcp://{value}"


class PrinterPage(FollowingWidget):
    """Find, test and choose this computer's printer."""

    def __init__(
        self, context: OfficeContext, language: LanguageState, actor: Actor, tasks: Tasks
    ) -> None:
        super().__init__()
        self.section = "printer"
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self.current = ""
        self.discovery: Discovery | None = None
        self.busy = False
        self._message: tuple[str, dict[str, object]] | None = None
        self.title_label = named(QLabel(), "pageTitle")
        self.intro_label = QLabel(wordWrap=True)
        self.current_label = named(QLabel(wordWrap=True), "printerCurrent")
        self.list = named(QListWidget(), "printerList")
        self.list.currentItemChanged.connect(self.on_item_chosen)
        self.address_label = QLabel()
        self.address_edit = named(QLineEdit(), "printerAddress")
        self.address_edit.textEdited.connect(lambda _text: self._update_enabled())
        self.address_label.setBuddy(self.address_edit)
        self.look_button = named(QPushButton(), "printerLook")
        self.test_button = named(QPushButton(), "printerTest")
        self.use_button = named(QPushButton(), "printerUse")
        self.look_button.clicked.connect(self.look)
        self.test_button.clicked.connect(self.on_test_clicked)
        self.use_button.clicked.connect(self.on_use_clicked)
        self.message_label = named(QLabel(wordWrap=True), "printerMessage")
        address = QHBoxLayout()
        address.addWidget(self.address_label)
        address.addWidget(self.address_edit, 1)
        buttons = QHBoxLayout()
        for button in (self.look_button, self.test_button, self.use_button):
            button.setMinimumHeight(40)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.current_label)
        layout.addWidget(self.list, 1)
        layout.addLayout(address)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.follow = Follow(self, tasks, {"setting"}, self.refresh, every_show=True)

    @property
    def picture_printer(self) -> str:
        """The picture printer of this computer: pictures in its data folder."""
        return f"image:{self._context.paths.data_dir / PICTURE_FOLDER}"

    @property
    def chosen(self) -> str:
        """The printer the buttons act on: the address field's ("" for none)."""
        return printer_uri(self.address_edit.text())

    # --- reading ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the printer set up (worker) and look for printers (outside worker)."""
        self._tasks.run(self._read_current, self.on_current, self.on_read_failed)
        if self.discovery is None:
            self.look()

    def _read_current(self) -> str:
        return str(self._context.settings.get("printer.uri"))

    def on_current(self, uri: str) -> None:
        """Show the printer set up; the field starts with it."""
        self.current = uri
        if not self.address_edit.text():
            self.address_edit.setText(uri)
        self.retranslate()

    def on_read_failed(self, error: BaseException) -> None:
        """The settings could not be read: say so."""
        log.error("the printer setting could not be read", exc_info=error)
        self._say("desk.printer.read_failed")

    def look(self) -> None:
        """Look for the computer's printers (system, USB) on the outside workers."""
        self._say("desk.printer.looking")
        self._tasks.run_outside(
            discover, self.on_found, self.on_look_failed, latest="printer discovery"
        )

    def on_found(self, found: Discovery) -> None:
        """List what was found."""
        self.discovery = found
        key = "desk.printer.found" if found.usb_available else "desk.printer.found_no_usb"
        self._say(key, count=len(found.printers))
        self._fill()

    def on_look_failed(self, error: BaseException) -> None:
        """Nothing could be listed: the address can still be typed."""
        log.warning("looking for printers failed: %s", error)
        self.discovery = Discovery((), False)
        self._say("desk.printer.look_failed")
        self._fill()

    # --- showing ---------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every text in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.printer"))
        self.intro_label.setText(tr("desk.printer.intro"))
        if self.current:
            self.current_label.setText(
                tr("desk.printer.current", printer=f"\u2066{self.current}\u2069")
            )
        else:
            self.current_label.setText(tr("desk.printer.current_none"))
        self.address_label.setText(tr("desk.printer.address"))
        name_widget(self.list, tr("a11y.printer_list"))
        self.address_edit.setPlaceholderText(tr("desk.printer.address_hint"))
        self.look_button.setText(tr("desk.printer.look"))
        self.test_button.setText(tr("desk.printer.test"))
        self.use_button.setText(tr("desk.printer.use"))
        if self._message is not None:
            self.message_label.setText(tr(self._message[0], **self._message[1]))
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        entries = [
            (tr(f"desk.printer.kind.{p.kind}", name=p.name), p.uri)
            for p in (self.discovery.printers if self.discovery else ())
        ]
        entries.append((tr("desk.printer.kind.picture"), self.picture_printer))
        entries.append((tr("desk.printer.kind.none"), ""))
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for text, uri in entries:
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, uri)
                item.setToolTip(uri)
                self.list.addItem(item)
        finally:
            self.list.blockSignals(False)
        self._update_enabled()

    def on_item_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        """A printer of the list: its address goes to the field."""
        if item is not None:
            self.address_edit.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self._update_enabled()

    def choose(self, uri: str) -> None:
        """Choose the listed printer ``uri`` (as if the supervisor clicked it)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == uri:
                self.list.setCurrentRow(row)
                return
        raise LookupError(f"{uri!r} is not listed")

    def _update_enabled(self) -> None:
        self.test_button.setEnabled(bool(self.chosen) and not self.busy)
        self.use_button.setEnabled(self.chosen != self.current and not self.busy)

    def _say(self, key: str, **params: object) -> None:
        self._message = (key, params)
        self.message_label.setText(self._language.translator(key, **params))
        announce(self, self.message_label.text())

    # --- acting ----------------------------------------------------------------------

    def on_test_clicked(self) -> None:
        """Print the test page on the printer chosen (outside worker)."""
        uri = self.chosen
        if not uri or self.busy:
            return
        self._busy(True)
        self._say("desk.printer.testing")
        work = partial(print_test_page, self._context, self._actor, uri)
        self._tasks.run_outside(work, partial(self.on_tested, uri), self.on_refused)

    def on_tested(self, uri: str, job: JobView) -> None:
        """Say what the test page did."""
        self._busy(False)
        key = TEST_OUTCOME.get(job.state, "test_unreachable")
        self._say(f"desk.printer.{key}", printer=f"\u2066{uri}\u2069")

    def on_use_clicked(self) -> None:
        """Make the printer chosen this computer's (worker; audited)."""
        if self.busy:
            return
        self._busy(True)
        work = partial(choose_printer, self._context, self._actor, self.chosen)
        self._tasks.run(work, self.on_used, self.on_refused)

    def on_used(self, uri: str) -> None:
        """Saved: the Printing page and the kiosk follow."""
        self._busy(False)
        self.current = uri
        if uri:
            self._say("desk.printer.saved", printer=f"\u2066{uri}\u2069")
        else:
            self._say("desk.printer.saved_none")
        self.retranslate()

    def on_refused(self, error: BaseException) -> None:
        """Say why, in the officer's language."""
        self._busy(False)
        if isinstance(error, AccountError):
            self._say(error.message_key)
        elif isinstance(error, PrinterConfigError):
            self._say("desk.printer.unusable", printer=self.chosen)
        else:
            log.error("the printer could not be tested or saved", exc_info=error)
            self._say("desk.printer.failed")

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.look_button.setEnabled(not busy)
        self._update_enabled()
