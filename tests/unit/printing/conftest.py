"""Printing draws with Qt: the test session's one QApplication (pytest-qt's) must exist
first, or printing would make a QGuiApplication that the window tests cannot use."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session", autouse=True)
def _one_application(qapp: QApplication) -> QApplication:
    """The QApplication that ``printing.qtenv.ensure_qt`` then finds and reuses."""
    return qapp
