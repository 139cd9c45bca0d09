"""Loading and checking a form definition file (``resources/forms/*.yaml``).

Everything is checked at load time: a typo in an option, an unknown type, an expression
naming an unknown field or function is a :class:`FormDefinitionError` naming the file and
the field, never a surprise at the desk.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kiosk.forms.countries import common_nationalities
from kiosk.forms.definition import (
    LANGUAGES,
    REFERENCE_LANGUAGE,
    Choice,
    Constraint,
    Field,
    FormDefinition,
    FormDefinitionError,
    Section,
    Texts,
)
from kiosk.forms.expressions import Expression, ExpressionError
from protocol.communes import load as load_communes

TYPES = frozenset(
    {"text", "integer", "date", "year", "yes_no", "select_one", "select_many", "phone"}
    | {"country", "commune", "language"}
)
CHOICE_TYPES = frozenset({"select_one", "select_many", "language"})
NUMBER_TYPES = frozenset({"integer", "year"})
TEXT_TYPES = frozenset({"text", "commune"})
DEFAULT_MAX_LENGTH = {"text": 200, "commune": 100}
PLACEHOLDERS = frozenset({"label", "message", "key", "min", "max", "max_length", "today_year"})
_FIELD_OPTIONS = frozenset(
    {"key", "type", "required", "label", "hint", "choices", "relevant", "constraints"}
    | {"min", "max", "max_length", "required_message"}
)
_KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")


@cache
def _generic_messages() -> Mapping[str, Texts]:
    text = (resources.files("resources") / "forms" / "messages.yaml").read_text(encoding="utf-8")
    source = "resources/forms/messages.yaml"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FormDefinitionError(f"is not valid YAML: {error}", source) from error
    return _Loader(source).messages(data)


@cache
def load_form(name: str) -> FormDefinition:
    """The shipped form ``resources/forms/<name>.yaml``, loaded and checked once."""
    if not _KEY.fullmatch(name) or "." in name:
        raise FormDefinitionError("no such form", f"resources/forms/{name}.yaml")
    entry = resources.files("resources") / "forms" / f"{name}.yaml"
    try:
        text = entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FormDefinitionError("no such form", f"resources/forms/{name}.yaml") from error
    return parse_form(text, f"resources/forms/{name}.yaml")


def load_form_file(path: str | Path) -> FormDefinition:
    """A form definition from any file (a supervisor's edited copy), not cached."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FormDefinitionError(f"cannot be read: {error}", str(path)) from error
    return parse_form(text, str(path))


def parse_form(text: str, source: str = "<form>") -> FormDefinition:
    """A form definition from YAML text; ``source`` names it in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FormDefinitionError(f"is not valid YAML: {error}", source) from error
    return _Loader(source).form(data)


class _Loader:
    """Checks one definition file, raising errors that name it."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, problem: str, key: str | None = None) -> FormDefinitionError:
        return FormDefinitionError(problem, self.source, key)

    def form(self, data: Any) -> FormDefinition:
        if not isinstance(data, dict):
            raise self.fail("must be a mapping with id, version and sections")
        unknown = set(data) - {"id", "version", "messages", "sections"}
        if unknown:
            raise self.fail(f"unknown entries {sorted(map(str, unknown))}")
        form_id, version = data.get("id"), data.get("version")
        if not isinstance(form_id, str) or not _KEY.fullmatch(form_id):
            raise self.fail("'id' must be a lower-case identifier")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self.fail("'version' must be a whole number from 1")
        messages = {**_generic_messages(), **self.messages(data.get("messages") or {})}
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, list) or not raw_sections:
            raise self.fail("'sections' must be a non-empty list")
        seen: list[str] = []
        sections = tuple(self.section(raw, seen) for raw in raw_sections)
        self.check_expressions(sections)
        return FormDefinition(form_id, version, sections, messages, self.source)

    def messages(self, data: Any) -> dict[str, Texts]:
        if not isinstance(data, dict):
            raise self.fail("'messages' must be a mapping of name to texts")
        return {str(name): self.texts(texts, f"message {name}") for name, texts in data.items()}

    def texts(self, data: Any, what: str, key: str | None = None) -> Texts:
        if isinstance(data, str):
            data = {REFERENCE_LANGUAGE: data}
        if not isinstance(data, dict) or not data.get(REFERENCE_LANGUAGE):
            raise self.fail(f"{what} needs at least a French ({REFERENCE_LANGUAGE}) text", key)
        for language, text in data.items():
            if language not in LANGUAGES:
                raise self.fail(f"{what} has an unknown language {language!r}", key)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{what} in {language!r} must be a non-empty text", key)
            try:
                names = {
                    name for _, name, _, _ in string.Formatter().parse(text) if name is not None
                }
            except ValueError as error:
                raise self.fail(f"{what} has a bad placeholder: {error}", key) from error
            if not names <= PLACEHOLDERS:
                raise self.fail(f"{what} uses unknown placeholders {sorted(names)}", key)
        return dict(data)

    def section(self, data: Any, seen: list[str]) -> Section:
        if not isinstance(data, dict) or not isinstance(data.get("key"), str):
            raise self.fail("every section needs a 'key'")
        key = data["key"]
        raw_fields = data.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            raise self.fail(f"section {key!r} needs a non-empty list of fields")
        labels = self.texts(data.get("label"), f"the label of section {key!r}")
        return Section(key, labels, tuple(self.field(raw, seen) for raw in raw_fields))

    def field(self, data: Any, seen: list[str]) -> Field:
        if not isinstance(data, dict) or not isinstance(data.get("key"), str):
            raise self.fail("every field needs a 'key'")
        key = data["key"]
        if not _KEY.fullmatch(key):
            raise self.fail("a key is lower-case words joined by dots", key)
        if key in seen:
            raise self.fail("this key is used twice", key)
        seen.append(key)
        unknown = set(data) - _FIELD_OPTIONS
        if unknown:
            raise self.fail(f"unknown options {sorted(map(str, unknown))}", key)
        kind = data.get("type")
        if kind not in TYPES:
            raise self.fail(f"unknown type {kind!r}; one of {sorted(TYPES)}", key)
        required = data.get("required", False)
        required_if = None
        if isinstance(required, str):
            required_if, required = self.expression(required, key), False
            if required_if.uses_current:
                raise self.fail("'required' cannot use '.' (it reads the other answers)", key)
        elif not isinstance(required, bool):
            raise self.fail("'required' must be true, false or an expression", key)
        required_messages = (
            self.texts(data["required_message"], "the required message", key)
            if "required_message" in data
            else {}
        )
        minimum, maximum = self.bound(data, "min", key), self.bound(data, "max", key)
        max_length = self.bound(data, "max_length", key)
        if (minimum is not None or maximum is not None) and kind not in NUMBER_TYPES:
            raise self.fail("'min' and 'max' apply to integer and year fields", key)
        if max_length is not None and kind not in TEXT_TYPES:
            raise self.fail("'max_length' applies to text fields", key)
        relevance = None
        if data.get("relevant") is not None:
            relevance = self.expression(data["relevant"], key)
            if relevance.uses_current:
                raise self.fail("a relevance cannot use '.' (the field is not asked yet)", key)
        return Field(
            key=key,
            type=kind,
            required=required,
            labels=self.texts(data.get("label"), "the label", key),
            hints=self.texts(data["hint"], "the hint", key) if "hint" in data else {},
            choices=self.choices(data.get("choices"), kind, key),
            relevance=relevance,
            constraints=self.constraints(data.get("constraints"), key),
            minimum=minimum,
            maximum=maximum,
            max_length=max_length if max_length is not None else DEFAULT_MAX_LENGTH.get(kind),
            required_if=required_if,
            required_messages=required_messages,
        )

    def bound(self, data: Mapping[str, Any], option: str, key: str) -> int | None:
        value = data.get(option)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.fail(f"'{option}' must be a whole number", key)
        return value

    def expression(self, source: Any, key: str) -> Expression:
        try:
            return Expression.parse(source)
        except ExpressionError as error:
            raise self.fail(str(error), key) from error

    def choices(self, data: Any, kind: str, key: str) -> tuple[Choice, ...]:
        if kind == "country":
            names = common_nationalities()
            return tuple(Choice(code, names[code]) for code in names)
        if kind == "commune":
            return _commune_choices()
        if kind not in CHOICE_TYPES:
            if data is not None:
                raise self.fail(f"a {kind} field has no choices", key)
            return ()
        if not isinstance(data, list) or not data:
            raise self.fail("a choice field needs a non-empty list of choices", key)
        choices = []
        for raw in data:
            value = raw.get("value") if isinstance(raw, dict) else None
            if not isinstance(value, str) or not value or value != value.strip():
                raise self.fail("every choice needs a text 'value'", key)
            if kind == "select_many" and " " in value:
                raise self.fail(f"choice {value!r} of a select_many has a space", key)
            labels = self.texts(raw.get("label"), f"the label of choice {value!r}", key)
            choices.append(Choice(value, labels))
        values = [choice.value for choice in choices]
        if len(set(values)) != len(values):
            raise self.fail("two choices have the same value", key)
        return tuple(choices)

    def constraints(self, data: Any, key: str) -> tuple[Constraint, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            raise self.fail("'constraints' must be a list of {check, message}", key)
        result = []
        for raw in data:
            if not isinstance(raw, dict) or set(raw) != {"check", "message"}:
                raise self.fail("every constraint has exactly a 'check' and a 'message'", key)
            check = self.expression(raw["check"], key)
            result.append(Constraint(check, self.texts(raw["message"], "a message", key)))
        return tuple(result)

    def check_expressions(self, sections: tuple[Section, ...]) -> None:
        """Every name an expression reads is a field; a relevance reads earlier fields only
        (a condition of ``required`` is judged once every answer is in: any field)."""
        keys = [item.key for section in sections for item in section.fields]
        for index, item in enumerate(item for section in sections for item in section.fields):
            if item.relevance is not None:
                for name in sorted(item.relevance.names):
                    if name not in keys:
                        raise self.fail(f"the relevance reads an unknown field {name!r}", item.key)
                    if name not in keys[:index]:
                        raise self.fail(f"the relevance reads {name!r}, asked later", item.key)
            for constraint in item.constraints:
                for name in sorted(constraint.check.names - set(keys)):
                    raise self.fail(f"a constraint reads an unknown field {name!r}", item.key)
            if item.required_if is not None:
                for name in sorted(item.required_if.names - set(keys)):
                    raise self.fail(f"'required' reads an unknown field {name!r}", item.key)


@cache
def _commune_choices() -> tuple[Choice, ...]:
    """The communes of Souss-Massa, by HCP code."""
    return tuple(
        Choice(commune.code, {language: commune.name(language) for language in LANGUAGES})
        for commune in load_communes().communes
    )
