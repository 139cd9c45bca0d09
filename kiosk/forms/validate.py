"""Checking a set of answers against a form definition.

Answers are a flat mapping of dotted keys to raw values (from a JSON file or the wizard).
Fields are walked in form order: a field whose relevance is false is not asked, its answer
is dropped and later expressions see it as empty (as in XLSForm). Nothing here raises on
bad input: every problem becomes a :class:`FieldError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.forms.coerce import Problem, coerce
from kiosk.forms.definition import Field, FormDefinition, fill


@dataclass(frozen=True)
class FieldError:
    """A problem with one answer: the field key and a translated message naming the field."""

    field: str
    message: str

    def as_json(self) -> dict[str, str]:
        """``{"field": ..., "message": ...}``, for a JSON report."""
        return {"field": self.field, "message": self.message}


@dataclass
class CleanAnswers:
    """The outcome of :func:`validate_answers`.

    ``values`` holds only the relevant, valid, non-empty answers, coerced to their types;
    ``anonymous`` is true unless ``consent.record`` is true (only an anonymous statistical
    contact is kept); ``form_id`` and ``form_version`` go with the saved intake; ``relevant``
    holds the keys of the fields that were asked. Answers that are not a mapping at all give
    one error on the field ``""``.
    """

    values: dict[str, object]
    errors: list[FieldError]
    anonymous: bool
    form_id: str
    form_version: int
    relevant: frozenset[str] = field(default_factory=frozenset)

    @property
    def ok(self) -> bool:
        """Whether there is no error."""
        return not self.errors


@dataclass
class _Walk:
    """One pass over the fields: coerced values, relevant keys, coercion problems."""

    values: dict[str, object]
    relevant: set[str]
    problems: dict[str, Problem]


def _walk(form: FormDefinition, answers: Mapping[str, object]) -> _Walk:
    walk = _Walk({}, set(), {})
    for item in form.fields:
        if item.relevance is not None and not item.relevance.holds(walk.values):
            walk.values[item.key] = None
            continue
        walk.relevant.add(item.key)
        value, problem = coerce(item, answers.get(item.key))
        walk.values[item.key] = value
        if problem is not None:
            walk.problems[item.key] = problem
    return walk


def relevant_keys(form: FormDefinition, answers: Mapping[str, object]) -> frozenset[str]:
    """The keys of the fields asked, given these (raw) answers."""
    return frozenset(_walk(form, answers).relevant)


def is_relevant(
    form: FormDefinition, field_or_key: Field | str, answers: Mapping[str, object]
) -> bool:
    """Whether the field is asked, given the (raw) answers so far; ``KeyError`` if no such
    field."""
    key = field_or_key if isinstance(field_or_key, str) else field_or_key.key
    form.field(key)
    return key in relevant_keys(form, answers)


def _error(form: FormDefinition, item: Field, message: str, language: str) -> FieldError:
    text = form.message("field_error", language, label=item.label(language), message=message)
    return FieldError(item.key, text)


def _field_error(
    form: FormDefinition, item: Field, walk: _Walk, language: str
) -> FieldError | None:
    """The error of one relevant field, or ``None``."""
    problem = walk.problems.get(item.key)
    if problem is not None:
        return _error(
            form, item, form.message(problem.message, language, **problem.params), language
        )
    value = walk.values.get(item.key)
    if value is None:
        if item.is_required(walk.values):
            message = item.required_messages.get(language) or item.required_messages.get("fr")
            return _error(form, item, message or form.message("required", language), language)
        return None
    for constraint in item.constraints:
        if not constraint.check.holds(walk.values, value):
            params = {
                "min": item.minimum,
                "max": item.maximum,
                "max_length": item.max_length,
                "key": item.key,
            }
            template = constraint.messages.get(language) or constraint.messages["fr"]
            return _error(form, item, fill(template, params), language)
    return None


def _unknown(form: FormDefinition, key: object, language: str) -> FieldError:
    message = form.message("unknown_field", language)
    return FieldError(str(key), form.message("field_error", language, label=key, message=message))


def nested_too_deep(form: FormDefinition, key: str, lang: str = "fr") -> FieldError:
    """The error of answers nested too deep to be read (:class:`~kiosk.forms.answers.
    NestedTooDeep`): on the answer ``key``, or on ``""`` when the whole document is."""
    message = form.message("nested_too_deep", lang)
    if not key:
        return FieldError("", message)
    label = form.field(key).label(lang) if key in form.keys else key
    return FieldError(key, form.message("field_error", lang, label=label, message=message))


def validate_answers(
    form: FormDefinition, answers: Mapping[str, object], lang: str = "fr"
) -> CleanAnswers:
    """Check and coerce every answer; messages in ``lang``; never raises on bad answers."""
    if not isinstance(answers, Mapping):
        error = FieldError("", form.message("not_a_mapping", lang))
        return CleanAnswers({}, [error], True, form.id, form.version)
    known = set(form.keys)
    errors = [_unknown(form, key, lang) for key in answers if key not in known]
    walk = _walk(form, answers)
    values: dict[str, object] = {}
    for item in form.fields:
        if item.key not in walk.relevant:
            continue
        error = _field_error(form, item, walk, lang)
        if error is not None:
            errors.append(error)
        elif walk.values.get(item.key) is not None:
            values[item.key] = walk.values[item.key]
    return CleanAnswers(
        values=values,
        errors=errors,
        anonymous=walk.values.get("consent.record") is not True,
        form_id=form.id,
        form_version=form.version,
        relevant=frozenset(walk.relevant),
    )


def validate_one(
    form: FormDefinition, key: str, value: object, answers: Mapping[str, object], lang: str = "fr"
) -> FieldError | None:
    """The error of the answer ``value`` to ``key`` given the other answers (as the officer
    types), or ``None`` when it is fine."""
    try:
        item = form.field(key)
    except KeyError:
        return _unknown(form, key, lang)
    walk = _walk(form, {**answers, key: value})
    if key not in walk.relevant:
        return None
    return _field_error(form, item, walk, lang)
