"""Text normalisation for directory search, the same when indexing and when searching.

Text is folded by :func:`protocol.directory.text.normalise` (Unicode NFKC and case folding;
Latin diacritics removed; Arabic letters normalised; Tifinagh kept as it is). Arabic words
lose the definite article and a proclitic before it (المستشفى, والمستشفى → مستشفي), and
words after a one-letter proclitic are also indexed without it, so that the article does
not make every Arabic word start with the same two letters (SEARCH-NOTES.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

from protocol.directory.text import normalise

_WORD = re.compile(r"\w+")
_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
_PROCLITICS = frozenset("وفبكل")
_MIN_STEM = 2

STOP_WORDS = frozenset(
    {
        # French
        *"a au aux avec ce d de des du en et l la le les ou par pour sur un une".split(),
        # English
        *"an and at by for from in of on or the to with".split(),
        # Arabic, already normalised (إلى → الي, على → علي)
        *"في من الي علي عن مع و او ثم".split(),
    }
)


def words(text: str) -> list[str]:
    """The normalised words of ``text``, in order, punctuation dropped."""
    return _WORD.findall(normalise(text))


def strip_article(word: str) -> str:
    """An Arabic word without its definite article (and a proclitic before it)."""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= _MIN_STEM:
            return word[len(article) :]
    return word


def index_terms(text: str) -> list[str]:
    """The terms under which ``text`` is indexed: stems, and stems without a proclitic."""
    terms: list[str] = []
    for word in words(text):
        if word in STOP_WORDS:
            continue
        stem = strip_article(word)
        terms.append(stem)
        if stem == word and word[0] in _PROCLITICS and len(word) > _MIN_STEM + 2:
            terms.append(word[1:])
    return terms


def query_terms(text: str) -> list[str]:
    """The terms of a query, as typed: stop words dropped except the last (still typed)."""
    found = words(text)
    return [
        strip_article(word)
        for position, word in enumerate(found)
        if word not in STOP_WORDS or position == len(found) - 1
    ]


def infixes(terms: list[str], shortest: int = 3) -> list[str]:
    """Every proper suffix of at least ``shortest`` letters: a prefix search on these is a
    substring search on the terms."""
    return [
        term[start:]
        for term in dict.fromkeys(terms)
        for start in range(1, len(term) - shortest + 1)
    ]


@lru_cache(maxsize=4096)
def facet(kind: str, value: str) -> str:
    """A filter token such as ``cat_health`` or ``commune_ait_baha``."""
    return f"{kind}_{'_'.join(words(value))}"
