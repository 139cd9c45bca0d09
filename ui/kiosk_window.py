"""The visitors' kiosk: full screen, touch only, never any personal data.

The first screen lets a visitor choose a language among large buttons, each named in its own
script; the kiosk then speaks that language (and mirrors for Arabic) until it goes back to
the first screen, by the back button or after ``kiosk.idle_seconds`` without a touch.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.i18n import REFERENCE_LANGUAGE, Catalog
from kiosk.office import OfficeContext
from ui.changes import ChangeWatcher
from ui.idle import IdleWatcher
from ui.language import LanguageState, direction_of
from ui.styles import named, style_sheet

BUTTON_HEIGHT_PX = 120  # well above 15 mm on an entrance touch screen


class LanguageScreen(QWidget):
    """The welcome and the invitation in every language and one large button per language.

    Signals:
        language_chosen(str): a visitor pressed a language; carries its code.
    """

    language_chosen = Signal(str)

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        header = QGridLayout()
        self.header_labels: list[QLabel] = []
        for column, language in enumerate(catalog.languages):
            direction = direction_of(language.right_to_left)
            for row, (key, name) in enumerate(
                (("kiosk.welcome", "kioskWelcome"), ("kiosk.choose_language", "kioskChoose"))
            ):
                label = named(QLabel(catalog.text(language.code, key)), name)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                label.setWordWrap(True)
                label.setLayoutDirection(direction)
                header.addWidget(label, row, column)
                self.header_labels.append(label)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(header)
        layout.addSpacing(24)
        self.buttons: dict[str, QPushButton] = {}
        for language in catalog.languages:
            button = named(QPushButton(language.native_name), "languageButton")
            button.setMinimumHeight(BUTTON_HEIGHT_PX)
            button.setMinimumWidth(560)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setLayoutDirection(direction_of(language.right_to_left))
            button.clicked.connect(partial(self.language_chosen.emit, language.code))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.buttons[language.code] = button
        layout.addStretch(1)


class ComingSoonScreen(QWidget):
    """The step after the language (the reasons for the visit come in a later version)."""

    def __init__(self, language: LanguageState) -> None:
        super().__init__()
        self._language = language
        self.title_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "kioskTitle")
        self.message_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "kioskMessage")
        self.message_label.setWordWrap(True)
        self.back_button = named(QPushButton(), "backButton")
        self.back_button.setMinimumHeight(BUTTON_HEIGHT_PX)
        self.back_button.setMinimumWidth(360)
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label)
        layout.addSpacing(32)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read the texts in the visitor's language."""
        tr = self._language.translator
        self.title_label.setText(tr("kiosk.welcome"))
        self.message_label.setText(tr("kiosk.coming_soon"))
        self.back_button.setText(tr("kiosk.back"))


class KioskWindow(QWidget):
    """The full-screen kiosk at the entrance. A visitor cannot close it.

    ``allow_close`` is set by the application when it quits; ``idle_after_ms`` overrides the
    ``kiosk.idle_seconds`` setting (tests use a short delay).
    """

    def __init__(
        self,
        context: OfficeContext,
        changes: ChangeWatcher | None = None,
        idle_after_ms: int | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._fixed_idle_ms = idle_after_ms
        self.allow_close = False
        self.setObjectName("kiosk")
        self.setStyleSheet(style_sheet("kiosk"))
        self.language = LanguageState(context.catalog, REFERENCE_LANGUAGE, self)
        self.language_screen = LanguageScreen(context.catalog)
        self.next_screen = ComingSoonScreen(self.language)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.language_screen)
        self.stack.addWidget(self.next_screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.idle = IdleWatcher(self, self._idle_delay_ms())

        self.language_screen.language_chosen.connect(self.on_language_chosen)
        self.next_screen.back_button.clicked.connect(self.on_back_requested)
        self.idle.went_idle.connect(self.on_back_requested)
        self.language.language_changed.connect(self.retranslate)
        if changes is not None:
            changes.database_changed.connect(self.on_database_changed)
        self.retranslate()

    def _idle_delay_ms(self) -> int:
        if self._fixed_idle_ms is not None:
            return self._fixed_idle_ms
        return int(self._context.settings.get("kiosk.idle_seconds")) * 1000

    def retranslate(self) -> None:
        """Title and direction follow the visitor's language."""
        tr = self.language.translator
        self.language.apply_direction(self)
        self.setWindowTitle(f"{tr('app.name')} — {tr('window.kiosk')}")

    def on_language_chosen(self, code: str) -> None:
        """Speak the visitor's language and go on to the next step."""
        self.language.set_language(code)
        self.stack.setCurrentWidget(self.next_screen)
        self.idle.start()

    def on_back_requested(self) -> None:
        """Back to the language choice, ready for the next visitor."""
        self.idle.stop()
        self.language.set_language(REFERENCE_LANGUAGE)
        self.stack.setCurrentWidget(self.language_screen)

    def on_database_changed(self) -> None:
        """Follow a change of the idle delay made elsewhere."""
        self.idle.timeout_ms = self._idle_delay_ms()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Refuse to close unless the application itself allows it."""
        if self.allow_close:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Swallow the keys that would leave the kiosk (Escape, Alt+F4)."""
        alt_f4 = (
            event.key() == Qt.Key.Key_F4 and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if event.key() == Qt.Key.Key_Escape or alt_f4:
            event.accept()
            return
        super().keyPressEvent(event)
