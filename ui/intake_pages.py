"""The pages of the intake wizard: one section of the form, and the consent page's tools."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.forms import Section
from ui.intake_fields import FieldWidget, make_field
from ui.language import LanguageState
from ui.styles import named


class SectionPage(QScrollArea):
    """One section of the form: its heading, then its fields one under the other."""

    def __init__(self, section: Section, extra: QWidget | None = None) -> None:
        super().__init__()
        self.section = section
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        # no Tab stop of its own: Tab goes from field to field, and the page scrolls to each
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = named(QWidget(), "sectionPage")
        layout = QVBoxLayout(inner)
        self.heading = named(QLabel(), "sectionTitle")
        layout.addWidget(self.heading)
        if extra is not None:
            layout.addWidget(extra)
        self.fields: list[FieldWidget] = [make_field(item) for item in section.fields]
        for widget in self.fields:
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setWidget(inner)


class ConsentTools(QWidget):
    """On the consent page: the visitor's language and the notice to show or print."""

    def __init__(self, language: LanguageState) -> None:
        super().__init__()
        self.language_label = QLabel()
        self.language_combo = named(QComboBox(), "visitorLanguage")
        for item in language.catalog.languages:
            self.language_combo.addItem(item.native_name, item.code)
        self.language_combo.setCurrentIndex(self.language_combo.findData(language.code))
        self.notice_button = named(QPushButton(), "noticeButton")
        self.language_label.setBuddy(self.language_combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 8)
        row.addWidget(self.language_label)
        row.addWidget(self.language_combo)
        row.addWidget(self.notice_button)
        row.addStretch(1)

    @property
    def visitor_language(self) -> str:
        """The language the visitor reads, for the notice."""
        return str(self.language_combo.currentData())

    def show_language(self, code: str) -> None:
        """Choose ``code`` as the visitor's language (kept as it is if not offered)."""
        index = self.language_combo.findData(code)
        if index >= 0:
            self.language_combo.setCurrentIndex(index)
