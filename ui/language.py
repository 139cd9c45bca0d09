"""The language of one window, switched at run time without restarting anything.

Each window owns one :class:`LanguageState`: the kiosk follows each visitor, the desk its
officer, the display the machine setting, so one process may show several languages at once.
Widgets hold the state, connect to :attr:`LanguageState.language_changed` and re-read their
texts in a ``retranslate()`` method (``tr = state.translator``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from kiosk.i18n import Catalog, Translator


def isolate(text: str) -> str:
    """``text`` isolated (FSI … PDI): a name or a code in another script keeps its own order."""
    return f"\u2068{text}\u2069" if text else text


def direction_of(right_to_left: bool) -> Qt.LayoutDirection:
    """The layout direction of a language written right to left or not."""
    return Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight


class LanguageState(QObject):
    """The current language of one window.

    Signals:
        language_changed(str): the language switched; carries the new language code.
    """

    language_changed = Signal(str)

    def __init__(self, catalog: Catalog, code: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._code = catalog.language(code).code
        self._tr = catalog.translator(self._code)

    @property
    def code(self) -> str:
        """The current language code (``fr``, ``ar``, ``zgh``, ``en``)."""
        return self._code

    @property
    def translator(self) -> Translator:
        """The catalog in the current language: ``state.translator("app.name")``."""
        return self._tr

    @property
    def direction(self) -> Qt.LayoutDirection:
        """The layout direction of the current language."""
        return direction_of(self._tr.right_to_left)

    @property
    def leading_edge(self) -> Qt.AlignmentFlag:
        """Where lines start in this language (for a label whose text may be in another
        script, such as an office name, which Qt would otherwise align by its own script)."""
        side = Qt.AlignmentFlag.AlignRight if self._tr.right_to_left else Qt.AlignmentFlag.AlignLeft
        return side | Qt.AlignmentFlag.AlignAbsolute

    def set_language(self, code: str) -> None:
        """Switch to ``code`` (an unknown code means French); notifies when it changed."""
        code = self.catalog.language(code).code
        if code == self._code:
            return
        self._code = code
        self._tr = self.catalog.translator(code)
        self.language_changed.emit(code)

    def apply_direction(self, window: QWidget) -> None:
        """Mirror ``window`` (and everything in it) for a right-to-left language."""
        window.setLayoutDirection(self.direction)
