"""Whatever JSON-like answers arrive, validation returns field errors and never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.forms import is_relevant, load_form, validate_answers, validate_one

FORM = load_form("intake")
KEYS = st.sampled_from(FORM.keys) | st.text(max_size=20)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=40)
    | st.sampled_from(["oui", "non", "true", "SN", "0612345678", "health", "verbal", "1990"])
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, JSON, max_size=25), st.sampled_from(["fr", "ar", "en", "zgh", "xx"]))
def test_validation_never_raises(answers: dict[str, object], lang: str) -> None:
    result = validate_answers(FORM, answers, lang)
    known = set(FORM.keys) | set(answers)
    assert all(error.field in known and error.message for error in result.errors)
    assert set(result.values) <= set(FORM.keys)
    assert result.ok is (not result.errors)
    if result.anonymous:
        assert not {"person.given_name", "person.phone", "notes"} & set(result.values)


@settings(max_examples=200, deadline=None)
@given(KEYS, JSON, st.dictionaries(KEYS, JSON, max_size=10))
def test_validate_field_never_raises(key: str, value: object, answers: dict[str, object]) -> None:
    error = validate_one(FORM, key, value, answers, "fr")
    assert error is None or error.field == key


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(FORM.keys), st.dictionaries(KEYS, JSON, max_size=10))
def test_relevant_never_raises(key: str, answers: dict[str, object]) -> None:
    assert is_relevant(FORM, key, answers) in (True, False)
