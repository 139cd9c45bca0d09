"""Phone numbers: every usual way of typing one gives its E.164 form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.persons.phones import (
    PhoneError,
    national_significant_number,
    normalise_phone,
    phone_search_key,
)

MOBILE = "+212612345678"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0612345678", MOBILE),
        ("06 12 34 56 78", MOBILE),
        ("06-12-34-56-78", MOBILE),
        ("06.12.34.56.78", MOBILE),
        ("(06) 12 34 56 78", MOBILE),
        ("+212 6-12-34-56-78", MOBILE),
        ("+212612345678", MOBILE),
        ("+212 (0)6 12 34 56 78", MOBILE),
        ("00212612345678", MOBILE),
        ("00 212 6 12 34 56 78", MOBILE),
        ("212612345678", MOBILE),
        ("  0612345678\n", MOBILE),
        ("٠٦١٢٣٤٥٦٧٨", MOBILE),  # Arabic-Indic digits
        ("0712345678", "+212712345678"),
        ("0528 21 23 45", "+212528212345"),  # a landline in Agadir
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("33612345678", "+33612345678"),  # a country code typed without "+"
        ("+221 77 123 45 67", "+221771234567"),
        ("00221771234567", "+221771234567"),
    ],
)
def test_usual_forms(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


def test_default_region() -> None:
    assert normalise_phone("06 12 34 56 78", default_region="FR") == "+33612345678"
    assert normalise_phone("77 123 45 67", default_region="sn") == "+221771234567"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not_a_number"),
        ("+", "not_a_number"),
        ("- -", "not_a_number"),
        ("06 12 AB 56 78", "not_a_number"),
        ("06 12 34 56 78 ☎", "not_a_number"),
        ("0612", "invalid"),
        ("06123456789", "invalid"),
        ("0012345", "invalid"),
        ("+999 123456", "invalid"),
        ("1" * 40, "invalid"),
        ("0612345678", "invalid"),  # in a region that does not exist
    ],
)
def test_invalid_input_raises_with_a_reason(typed: str, reason: str) -> None:
    region = "ZZ" if typed == "0612345678" else "MA"
    with pytest.raises(PhoneError) as raised:
        normalise_phone(typed, default_region=region)
    assert raised.value.reason == reason
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("0612345678", MOBILE),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0612 34", "61234"),
        ("06", "6"),
        ("612", "612"),
        ("+212 61", "61"),
        ("00212 6", "6"),
        ("2126", "6"),
        ("+33 6 12", "612"),
        ("+212", ""),
        ("+2", ""),
        ("", None),
        ("abc", None),
        ("tel: 0612 34", "61234"),
    ],
)
def test_search_keys(typed: str, key: str | None) -> None:
    assert phone_search_key(typed) == key


def test_a_partial_key_is_a_prefix_of_the_stored_national_number() -> None:
    stored = national_significant_number(normalise_phone("06 12 34 56 78"))
    assert stored == "612345678"
    for length in range(2, len("0612345678")):
        key = phone_search_key("0612345678"[:length])
        assert key is not None
        assert stored.startswith(key)


def test_national_significant_number_of_a_bad_text() -> None:
    with pytest.raises(PhoneError):
        national_significant_number("not a number")


@given(st.text())
def test_normalise_raises_only_phone_errors(text: str) -> None:
    try:
        result = normalise_phone(text)
    except PhoneError as error:
        assert error.reason in {"empty", "not_a_number", "invalid"}
    else:
        assert result.startswith("+")
        assert result[1:].isdigit()


@given(st.text(alphabet=st.sampled_from("0123456789+ -()٠٦"), max_size=25))
def test_digit_like_texts_never_raise_anything_else(text: str) -> None:
    try:
        normalise_phone(text)
    except PhoneError:
        pass
    key = phone_search_key(text)
    assert key is None or key == "" or key.lstrip("+").isdigit()


@given(st.text())
def test_search_key_never_raises(text: str) -> None:
    key = phone_search_key(text)
    assert key is None or key == "" or key.lstrip("+").isdigit()
