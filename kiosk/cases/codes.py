"""Codes that people read aloud and type, and the tokens that nobody should guess."""

from __future__ import annotations

import secrets
import uuid

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud, typed


class CodeError(ValueError):
    """A text that is not a code of the office."""


def _group(letters: str) -> str:
    return "-".join(letters[index : index + 4] for index in range(0, len(letters), 4))


def random_letters(count: int) -> str:
    """``count`` letters of the code alphabet, drawn by a cryptographic generator."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(count))


def new_referral_code() -> str:
    """A referral code such as ``K7QX-M4PR``: 31^8 (about 850 billion) possibilities."""
    return _group(random_letters(8))


def new_case_code() -> str:
    """A case code such as ``C-7KQ3M9``."""
    return f"C-{random_letters(6)}"


def new_token() -> str:
    """The unguessable part of a counter-referral link (192 random bits)."""
    return secrets.token_urlsafe(24)


def normalise_code(text: str) -> str:
    """A typed code in its printed form: upper case, dashes where printed.

    Spaces and dashes may be left out or misplaced; a letter outside the alphabet (0, O, 1,
    I, L) is refused, since no code holds one.
    """
    letters = "".join(text.upper().split()).replace("-", "")
    if letters.startswith("C") and len(letters) == 7:
        body, prefix = letters[1:], "C-"
    else:
        body, prefix = letters, ""
    if not body or any(letter not in CODE_ALPHABET for letter in body):
        raise CodeError(
            f"{text!r} is not a code: codes use the letters and digits {CODE_ALPHABET} "
            "(never 0, O, 1, I or L)"
        )
    return prefix + body if prefix else _group(body)


def id_or_code(text: str) -> uuid.UUID | str:
    """A typed reference as an id, or else as a code in its printed form (:class:`CodeError`
    when it is neither)."""
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return normalise_code(text)
