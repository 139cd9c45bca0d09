"""The desk's Directory page: search services as you type, filter them, read their card.

Searching runs on the worker thread. A keystroke starts a search at once when none is
running; keystrokes that arrive meanwhile only mark the running search stale, and when it
returns, its results are dropped and one search for what the box holds now starts. So the
worker's own latency is the debounce: no search queue builds up behind a fast typist, and
a lone keystroke is answered without a fixed delay (a 120 ms timer alone would break the
50 ms keystroke-to-results target of issue 5).

Results and the card are in the officer's language (the desk's language state), with the
directory's fallback order. "Refer" stays disabled until the intake exists, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk.directory.search import Hit, SearchQuery
from kiosk.directory.view import (
    card_html,
    find_services,
    km_text,
    language_name,
    load_card,
    place_label,
    places,
)
from kiosk.office import OfficeContext
from protocol.directory.profile import NEED_CATEGORIES, VISITOR_CATEGORIES
from ui.accessibility import name_widget
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

SPOKEN = ("ar", "fr", "zgh", "en", "es")
ELIGIBLE = tuple(key for key in VISITOR_CATEGORIES if key != "everyone")
RESULT_LIMIT = 30
DIRECTORY_TABLES = frozenset({"hsds_service", "hsds_search_document", "hsds_schedule"})
"""The directory tables a search or a card reads (written together when the directory moves)."""
COMBO_MIN_CHARS = 12


class DirectoryPage(FollowingWidget):
    """Search box, filters, results list and the card of the chosen service.

    Signals:
        results_shown(int): results were painted into the list; carries how many.
        card_shown(str): a service's card was filled; carries its id.
    """

    results_shown = Signal(int)
    card_shown = Signal(str)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        tasks: Tasks,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.section = "directory"
        self._context = context
        self._language = language
        self._tasks = tasks
        self._now = now
        self._searching = False
        self.hits: list[Hit] = []
        self.card: dict[str, Any] | None = None
        self._build()
        language.language_changed.connect(self.on_language_changed)
        self.retranslate()
        self.follow = Follow(self, tasks, DIRECTORY_TABLES, self.request_search)

    # --- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.search_edit = named(QLineEdit(), "directorySearch")
        # no clear button: its fade-in animation outlives a page deleted meanwhile and
        # crashes Qt 6.11 in QUnifiedTimer::updateAnimationTimers (seen in the tests)
        self.category_label, self.commune_label = QLabel(), QLabel()
        self.spoken_label, self.eligible_label = QLabel(), QLabel()
        self.category_combo = self._combo("directoryCategory", NEED_CATEGORIES)
        self.commune_combo = self._combo("directoryCommune", places())
        self.spoken_combo = self._combo("directorySpoken", SPOKEN)
        self.eligible_combo = self._combo("directoryEligible", ELIGIBLE)
        self.open_check = named(QCheckBox(), "directoryOpenNow")
        # two rows of "label combo label combo", not one row of five columns: one row made
        # the desk 1315 px wide, and the offices' screens are 1280 x 800
        self.filters = QGridLayout()
        self.filters.setColumnStretch(1, 1)
        self.filters.setColumnStretch(3, 1)
        self._filter_pairs = [
            (self.category_label, self.category_combo),
            (self.commune_label, self.commune_combo),
            (self.spoken_label, self.spoken_combo),
            (self.eligible_label, self.eligible_combo),
        ]
        for label, combo in self._filter_pairs:
            label.setBuddy(combo)
        self._place_filters()

        self.count_label = named(QLabel(), "directoryCount")
        self.results = named(QListWidget(), "directoryResults")
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setUniformItemSizes(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.results, 1)

        self.card_view = named(QTextBrowser(), "directoryCard")
        self.card_view.setOpenLinks(False)
        self.refer_button = named(QPushButton(), "referButton")
        self.refer_button.setEnabled(False)
        self.refer_hint = named(QLabel(wordWrap=True), "referHint")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.card_view, 1)
        refer_row = QHBoxLayout()
        refer_row.addWidget(self.refer_button)
        refer_row.addWidget(self.refer_hint, 1)
        right_layout.addLayout(refer_row)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([380, 520])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.search_edit)
        layout.addLayout(self.filters)
        layout.addWidget(self.splitter, 1)

        self.search_edit.textChanged.connect(self.request_search)
        for combo in (
            self.category_combo,
            self.commune_combo,
            self.spoken_combo,
            self.eligible_combo,
        ):
            combo.currentIndexChanged.connect(self.request_search)
        self.open_check.toggled.connect(self.request_search)
        # a row number, not the items: currentItemChanged hands Python the item that clear()
        # is deleting, whose wrapper can crash the interpreter later
        self.results.currentRowChanged.connect(self.on_result_chosen)

    def _place_filters(self) -> None:
        """Two filters a row, in reading order, then "open now"."""
        for index, (label, combo) in enumerate(self._filter_pairs):
            row, column = divmod(index, 2)
            self.filters.addWidget(label, row, column * 2)
            self.filters.addWidget(combo, row, column * 2 + 1)
        row, column = divmod(len(self._filter_pairs), 2)
        if column == 0:  # the last row is full: at its end
            self.filters.addWidget(self.open_check, row - 1, 4)
        else:
            self.filters.addWidget(self.open_check, row, column * 2, 1, 2)

    def hide_category(self) -> None:
        """Leave out the need filter (the referral dialog chooses the need itself); the others
        close up. The combo keeps filtering: set it from outside."""
        pair = (self.category_label, self.category_combo)
        if pair not in self._filter_pairs:
            return
        self._filter_pairs.remove(pair)
        pair[0].hide()
        pair[1].hide()
        for label, combo in (pair, *self._filter_pairs):
            self.filters.removeWidget(label)
            self.filters.removeWidget(combo)
        self.filters.removeWidget(self.open_check)
        self._place_filters()

    @staticmethod
    def _combo(name: str, keys: tuple[str, ...] | list[str]) -> QComboBox:
        combo = named(QComboBox(), name)
        # sized by the layout, not by the longest item (the list that opens shows it whole)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(COMBO_MIN_CHARS)
        combo.addItem("", None)
        for key in keys:
            combo.addItem("", key)
        return combo

    def retranslate(self) -> None:
        """Re-read every label in the officer's language (the results are searched again)."""
        tr = self._language.translator
        code = self._language.code
        names = {
            language.code: language.native_name for language in self._language.catalog.languages
        }
        self.title_label.setText(tr("desk.nav.directory"))
        self.search_edit.setPlaceholderText(tr("desk.directory.search_placeholder"))
        self.category_label.setText(tr("desk.directory.category"))
        self.commune_label.setText(tr("desk.directory.commune"))
        self.spoken_label.setText(tr("desk.directory.spoken"))
        self.eligible_label.setText(tr("desk.directory.eligible"))
        self.open_check.setText(tr("desk.directory.open_now"))
        self.refer_button.setText(tr("desk.directory.refer"))
        self.refer_button.setToolTip(tr("desk.directory.refer_later"))
        self.refer_hint.setText(tr("desk.directory.refer_later"))
        name_widget(self.search_edit, tr("a11y.directory_search"))
        name_widget(self.results, tr("a11y.directory_results"))
        name_widget(self.card_view, tr("a11y.directory_card"))
        for label, combo in (  # a combo box is named by its value, not by its label
            (self.category_label, self.category_combo),
            (self.commune_label, self.commune_combo),
            (self.spoken_label, self.spoken_combo),
            (self.eligible_label, self.eligible_combo),
        ):
            name_widget(combo, label.text())
        texts: dict[QComboBox, Callable[[str], str]] = {
            self.category_combo: lambda key: tr(f"directory.category.{key}"),
            self.commune_combo: lambda key: place_label(key, tr, code),
            self.spoken_combo: lambda key: language_name(key, names),
            self.eligible_combo: lambda key: tr(f"directory.visitor.{key}"),
        }
        for combo, text in texts.items():
            combo.setItemText(0, tr("desk.directory.any"))
            for index in range(1, combo.count()):
                combo.setItemText(index, text(combo.itemData(index)))
        self._show_card()

    def on_language_changed(self) -> None:
        """New language: new labels, the results and the card read again in it."""
        self.retranslate()
        self.request_search()
        if self.card is not None:
            self._load_card(self.card["service_id"])

    # --- searching ---------------------------------------------------------------------

    def query(self) -> SearchQuery:
        """The search the widgets describe now."""
        return SearchQuery(
            text=self.search_edit.text(),
            language=self._language.code,
            category=self.category_combo.currentData(),
            commune=self.commune_combo.currentData(),
            eligible=self.eligible_combo.currentData(),
            spoken=self.spoken_combo.currentData(),
            open_at=self._now() if self.open_check.isChecked() else None,
            limit=RESULT_LIMIT,
        )

    @property
    def searching(self) -> bool:
        """Whether a search is running on the worker."""
        return self._searching

    def request_search(self) -> None:
        """Search for what the widgets say now (an answer to an older query is dropped)."""
        self._searching = True
        self._tasks.run(
            partial(find_services, self._context, self.query()),
            self.on_results,
            self.on_search_failed,
            latest="directory search",
        )

    def on_results(self, hits: list[Hit]) -> None:
        """Paint the results of the latest query."""
        self._searching = False
        self.hits = hits
        tr = self._language.translator
        chosen = self.card["service_id"] if self.card is not None else None
        self.results.blockSignals(True)  # repainting the list chooses no card
        self.results.clear()
        for row, hit in enumerate(hits):
            details = [part for part in (hit.organization, hit.commune) if part]
            if hit.distance_km is not None:
                km = km_text(hit.distance_km, self._language.code)
                details.append(tr("desk.directory.km", km=km))
            item = QListWidgetItem(f"{hit.name}\n{' · '.join(details)}")
            item.setData(Qt.ItemDataRole.UserRole, str(hit.service_id))
            self.results.addItem(item)
            if str(hit.service_id) == chosen:  # the service chosen stays chosen
                self.results.setCurrentRow(row)
        self.results.blockSignals(False)
        self.count_label.setText(
            tr("desk.directory.results_count", count=len(hits))
            if hits
            else tr("desk.directory.no_results")
        )
        self.results_shown.emit(len(hits))

    def on_search_failed(self, error: BaseException) -> None:
        """Say that the search failed."""
        self._searching = False
        self.count_label.setText(self._language.translator("desk.directory.failed", detail=error))

    # --- the card ----------------------------------------------------------------------

    def on_result_chosen(self, row: int) -> None:
        """Load the card of the service chosen in the list."""
        item = self.results.item(row) if row >= 0 else None
        if item is not None:
            self._load_card(str(item.data(Qt.ItemDataRole.UserRole)))

    def show_service(self, service_id: str) -> None:
        """Show the card of ``service_id`` (as if chosen in the list)."""
        self._load_card(service_id)

    def _load_card(self, service_id: str) -> None:
        self._tasks.run(
            partial(load_card, self._context, service_id, self._language.code, self._now()),
            self.on_card_loaded,
            self.on_search_failed,
            latest="directory card",
        )

    def on_card_loaded(self, card: dict[str, Any]) -> None:
        """Show the card chosen last."""
        self.card = card
        self._show_card()
        self.card_shown.emit(card["service_id"])

    def _show_card(self) -> None:
        tr = self._language.translator
        option = self.card_view.document().defaultTextOption()
        option.setTextDirection(self._language.direction)
        self.card_view.document().setDefaultTextOption(option)
        if self.card is None:
            self.card_view.setHtml(
                f'<p dir="{"rtl" if tr.right_to_left else "ltr"}">'
                f"{tr('desk.directory.choose_service')}</p>"
            )
            return
        names = {
            language.code: language.native_name for language in self._language.catalog.languages
        }
        self.card_view.setHtml(card_html(self.card, tr, self._language.code, names))
