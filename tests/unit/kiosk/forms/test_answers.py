"""Reading a JSON document of answers built to crash the reader."""

from __future__ import annotations

import pytest

from kiosk.forms import FormDefinition, NestedTooDeep, nested_too_deep, parse_answers

DEEP = "[" * 100_000 + "]" * 100_000


def test_ordinary_answers_are_read_as_json() -> None:
    assert parse_answers('{"a": [1, "x"], "b": -12}') == {"a": [1, "x"], "b": -12}


def test_an_integer_too_long_for_any_answer_stays_text() -> None:
    digits = "9" * 5_000
    assert parse_answers(f'{{"person.birth_year": {digits}, "n": -{digits}}}') == {
        "person.birth_year": digits,
        "n": f"-{digits}",
    }


def test_nesting_too_deep_names_the_answer_it_is_in() -> None:
    with pytest.raises(NestedTooDeep) as raised:
        parse_answers(f'{{"a": "[[{{:", "b\\"[": 1, "notes": {DEEP}}}')
    assert raised.value.key == "notes"
    with pytest.raises(NestedTooDeep) as raised:
        parse_answers(DEEP)
    assert raised.value.key == ""


def test_the_error_names_the_field_in_the_language(form: FormDefinition) -> None:
    error = nested_too_deep(form, "notes", "en")
    assert error.field == "notes"
    assert error.message == f"{form.field('notes').label('en')}: " + form.message(
        "nested_too_deep", "en"
    )
    assert nested_too_deep(form, "", "ar").field == ""
    assert "nested too deep" in nested_too_deep(form, "x.y", "en").message
