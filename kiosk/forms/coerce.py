"""Turning one raw answer (from JSON or the wizard) into the value a field stores.

:func:`coerce` never raises: it returns the value (``None`` for an empty answer) or a
:class:`Problem`, the name of a generic message of ``resources/forms/messages.yaml`` and
its parameters.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import phonenumbers

from kiosk.forms.countries import is_country
from kiosk.forms.definition import Field
from kiosk.forms.hidden import has_hidden_characters
from protocol.communes import commune_code

_YES = frozenset({"yes", "y", "true", "1", "oui", "o", "نعم", "ⵢⵢⵉⵀ"})
_NO = frozenset({"no", "n", "false", "0", "non", "لا", "ⵓⵀⵓ"})
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_SEPARATORS = re.compile(r"[\s,;]+")
_MAX_RAW_LENGTH = 10_000


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot be stored: a message name and its placeholders."""

    message: str
    params: Mapping[str, object] = field(default_factory=dict)


Coerced = tuple[object, Problem | None]


def is_empty(raw: object) -> bool:
    """Whether an answer counts as not given: ``None``, blank text, an empty list."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list | tuple) and not raw


def coerce(item: Field, raw: object) -> Coerced:
    """The stored value of ``raw`` for ``item`` (``None`` when empty), or a problem."""
    if is_empty(raw):
        return None, None
    if isinstance(raw, str) and len(raw) > _MAX_RAW_LENGTH:
        raw = raw[: _MAX_RAW_LENGTH + 1]
    return _COERCERS[item.type](item, raw)


def _text(item: Field, raw: object) -> Coerced:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and item.type == "text":
        raw = str(raw)
    if not isinstance(raw, str):
        return None, Problem("text")
    value = raw.strip()
    if item.max_length is not None and len(value) > item.max_length:
        return None, Problem("too_long", {"max_length": item.max_length})
    if has_hidden_characters(value):
        return None, Problem("hidden_characters")
    return value, None


def _integer(item: Field, raw: object) -> Coerced:
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        value = int(raw.strip())
    if value is None:
        return None, Problem("integer")
    low, high = item.minimum, item.maximum
    if low is not None and high is not None and not low <= value <= high:
        return None, Problem("between", {"min": low, "max": high})
    if low is not None and value < low:
        return None, Problem("at_least", {"min": low})
    if high is not None and value > high:
        return None, Problem("at_most", {"max": high})
    return value, None


def _date(item: Field, raw: object) -> Coerced:
    if isinstance(raw, datetime.datetime):
        return raw.date(), None
    if isinstance(raw, datetime.date):
        return raw, None
    if isinstance(raw, str) and len(raw.strip()) <= 32:
        try:
            return datetime.date.fromisoformat(raw.strip()), None
        except ValueError:
            pass
    return None, Problem("date")


def _yes_no(item: Field, raw: object) -> Coerced:
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw), None
    if isinstance(raw, str):
        word = raw.strip().casefold()
        if word in _YES:
            return True, None
        if word in _NO:
            return False, None
    return None, Problem("yes_no")


def _one(item: Field, raw: object) -> Coerced:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, str) and raw.strip() in item.choice_values():
        return raw.strip(), None
    return None, Problem("choice")


def _many(item: Field, raw: object) -> Coerced:
    if isinstance(raw, str):
        raw = [part for part in _SEPARATORS.split(raw) if part]
    if not isinstance(raw, list | tuple):
        return None, Problem("choices")
    allowed = item.choice_values()
    chosen: list[str] = []
    for value in raw:
        if not isinstance(value, str) or value.strip() not in allowed:
            return None, Problem("choices")
        if value.strip() not in chosen:
            chosen.append(value.strip())
    return (chosen or None), None


def _phone(item: Field, raw: object) -> Coerced:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, str) and len(raw) <= 40:
        try:
            number = phonenumbers.parse(raw.strip(), "MA")
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
    return None, Problem("phone")


def _country(item: Field, raw: object) -> Coerced:
    if isinstance(raw, str) and is_country(raw.strip().upper()):
        return raw.strip().upper(), None
    return None, Problem("country")


def _commune(item: Field, raw: object) -> Coerced:
    """A commune of Souss-Massa named in any spelling becomes its HCP code; any other
    name (a commune elsewhere) is kept as text."""
    value, problem = _text(item, raw)
    return (commune_code(value) if isinstance(value, str) and value else value), problem


_COERCERS: Mapping[str, Callable[[Field, object], Coerced]] = {
    "text": _text,
    "commune": _commune,
    "integer": _integer,
    "year": _integer,
    "date": _date,
    "yes_no": _yes_no,
    "select_one": _one,
    "language": _one,
    "select_many": _many,
    "phone": _phone,
    "country": _country,
}
