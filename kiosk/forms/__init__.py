"""Forms defined as data (``resources/forms/*.yaml``): the intake form and its checks.

``load_form("intake")`` gives a checked :class:`FormDefinition`; :func:`validate_answers`
turns raw answers into typed values and translated :class:`FieldError` messages.
"""

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
from kiosk.forms.validate import CleanAnswers, FieldError, validate_answers

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
    "Section",
    "load_form",
    "load_form_file",
    "parse_form",
    "validate_answers",
]
