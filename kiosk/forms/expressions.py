"""A small, safe evaluator for the relevance and constraint expressions of a form.

The grammar, in the spirit of XLSForm and nothing more (there is no ``eval``)::

    expression := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := primary (("=" | "!=" | "<" | "<=" | ">" | ">=") primary)?
    primary    := number | string | "true" | "false" | "null" | "${" key "}" | key
                | "." | function "(" [expression ("," expression)*] ")" | "(" expression ")"

``key`` is a dotted field key (``person.birth_year``), ``.`` the value being checked (in a
constraint). Only the functions of :data:`FUNCTIONS` exist. Evaluation never raises: a
comparison between values that cannot be ordered is false, a missing value is ``None``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.clock import office_today


class ExpressionError(ValueError):
    """An expression that does not follow the grammar, or names an unknown function."""


def _selected(values: object, choice: object) -> bool:
    if isinstance(values, list | tuple):
        return choice in values
    return values is not None and values == choice


def _count_selected(values: object) -> int:
    return len(values) if isinstance(values, list | tuple) else 0


def _string_length(value: object) -> int:
    return len(value) if isinstance(value, str) else 0


def _today_year() -> int:
    return datetime.date.today().year


def _days_since(value: object) -> int | None:
    """Whole days from the date ``value`` to today on the office's clock (negative for a
    date to come); ``None`` when it is not a date."""
    if isinstance(value, str):
        value = _date(value)
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        return None
    return (office_today() - value).days


FUNCTIONS: Mapping[str, tuple[int, Callable[..., object]]] = {
    "selected": (2, _selected),
    "count-selected": (1, _count_selected),
    "string-length": (1, _string_length),
    "today_year": (0, _today_year),
    "days-since": (1, _days_since),
}
"""The functions an expression may call: name -> (number of arguments, implementation)."""

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>-?\d+(?:\.\d+)?)
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<ref>\$\{[^}]*\})
    | (?P<name>[A-Za-z_]\w*(?:[.-][A-Za-z_]\w*)*)
    | (?P<op><=|>=|!=|=|<|>|\(|\)|,|\.)
    )""",
    re.VERBOSE,
)
_KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")
_KEYWORDS = frozenset({"and", "or", "not", "true", "false", "null"})
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = _TOKEN.match(source, position)
        if match is None or match.lastgroup is None:
            bad = source[position:].lstrip()[:1]
            raise ExpressionError(f"unexpected character {bad!r} in {source!r}")
        tokens.append(_Token(match.lastgroup, match.group(match.lastgroup), match.start()))
        position = match.end()
    return tokens


Node = tuple[Any, ...]
"""A parsed expression: ``(kind, ...)`` tuples, evaluated by :func:`_evaluate`."""


class _Parser:
    """Recursive descent over the token list of one expression."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.names: set[str] = set()
        self.uses_current = False

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def next(self) -> _Token:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"unexpected end of {self.source!r}")
        self.index += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind in ("op", "name") and token.text == text:
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            token = self.peek()
            found = "the end" if token is None else repr(token.text)
            raise ExpressionError(f"expected {text!r} but found {found} in {self.source!r}")

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            raise ExpressionError(f"unexpected {token.text!r} in {self.source!r}")
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.accept("or"):
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.accept("and"):
            node = ("and", node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if self.accept("not"):
            return ("not", self.parse_not())
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        node = self.parse_primary()
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in _COMPARISONS:
            self.index += 1
            node = ("compare", token.text, node, self.parse_primary())
        return node

    def parse_primary(self) -> Node:
        token = self.next()
        if token.kind == "number":
            number = float(token.text) if "." in token.text else int(token.text)
            return ("literal", number)
        if token.kind == "string":
            return ("literal", token.text[1:-1])
        if token.kind == "ref":
            return self.reference(token.text[2:-1].strip())
        if token.kind == "op" and token.text == "(":
            node = self.parse_or()
            self.expect(")")
            return node
        if token.kind == "op" and token.text == ".":
            self.uses_current = True
            return ("current",)
        if token.kind == "name":
            return self.name(token)
        raise ExpressionError(f"unexpected {token.text!r} in {self.source!r}")

    def name(self, token: _Token) -> Node:
        literals = {"true": True, "false": False, "null": None}
        if token.text in literals:
            return ("literal", literals[token.text])
        if token.text in _KEYWORDS:
            raise ExpressionError(f"unexpected {token.text!r} in {self.source!r}")
        following = self.peek()
        if following is not None and following.kind == "op" and following.text == "(":
            return self.call(token.text)
        return self.reference(token.text)

    def call(self, function: str) -> Node:
        if function not in FUNCTIONS:
            raise ExpressionError(f"unknown function {function!r} in {self.source!r}")
        self.expect("(")
        arguments: list[Node] = []
        if not self.accept(")"):
            arguments.append(self.parse_or())
            while self.accept(","):
                arguments.append(self.parse_or())
            self.expect(")")
        arity = FUNCTIONS[function][0]
        if len(arguments) != arity:
            raise ExpressionError(
                f"{function}() takes {arity} argument(s), not {len(arguments)}, in {self.source!r}"
            )
        return ("call", function, tuple(arguments))

    def reference(self, key: str) -> Node:
        if not _KEY.fullmatch(key):
            raise ExpressionError(f"{key!r} is not a field key, in {self.source!r}")
        self.names.add(key)
        return ("field", key)


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source, the field keys it reads, and whether it reads ``.``."""

    source: str
    tree: Node
    names: frozenset[str]
    uses_current: bool

    @classmethod
    def parse(cls, source: str) -> Expression:
        """Parse ``source``; raises :class:`ExpressionError` when it breaks the grammar."""
        if not isinstance(source, str) or not source.strip():
            raise ExpressionError("an expression must be a non-empty string")
        parser = _Parser(source)
        try:
            tree = parser.parse()
        except RecursionError:
            raise ExpressionError(f"{source[:40]!r}... is nested too deeply") from None
        return cls(source, tree, frozenset(parser.names), parser.uses_current)

    def evaluate(self, values: Mapping[str, object], current: object = None) -> object:
        """The value of the expression; absent fields are ``None``; never raises."""
        return _evaluate(self.tree, values, current)

    def holds(self, values: Mapping[str, object], current: object = None) -> bool:
        """Whether the expression is true for these values."""
        return truthy(self.evaluate(values, current))


def truthy(value: object) -> bool:
    """XLSForm-like truth: ``None``, false, zero, empty text and empty lists are false."""
    return (
        bool(value)
        if isinstance(value, bool | int | float | str | list | tuple)
        else (value is not None)
    )


def _evaluate(node: Node, values: Mapping[str, object], current: object) -> object:
    kind = node[0]
    if kind == "literal":
        return node[1]
    if kind == "field":
        return values.get(node[1])
    if kind == "current":
        return current
    if kind == "not":
        return not truthy(_evaluate(node[1], values, current))
    if kind == "and":
        return truthy(_evaluate(node[1], values, current)) and truthy(
            _evaluate(node[2], values, current)
        )
    if kind == "or":
        return truthy(_evaluate(node[1], values, current)) or truthy(
            _evaluate(node[2], values, current)
        )
    if kind == "compare":
        left = _evaluate(node[2], values, current)
        right = _evaluate(node[3], values, current)
        return compare(node[1], left, right)
    if kind == "call":
        implementation = FUNCTIONS[node[1]][1]
        arguments = [_evaluate(argument, values, current) for argument in node[2]]
        return implementation(*arguments)
    raise AssertionError(f"unknown node {kind!r}")  # the parser makes no other kind


def _comparable(left: object, right: object) -> tuple[object, object]:
    """Numbers and dates written as text compare with numbers and dates (``'3' = 3``)."""
    if isinstance(left, datetime.date) and isinstance(right, str):
        return left, _date(right)
    if isinstance(right, datetime.date) and isinstance(left, str):
        return _date(left), right
    numbers = (int, float)
    if isinstance(left, str) and isinstance(right, numbers) and not isinstance(right, bool):
        return _number(left, left), right
    if isinstance(right, str) and isinstance(left, numbers) and not isinstance(left, bool):
        return left, _number(right, right)
    return left, right


def _date(text: str) -> object:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text


def _number(text: str, default: object) -> object:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return default


def compare(operator: str, left: object, right: object) -> bool:
    """``left operator right``; values that cannot be ordered compare false."""
    left, right = _comparable(left, right)
    if operator == "=":
        return left == right
    if operator == "!=":
        return left != right
    try:
        if operator == "<":
            return bool(left < right)  # type: ignore[operator]
        if operator == "<=":
            return bool(left <= right)  # type: ignore[operator]
        if operator == ">":
            return bool(left > right)  # type: ignore[operator]
        return bool(left >= right)  # type: ignore[operator]
    except TypeError:
        return False
