"""Reading a JSON document of answers that nobody has checked yet (``baom intake submit``).

Python's ``json`` module trusts its input in two ways that a crafted file can turn into a
crash: it recurses once per level of nesting (``RecursionError`` past about a thousand),
and it converts every integer, however long (``ValueError`` past 4,300 digits). Here an
integer too long to be any answer stays its text, so the field's own check refuses it
("enter a whole number"), and a document nested too deep is refused as
:class:`NestedTooDeep`, naming the answer it happened in.
"""

from __future__ import annotations

import json

LONGEST_INTEGER = 30
"""Digits of the longest integer kept as a number (no answer comes near it)."""
DEEPEST = 100
"""Levels of nesting where the top-level key is looked for (an answer needs two at most)."""


class NestedTooDeep(ValueError):
    """The answers nest lists or objects too deep to be read; ``key`` is the top-level key
    whose answer does (``""`` when the document itself is not an object)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the answer {key!r} is nested too deep" if key else "nested too deep")
        self.key = key


def _integer(digits: str) -> int | str:
    return int(digits) if len(digits.lstrip("-")) <= LONGEST_INTEGER else digits


def parse_answers(text: str) -> object:
    """The JSON document ``text``; raises ``json.JSONDecodeError`` or :class:`NestedTooDeep`."""
    try:
        return json.loads(text, parse_int=_integer)
    except RecursionError:
        raise NestedTooDeep(_deep_key(text)) from None


def _deep_key(text: str) -> str:
    """The top-level key in whose answer the nesting first passes :data:`DEEPEST` levels.

    A scan character by character, without recursion: strings are skipped (a bracket in
    a string does not count), and the last string before a ``:`` at the top level is the
    current key.
    """
    depth, key, last_string = 0, "", ""
    in_string, escaped, start = False, False, 0
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string, last_string = False, text[start : position + 1]
        elif char == '"':
            in_string, start = True, position
        elif char in "[{":
            depth += 1
            if depth > DEEPEST:
                return key
        elif char in "]}":
            depth -= 1
        elif char == ":" and depth == 1:
            key = _decoded(last_string)
    return key


def _decoded(string: str) -> str:
    try:
        value = json.loads(string)
    except ValueError:
        return string
    return value if isinstance(value, str) else string
