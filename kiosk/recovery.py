"""The office's recovery key as 12 words, for the recovery sheet and ``baom office restore``.

The recovery key (16 random bytes in ``office_key``, see ``db.office_key``) is what the office
data key derives from: with it, the office's sealed copy at the region can be opened again
on a new PC. People copy it as 12 words of the BIP-39 English list (package ``mnemonic``):
the last word carries a checksum, so a wrong or swapped word is caught, and every word is
known by its first 4 letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from mnemonic import Mnemonic

from db.office_key import read_recovery_key
from db.store import Store
from protocol.privacy import RECOVERY_KEY_BYTES

WORD_COUNT = 12
PREFIX_LETTERS = 4
_SEPARATORS = re.compile(r"[\s,;]+")
_AROUND_A_WORD = re.compile(r"^[\W\d_]+|[\W\d_]+$")
"""Numbering and punctuation before or after a word: "1.", "(2)", "3)"."""


class RecoveryKeyError(Exception):
    """The recovery key cannot be read or written as words; the message says why."""


@dataclass(frozen=True)
class RecoverySheet:
    """What a recovery sheet shows: the office, the day it was printed, the key's words."""

    office_name: str
    commune: str
    printed_on: date
    words: tuple[str, ...]


SheetWriter = Callable[[RecoverySheet, Path], None]
"""Writes a sheet as a PDF file (``printing.recovery_sheet``, handed in by ``ui.main``)."""


@cache
def _mnemonic() -> Mnemonic:
    return Mnemonic("english")


@cache
def _by_prefix() -> dict[str, str]:
    """Every word of the list under its first 4 letters (unique in BIP-39)."""
    return {word[:PREFIX_LETTERS]: word for word in _mnemonic().wordlist}


def words(key: bytes) -> list[str]:
    """The 12 words of a 16-byte recovery key."""
    if len(key) != RECOVERY_KEY_BYTES:
        raise RecoveryKeyError(f"a recovery key has {RECOVERY_KEY_BYTES} bytes, not {len(key)}")
    return str(_mnemonic().to_mnemonic(key)).split(" ")


def _word(token: str, position: int) -> str:
    """The list's word that ``token`` is, or starts with at least 4 letters."""
    found = _by_prefix().get(token[:PREFIX_LETTERS], "")
    if token == found or (len(token) >= PREFIX_LETTERS and found.startswith(token)):
        return found
    raise RecoveryKeyError(
        f"word {position}, {token!r}, is not one of the words of a recovery sheet"
    )


def parse_words(text: str) -> bytes:
    """The recovery key that ``text`` spells: 12 words, in any case, separated by spaces,
    line breaks or commas, numbered or not ("1. abandon 2. ability"), each whole or by its
    first 4 letters. :class:`RecoveryKeyError` names what is wrong."""
    tokens = _SEPARATORS.split(unicodedata.normalize("NFKC", text).casefold())
    tokens = [_AROUND_A_WORD.sub("", token) for token in tokens]
    given = [_word(token, position) for position, token in enumerate(filter(None, tokens), 1)]
    if len(given) != WORD_COUNT:
        raise RecoveryKeyError(
            f"a recovery key has {WORD_COUNT} words, but {len(given)} were given"
        )
    try:
        return bytes(_mnemonic().to_entropy(given))
    except ValueError:
        raise RecoveryKeyError(
            "these 12 words are not a recovery key: a word is wrong or two are swapped"
        ) from None


def office_recovery_key(store: Store) -> bytes:
    """This office's recovery key, read from its database."""
    with store.session() as session:
        key = read_recovery_key(session)
    if key is None:
        raise RecoveryKeyError(
            "this office's database has no recovery key yet: run 'baom db upgrade'"
        )
    return key
