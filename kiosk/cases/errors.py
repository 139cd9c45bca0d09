"""The one base of every refusal of the officer's work, so that callers can catch them all."""

from __future__ import annotations

from kiosk.forms.hidden import has_hidden_characters
from kiosk.i18n import Refusal


class CaseWorkError(Refusal):
    """A request on a case, a person or a referral that cannot be met (``error.cases.*``)."""

    catalog_prefix = "error.cases"


def readable(text: str, error: type[CaseWorkError]) -> str:
    """``text`` as the officer wrote it, unless it holds characters that hide what it shows
    (:mod:`kiosk.forms.hidden`): then ``error`` (``error.cases.hidden_characters``)."""
    if has_hidden_characters(text):
        raise error(
            "the text holds invisible characters (control or writing direction): type it again",
            "hidden_characters",
        )
    return text
