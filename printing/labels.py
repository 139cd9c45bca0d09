"""The words printed on slips, tickets and the test page, in the four languages."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

from kiosk.i18n import Catalog
from kiosk.tables import flatten

Localized = Mapping[str, str]


@cache
def print_labels() -> Catalog:
    """The printed words (``resources/printing/labels.toml``), French as the fallback."""
    text = (resources.files("resources") / "printing" / "labels.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    return Catalog(
        {
            language: {key: str(value) for key, value in flatten(words)}
            for language, words in table.items()
        }
    )


def pick(texts: Localized, language: str) -> str:
    """``texts`` in ``language``, else in French, else in any language there is."""
    return texts.get(language) or texts.get("fr") or next(iter(texts.values()), "")
