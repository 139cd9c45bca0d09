"""Phone numbers of persons: stored in E.164 ("+212612345678"), searched as typed.

Moroccan numbers are +212 and 9 digits (0 and 9 digits nationally: 05 landlines, 06 and
07 mobiles); visitors also have foreign numbers. Parsing and validity come from
``phonenumbers``. Accepted forms: "0612345678", "06 12 34 56 78", "+212 6-12-34-56-78",
"00212612345678", "212612345678" (a country code without "+" or "00" is read as one when
the number is not valid in the default region and is valid so), "+33 6 12 34 56 78",
"0033612345678"; digits of any script (٠٦١٢…) count as digits.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

import phonenumbers

__all__ = ["PhoneError", "national_significant_number", "normalise_phone", "phone_search_key"]

Reason = Literal["empty", "not_a_number", "invalid"]

_SEPARATORS = frozenset(" \t\u00a0\u202f-.()/")
_LONGEST = 17  # digits of the longest number phonenumbers accepts
_COUNTRY_CODES = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


class PhoneError(ValueError):
    """A text that is not a valid phone number; ``reason`` is a message key: "empty",
    "not_a_number" (no digits, or other characters than digits and separators) or
    "invalid" (digits, but no valid number)."""

    def __init__(self, reason: Reason, text: str) -> None:
        super().__init__(f"{reason}: {text[:40]!r}")
        self.reason: Reason = reason


def _digits(text: str) -> tuple[bool, str, bool]:
    """Whether ``text`` starts with "+", its digits (as ASCII), and whether it holds only
    digits, separators and a leading "+"."""
    plus = False
    clean = True
    digits: list[str] = []
    for character in text.strip():
        if character.isdecimal():
            digits.append(str(unicodedata.decimal(character)))
        elif character == "+" and not digits and not plus:
            plus = True
        elif character not in _SEPARATORS:
            clean = False
    return plus, "".join(digits), clean


def _valid(candidate: str, region: str | None) -> str | None:
    """The E.164 form of ``candidate`` if it is a valid number, else None."""
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(text: str, default_region: str = "MA") -> str:
    """``text`` as an E.164 number ("+212612345678"), read in ``default_region`` when it
    has no country code.

    Raises :class:`PhoneError` with ``reason`` "empty" for blank text, "not_a_number" when
    it has no digits or characters other than digits, spaces, ``-./()`` and a leading
    "+", "invalid" when its digits are not a valid number.
    """
    if not text.strip():
        raise PhoneError("empty", text)
    plus, digits, clean = _digits(text)
    if not digits or not clean:
        raise PhoneError("not_a_number", text)
    if len(digits) > _LONGEST + 2:
        raise PhoneError("invalid", text)
    region = default_region.upper()
    found = _valid(("+" if plus else "") + digits, region)
    if found is None and not plus and not digits.startswith("0"):
        found = _valid("+" + digits, None)  # a country code typed without "+"
    if found is None:
        raise PhoneError("invalid", text)
    return found


def _country_code(digits: str) -> int:
    """Length of the country code that ``digits`` (after "+" or "00") start with, or 0."""
    for length in (1, 2, 3):
        if len(digits) >= length and int(digits[:length]) in _COUNTRY_CODES:
            return length
    return 0


def phone_search_key(text: str, default_region: str = "MA") -> str | None:
    """What to search stored numbers by, for a number as typed so far.

    A complete valid number gives its E.164 form (starting with "+": compare it with the
    stored E.164). Otherwise the key is the digits of the national significant part typed
    so far ("0612 34" → "61234", "+212 61" → "61", "+33 6 12" → "612"): search for stored
    numbers whose :func:`national_significant_number` starts with it. The key is "" when
    only a country code was typed, None when ``text`` has no digits at all. Never raises.
    """
    plus, digits, _ = _digits(text)
    if not digits:
        return None
    if len(digits) <= _LONGEST + 2:
        try:
            return normalise_phone(text, default_region)
        except PhoneError:
            pass
    region = default_region.upper()
    if plus or digits.startswith("00"):
        rest = digits if plus else digits[2:]
        return rest[_country_code(rest) :] if _country_code(rest) else ""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    trunk = metadata.national_prefix if metadata is not None else None
    if trunk and digits.startswith(trunk):
        return digits[len(trunk) :]
    own = str(phonenumbers.country_code_for_region(region))
    if region == "MA" and digits.startswith(own):
        return digits[len(own) :]  # Moroccan numbers never start with 2: this is +212
    return digits


def national_significant_number(e164: str) -> str:
    """The national significant digits of a stored E.164 number ("+212612345678" →
    "612345678"), the form partial :func:`phone_search_key` keys are prefixes of."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException as error:
        raise PhoneError("invalid", e164) from error
    return phonenumbers.national_significant_number(number)
