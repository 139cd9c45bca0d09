"""The consent notice dialog: the notice of the inventory, as Qt shows and prints it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.i18n import default_catalog
from kiosk.privacy_notice import build_notice
from ui.consent_notice import ConsentNoticeDialog

CATALOG = default_catalog()


@pytest.mark.parametrize("language", CATALOG.codes)
def test_the_printed_document_holds_the_whole_notice(qtbot: QtBot, language: str) -> None:
    dialog = ConsentNoticeDialog(CATALOG, language, "fr")
    qtbot.addWidget(dialog)
    printed = dialog.document.toPlainText()
    notice = build_notice(CATALOG, language)
    for section in notice.sections:
        assert section.heading in printed
        assert all(paragraph in printed for paragraph in section.paragraphs)
    direction = dialog.document.firstBlock().blockFormat().layoutDirection()
    rtl = CATALOG.language(language).right_to_left
    assert direction == (Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
