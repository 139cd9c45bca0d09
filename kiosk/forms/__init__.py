"""Forms defined as data (``resources/forms/*.yaml``): the intake form and its checks.

``load_form("intake")`` gives a checked :class:`FormDefinition`; :func:`validate_answers`
turns raw answers into typed values and translated :class:`FieldError` messages.
"""

from kiosk.forms.answers import NestedTooDeep, parse_answers
from kiosk.forms.definition import (
    Choice,
    Constraint,
    Field,
    FormDefinition,
    FormDefinitionError,
    Section,
)
from kiosk.forms.expressions import Expression, ExpressionError
from kiosk.forms.loader import load_form, load_form_file, parse_form
from kiosk.forms.validate import (
    CleanAnswers,
    FieldError,
    is_relevant,
    nested_too_deep,
    validate_answers,
    validate_one,
)

__all__ = [
    "Choice",
    "CleanAnswers",
    "Constraint",
    "Expression",
    "ExpressionError",
    "Field",
    "FieldError",
    "FormDefinition",
    "FormDefinitionError",
    "NestedTooDeep",
    "Section",
    "is_relevant",
    "load_form",
    "load_form_file",
    "nested_too_deep",
    "parse_answers",
    "parse_form",
    "validate_answers",
    "validate_one",
]
