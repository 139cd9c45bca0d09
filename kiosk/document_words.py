"""The words of a document written for people (the person's export, the monthly report):
the catalog's, in one language, with days in words and the intake form's choices."""

from __future__ import annotations

from datetime import date

from kiosk.forms import load_form
from kiosk.i18n import Translator, default_catalog


class DocumentWords:
    """A document's words in ``language``; ``words(key)`` is the catalog's ``prefix + key``."""

    prefix = ""

    def __init__(self, language: str) -> None:
        self.language = language
        self.tr = Translator(default_catalog(), language)
        self.form = load_form("intake")

    def __call__(self, key: str, **params: object) -> str:
        return self.tr(f"{self.prefix}{key}", **params)

    def date(self, value: date) -> str:
        """A day in words: ``6 décembre 2026``."""
        month = self.tr(f"person_export.month.{value.month}")
        return self.tr("person_export.date", day=value.day, month=month, year=value.year)

    def choice(self, field: str, value: str) -> str:
        """The words of ``value`` among the intake form's choices for ``field`` (``value``
        itself when it is not one of them)."""
        for choice in self.form.field(field).choices:
            if choice.value == value:
                return choice.label(self.language)
        return value
