"""Qt's own words (standard buttons, print and file dialogs) in the desk's language.

Qt ships its translations (``qtbase_ar.qm``, ``qtbase_fr.qm``…); without them a print or
file dialog opened from the desk speaks English. Qt's translator is the application's, so it
follows the desk, the one window with such dialogs. Tamazight, which Qt does not have, gets
French, as the catalog falls back to French.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

FALLBACK = "fr"


class QtWords:
    """The application's translator of Qt's own words; :meth:`use` switches its language."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None

    def use(self, code: str) -> None:
        """Speak ``code`` (or French where Qt has no translation)."""
        application = QCoreApplication.instance()
        if application is None:
            return
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(application)
        if not translator.load(f"qtbase_{code}", folder):
            translator.load(f"qtbase_{FALLBACK}", folder)
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
        QCoreApplication.installTranslator(translator)
        self._translator = translator
