"""The kiosk's "where can I…?": services by pictogram and commune, for visitors to read.

Reached from the reasons screen (the visitor has chosen a language by then). The need
categories are the office's reasons of visit, with the same pictograms and labels; then
the services of the chosen category, nearest to the office first, narrowed to a commune
by large buttons (a commune by its HCP code, named in the visitor's language: Arabic,
Tifinagh where known, else French). Each service shows its name, hours and address in the visitor's
language, and the demo marking when the data says so. Nothing personal is asked or shown.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.directory.profile import COMMUNES, commune_label
from kiosk.directory.view import address_line, browse, hours_lines
from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig
from ui.kiosk_screens import PROMPT, REASON_COLUMNS, REASON_ICON_PX, back_button
from ui.language import LanguageState
from ui.pictograms import PictogramButton
from ui.styles import named
from ui.tasks import Tasks

log = logging.getLogger(__name__)
COMMUNE_COLUMNS = 6
BROWSING = "kiosk browse"
"""The kind of the kiosk's service reads: only the visitor's latest choice is shown."""
COMMUNE_BUTTON_PX = 64
PAGE_BUTTON_PX = 96


class BrowseScreen(QWidget):
    """Need categories as pictograms, then the services of one, by commune.

    Signals:
        closed(): the visitor pressed "back" on the categories (back to the reasons).
        services_shown(int): the services of a category arrived; carries how many.
    """

    closed = Signal()
    services_shown = Signal(int)

    def __init__(
        self,
        context: OfficeContext,
        config: QueueConfig,
        language: LanguageState,
        tasks: Tasks,
    ) -> None:
        super().__init__()
        self._context = context
        self._config = config
        self._language = language
        self._tasks = tasks
        self.category: str | None = None
        self.commune: str | None = None
        self.services: list[dict[str, Any]] = []
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_categories())
        self.stack.addWidget(self._build_results())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def _build_categories(self) -> QWidget:
        self.setProperty(PROMPT, "browse")
        page = QWidget()
        self.title_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "kioskTitle")
        grid = QGridLayout()
        grid.setSpacing(16)
        self.category_buttons: dict[str, PictogramButton] = {}
        for index, reason in enumerate(self._config.reasons):
            button = PictogramButton(reason.pictogram, REASON_ICON_PX, "reasonButton")
            button.setProperty(PROMPT, f"reason.{reason.key}")
            button.clicked.connect(partial(self.on_category_chosen, reason.key))
            grid.addWidget(button, index // REASON_COLUMNS, index % REASON_COLUMNS)
            self.category_buttons[reason.key] = button
        self.back_button = back_button()
        self.back_button.clicked.connect(self.closed)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.title_label)
        layout.addSpacing(12)
        layout.addLayout(grid, 1)
        layout.addSpacing(12)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.categories_page = page
        return page

    def _build_results(self) -> QWidget:
        page = QWidget()
        self.category_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "kioskTitle")
        communes = QGridLayout()
        communes.setSpacing(8)
        self.commune_buttons: dict[str | None, QPushButton] = {}
        for index, name in enumerate((None, *(commune.code for commune in COMMUNES))):
            button = named(QPushButton(), "communeButton")
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setMinimumHeight(COMMUNE_BUTTON_PX)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(partial(self.on_commune_chosen, name))
            communes.addWidget(button, index // COMMUNE_COLUMNS, index % COMMUNE_COLUMNS)
            self.commune_buttons[name] = button
        self.message_label = named(
            QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "kioskMessage"
        )
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setSpacing(12)
        self.list_layout.addStretch(1)
        self.services_area = named(QScrollArea(), "kioskServices")
        self.services_area.setWidgetResizable(True)
        self.services_area.setWidget(self.list_widget)
        # Dragged with a finger, whether the screen sends touch or mouse events.
        drag = QScroller.ScrollerGestureType.LeftMouseButtonGesture
        QScroller.grabGesture(self.services_area.viewport(), drag)
        self.page_buttons = {
            step: named(QPushButton(text), "pageButton") for step, text in ((-1, "▲"), (1, "▼"))
        }
        for step, button in self.page_buttons.items():
            button.setMinimumSize(PAGE_BUTTON_PX * 3 // 2, PAGE_BUTTON_PX)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(partial(self.on_page, step))
        self.services_area.verticalScrollBar().rangeChanged.connect(self._update_page_buttons)
        self.services_area.verticalScrollBar().valueChanged.connect(self._update_page_buttons)
        self.ask_label = named(
            QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "kioskChoose"
        )
        self.results_back_button = back_button()
        self.results_back_button.clicked.connect(self.show_categories)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.category_label)
        layout.addLayout(communes)
        layout.addWidget(self.message_label)
        layout.addWidget(self.services_area, 1)
        layout.addWidget(self.ask_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.page_buttons[-1])
        bottom.addStretch(1)
        bottom.addWidget(self.results_back_button)
        bottom.addStretch(1)
        bottom.addWidget(self.page_buttons[1])
        layout.addLayout(bottom)
        self.results_page = page
        self._update_page_buttons()
        return page

    def on_page(self, step: int) -> None:
        """Show the next (1) or previous (-1) screenful of services."""
        bar = self.services_area.verticalScrollBar()
        bar.setValue(bar.value() + step * bar.pageStep())

    def _update_page_buttons(self, *_: int) -> None:
        bar = self.services_area.verticalScrollBar()
        self.page_buttons[-1].setEnabled(bar.value() > bar.minimum())
        self.page_buttons[1].setEnabled(bar.value() < bar.maximum())

    # --- steps -------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the categories, nothing chosen (a new visitor, or the visitor left)."""
        self._tasks.forget(BROWSING)  # the services a visitor who left asked for are not shown
        self.category, self.commune, self.services = None, None, []
        self._fill([])
        self.stack.setCurrentWidget(self.categories_page)

    def show_categories(self) -> None:
        """Back from the services to the pictograms."""
        self.reset()

    def on_category_chosen(self, key: str) -> None:
        """Show the services of a need category, everywhere, nearest first."""
        self.category = key
        self.commune = None
        self.category_label.setText(self._config.reason(key).labels[self._language.code])
        self.commune_buttons[None].setChecked(True)
        self.stack.setCurrentWidget(self.results_page)
        self._load()

    def on_commune_chosen(self, name: str | None) -> None:
        """Narrow the services to one commune, by HCP code (None: everywhere)."""
        self.commune = name
        self.commune_buttons[name].setChecked(True)
        self._load()

    def _load(self) -> None:
        if self.category is None:
            return
        self._fill([])
        self.message_label.setText(self._language.translator("kiosk.browse.loading"))
        self.message_label.show()
        self._tasks.run(
            partial(browse, self._context, self.category, self.commune, self._language.code),
            self.on_services_loaded,
            self.on_services_failed,
            latest=BROWSING,
        )

    def on_services_loaded(self, services: list[dict[str, Any]]) -> None:
        """Show the services just read (for the visitor's latest choice)."""
        self.services = services
        self._fill(services)
        self.message_label.setText(
            "" if services else self._language.translator("kiosk.browse.none")
        )
        self.message_label.setVisible(not services)
        self.services_shown.emit(len(services))

    def on_services_failed(self, error: BaseException) -> None:
        """Say, in the visitor's language, that the list cannot be shown; send them to the desk."""
        log.error("the kiosk could not read the services", exc_info=error)
        self.message_label.setText(self._language.translator("kiosk.browse.failed"))
        self.message_label.show()

    # --- painting ----------------------------------------------------------------------

    def _fill(self, services: list[dict[str, Any]]) -> None:
        while self.list_layout.count() > 1:
            item = self.list_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for position, service in enumerate(services):
            self.list_layout.insertWidget(position, self._service_frame(service))

    def _service_frame(self, service: dict[str, Any]) -> QFrame:
        tr = self._language.translator
        code = self._language.code
        frame = named(QFrame(), "kioskService")
        layout = QVBoxLayout(frame)
        hours = " · ".join(hours_lines(service["hours"], tr))
        addresses = " / ".join(address_line(a, code) for a in service["addresses"])
        lines = [
            ("kioskServiceName", service["name"] or ""),
            ("kioskServiceDetail", tr("kiosk.browse.hours", hours=hours) if hours else ""),
            ("kioskServiceDetail", tr("kiosk.browse.address", address=addresses)),
        ]
        if service["demo"]:
            lines.append(("kioskServiceDemo", tr("kiosk.browse.demo")))
        for name, text in lines:
            if text:
                label = named(QLabel(text, wordWrap=True), name)
                label.setAlignment(self._language.leading_edge)
                layout.addWidget(label)
        return frame

    @property
    def texts(self) -> list[str]:
        """Every text on the services page (tests check that none is personal)."""
        labels = self.results_page.findChildren(QLabel)
        return [label.text() for label in labels if label.text() and not label.isHidden()]

    def retranslate(self) -> None:
        """Re-read every text in the visitor's language (the services are read again)."""
        tr = self._language.translator
        code = self._language.code
        self.title_label.setText(tr("kiosk.browse.title"))
        self.back_button.setText(tr("kiosk.back"))
        self.results_back_button.setText(tr("kiosk.back"))
        self.ask_label.setText(tr("kiosk.browse.ask_desk"))
        for reason in self._config.reasons:
            self.category_buttons[reason.key].set_label(reason.labels[code])
        for name, button in self.commune_buttons.items():
            button.setText(
                tr("kiosk.browse.everywhere") if name is None else commune_label(name, code)
            )
        if self.category is not None:
            self.category_label.setText(self._config.reason(self.category).labels[code])
            self._load()
