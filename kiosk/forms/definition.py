"""What a form definition is: sections of fields, with translated labels and messages.

A definition has an ``id``, a ``version`` (every saved intake records it), ``messages``
and ``sections`` of ``fields``; :mod:`kiosk.forms.loader` reads and checks the YAML file,
:mod:`kiosk.forms.validate` checks answers against it.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.forms.expressions import Expression

LANGUAGES = ("fr", "ar", "en", "zgh")
REFERENCE_LANGUAGE = "fr"
Texts = Mapping[str, str]


class FormDefinitionError(ValueError):
    """A form definition that cannot be used, with the file and the field at fault."""

    def __init__(self, problem: str, source: str, key: str | None = None) -> None:
        where = f"{source}, field {key!r}" if key else source
        super().__init__(f"{where}: {problem}")
        self.problem = problem
        self.source = source
        self.key = key


def _pick(texts: Texts, language: str) -> str:
    return texts.get(language) or texts.get(REFERENCE_LANGUAGE) or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Choice:
    """One option of a choice field: the stored value and its translated labels."""

    value: str
    labels: Texts

    def label(self, language: str) -> str:
        """The label in ``language``, falling back to French."""
        return _pick(self.labels, language)


@dataclass(frozen=True)
class Constraint:
    """A condition the value must meet, and the message shown when it does not."""

    check: Expression
    messages: Texts


@dataclass(frozen=True, eq=False)
class Field:
    """One question of a form; ``type`` is one of ``kiosk.forms.loader.TYPES``.

    ``choices`` are those of the YAML for select_one, select_many and language; the desk's
    short list for country, the communes of Souss-Massa by HCP code for commune (any region
    code / any text is still valid; a commune's name is saved as its code); empty
    for the other types (yes_no included). ``required_if`` makes the field required while
    it holds (XLSForm's ``required`` as an expression: "a name in one script or the
    other"); ``required_messages`` then say what is missing instead of the generic message.
    """

    key: str
    type: str
    required: bool
    labels: Texts
    hints: Texts = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    relevance: Expression | None = None
    constraints: tuple[Constraint, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    required_if: Expression | None = None
    required_messages: Texts = field(default_factory=dict)

    def label(self, language: str) -> str:
        """The label in ``language``, falling back to French."""
        return _pick(self.labels, language)

    def is_required(self, values: Mapping[str, object]) -> bool:
        """Whether an answer is needed, given the (coerced) answers ``values``."""
        return self.required or (self.required_if is not None and self.required_if.holds(values))

    def hint(self, language: str) -> str:
        """The hint in ``language`` (French as fallback), or ``""`` when there is none."""
        return _pick(self.hints, language) if self.hints else ""

    def choice_values(self) -> tuple[str, ...]:
        """The values of the choices."""
        return tuple(choice.value for choice in self.choices)


@dataclass(frozen=True, eq=False)
class Section:
    """A page of the form: a key, translated labels, its fields in order."""

    key: str
    labels: Texts
    fields: tuple[Field, ...]

    def label(self, language: str) -> str:
        """The label in ``language``, falling back to French."""
        return _pick(self.labels, language)


@dataclass(frozen=True, eq=False)
class FormDefinition:
    """A loaded, checked form: ``id``, ``version``, sections of fields, messages."""

    id: str
    version: int
    sections: tuple[Section, ...]
    messages: Mapping[str, Texts]
    source: str

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every field, in form order."""
        return tuple(item for section in self.sections for item in section.fields)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every field key, in form order."""
        return tuple(item.key for item in self.fields)

    def field(self, key: str) -> Field:
        """The field with that key; ``KeyError`` when there is none."""
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    def message(self, name: str, language: str, **params: object) -> str:
        """The generic message ``name`` in ``language`` with its placeholders filled."""
        template = _pick(self.messages.get(name, {}), language) or name
        return fill(template, params)


def fill(template: str, params: Mapping[str, object]) -> str:
    """``template`` with ``{name}`` placeholders filled; unknown ones are left as they are."""
    values = {"today_year": datetime.date.today().year, **params}
    try:
        return string.Formatter().vformat(template, (), _Defaulting(values))
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        return template


class _Defaulting(dict[str, object]):
    """Placeholder values that leave an unknown ``{name}`` as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
