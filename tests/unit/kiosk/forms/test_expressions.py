"""The safe evaluator: grammar, precedence, functions, and what it refuses."""

from __future__ import annotations

import re

import pytest

from kiosk.forms import Expression, ExpressionError, FormDefinitionError, parse_form


def value(source: str, current: object = None, **values: object) -> object:
    fields = {key.replace("__", "."): item for key, item in values.items()}
    return Expression.parse(source).evaluate(fields, current)


def test_literals() -> None:
    assert value("3") == 3
    assert value("-2.5") == -2.5
    assert value("'a b'") == "a b"
    assert value('"x"') == "x"
    assert value("true") is True
    assert value("false") is False
    assert value("null") is None


def test_references_with_and_without_braces() -> None:
    assert value("${consent.record}", consent__record=True) is True
    assert value("consent.record = true", consent__record=True) is True
    assert value("${missing.field}") is None


def test_comparisons() -> None:
    assert value(". = 3", 3) is True
    assert value(". != 3", 3) is False
    assert value(". < 3", 2) is True
    assert value(". <= 3", 3) is True
    assert value(". > 3", 3) is False
    assert value(". >= 3", 3) is True
    assert value(". = 'a'", "a") is True


def test_numbers_written_as_text_compare_as_numbers() -> None:
    assert value(". = 3", "3") is True
    assert value(". < 10", "9") is True


def test_values_that_cannot_be_ordered_compare_false() -> None:
    assert value(". < 3", None) is False
    assert value(". >= 3", "abc") is False
    assert value(". > 'a'", 3) is False


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    assert value("true or false and false") is True
    assert value("(true or false) and false") is False
    assert value("not false and false") is False
    assert value("not (false and false)") is True
    assert value("not not true") is True


def test_comparison_binds_tighter_than_and() -> None:
    assert value(". >= 1900 and . <= 2000", 1950) is True
    assert value(". >= 1900 and . <= 2000", 2001) is False


def test_selected_and_count_selected() -> None:
    assert value("selected(${needs}, 'health')", needs=["health", "housing"]) is True
    assert value("selected(${needs}, 'health')", needs=["housing"]) is False
    assert value("selected(${needs}, 'health')") is False
    assert value("count-selected(${needs}) = 2", needs=["health", "housing"]) is True
    assert value("count-selected(${needs})") == 0


def test_string_length_and_today_year() -> None:
    assert value("string-length(.)", "abc") == 3
    assert value("string-length(.)", None) == 0
    year = value("today_year()")
    assert isinstance(year, int) and year >= 2024


def test_names_and_current_value_are_reported() -> None:
    expression = Expression.parse("${a.b} = 1 or c > . and selected(d, 'x')")
    assert expression.names == {"a.b", "c", "d"}
    assert expression.uses_current


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("__import__('os')", "unknown function"),
        ("eval('1')", "unknown function"),
        ("open('x')", "unknown function"),
        ("x.__class__", "not a field key"),
        ("${a.__class__}", "not a field key"),
        ("${a.b}.c", "unexpected"),
        ("(1 = 1", "expected ')'"),
        ("1 = 1)", "unexpected ')'"),
        ("((true)", "expected ')'"),
        ("1 +", "unexpected character '+'"),
        ("a[0]", "unexpected character '['"),
        ("1 = ", "unexpected end"),
        ("selected(a)", "takes 2 argument"),
        ("today_year(1)", "takes 0 argument"),
        ("and", "unexpected 'and'"),
        ("1 = 1 = 1", "unexpected '='"),
        ("", "non-empty"),
    ],
)
def test_refuses_what_the_grammar_does_not_allow(source: str, problem: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(problem)):
        Expression.parse(source)


FORM = """
id: probe
version: 1
sections:
  - key: s
    label: S
    fields:
      - key: a
        type: yes_no
        label: A
      - key: b
        type: text
        label: B
        relevant: {expression}
"""


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("a.__class__ = 1", "not a field key"),
        ('"(${a} = true"', "expected ')'"),
        ('"${a} = true)"', "unexpected ')'"),
        ("upper(a)", "unknown function 'upper'"),
        ("${nope} = 1", "unknown field 'nope'"),
        ('". = 1"', "cannot use '.'"),
    ],
)
def test_a_bad_expression_is_a_definition_error_naming_file_and_field(
    expression: str, problem: str
) -> None:
    with pytest.raises(FormDefinitionError, match=re.escape(problem)) as caught:
        parse_form(FORM.format(expression=expression), "probe.yaml")
    assert caught.value.source == "probe.yaml"
    assert caught.value.key == "b"
    assert str(caught.value).startswith("probe.yaml, field 'b': ")


def test_a_relevance_cannot_read_a_later_field() -> None:
    text = FORM.format(expression="${a} = true").replace("${a}", "${c}")
    text += "      - key: c\n        type: yes_no\n        label: C\n"
    with pytest.raises(FormDefinitionError, match="asked later"):
        parse_form(text, "probe.yaml")


def test_deep_nesting_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="nested too deeply"):
        Expression.parse("(" * 5000 + "1" + ")" * 5000)
