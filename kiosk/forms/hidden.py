"""Characters that change how a text shows without showing themselves.

A name typed with a right-to-left override (U+202E) shows reversed on the desk: "Diop"
stored as "\\u202epoiD" looks like the real Diop and hides a duplicate from the officer
who compares them. Control characters (NUL, escapes, line breaks in a one-line field)
and lone surrogates (which a JSON file can hold and the database cannot) do the same or
worse. Free text from a visitor or an officer is refused when it holds any of them.

Joiners (U+200C, U+200D) stay allowed: Persian, Arabic and emoji spellings need them.
"""

from __future__ import annotations

import unicodedata

DIRECTION_CONTROLS = frozenset(
    "\u061c"  # Arabic letter mark
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})  # controls, surrogates, separators


def is_hidden(char: str) -> bool:
    """Whether ``char`` is a control, a direction control, a surrogate or a line separator."""
    return char in DIRECTION_CONTROLS or unicodedata.category(char) in _HIDDEN_CATEGORIES


def has_hidden_characters(text: str) -> bool:
    """Whether ``text`` holds any character that :func:`is_hidden`."""
    return any(is_hidden(char) for char in text)
