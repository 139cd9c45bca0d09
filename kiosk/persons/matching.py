# ruff: noqa: RUF001, RUF002, RUF003 (Arabic and Tifinagh letters are meant)
"""Matching persons' names across scripts (Arabic, Tifinagh, Latin) and spellings.

Every name word becomes a phonetic *skeleton key*, the same for "محمد", "Mohamed",
"Mohammed", "Muhammad" and "ⵎⵓⵃⵎⵎⴷ" (``mhmt``):

* the text is folded by the directory's :func:`~protocol.directory.text.normalise` (case,
  Latin diacritics, Arabic letter variants and harakat); ة and ى are read as the vowel "a"
  first, and letters of other scripts are transliterated with anyascii;
* Arabic and Tifinagh letters are read through small consonant tables of this module
  (anyascii drops the Arabic vowels' role and reads ة as "h"); Latin spellings through a
  few digraph rules: kh → x (خ), gh → g (غ), ch/sh → c (ش), dj → j, ph → f, th/dh before
  a consonant → t, q/ck → k, c before e/i/y → s, otherwise k, p → b, v → f, x → ks;
* d and t are one consonant (Fatima = Fadma, ط is ḍ in Tachelhit); ح and ه are both h,
  خ is x, so Khadija ≠ Hadja;
* vowels are dropped, except a leading one, kept as ``a``: Ahmed is ``ahmt``, Mohamed
  ``mhmt``; y and w are consonants only at the start of a word (Youssef, Walid, and a
  leading "ou" before a vowel: Ouafae = Wafae), elsewhere they are vowels, as و and ي
  are inside an Arabic word;
* doubled consonants count once (Hassan = Hasan), a final h after two consonants is
  dropped (Aminah = Amina, Salah = صلاح);
* articles go: "El Houssaine", "Lhoussain", "Elhoussaine" and الحسين are ``hsn``; sun
  letter forms "Es Saadi", "Essaadi" are ``st``; an "Abd" compound is one word whatever
  its spelling: "Abd el Rahman", "Abdel Rahman", "Abderrahmane", "Abdurrahman" and
  عبد الرحمن are all ``abtrhmn``.

The key is deliberately forgiving: names differing only by vowels share it (Hassan and
Houssaine, Mohamed and Mahmoud, Amina and Imane), because Arabic script does not write
short vowels. :func:`name_similarity` tells them apart with the vowels that each spelling
does write (it compares vowel classes a / i / u between the consonants, "e" being any
vowel, and an unwritten Arabic or Tifinagh vowel being unknown).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from kiosk.directory.normalise import strip_article
from protocol.directory.text import normalise

__all__ = ["LIKELY_SAME", "name_keys", "name_similarity", "search_terms"]

_LATIN, _ARABIC_SCRIPT, _TIFINAGH_SCRIPT = "latin", "arabic", "tifinagh"
_LONGEST_WORD = 48  # letters of a word that are read; names are much shorter
_MOST_WORDS = 12  # words of a name compared by name_similarity
LIKELY_SAME = 0.85
"""The :func:`name_similarity` from which two names are likely the same."""

# ة and ى are the vowel "a" at the end of names (فاطمة, ليلى): read them so before the
# directory's normalisation turns them into ه and ي.
_VOWEL_LETTERS = str.maketrans({"\u0629": "\u0627", "\u0649": "\u0627"})
_ALEF_TEH, _ALEF_T = "\u0627\u0629", "\u0627\u062a"  # اة is read "at": نجاة Najat, حياة Hayat
_ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06d5\u06fa-\u06fc\u06ff\u0750-\u077f"
_TIFINAGH_LETTERS = "\u2d30-\u2d6f"
_WORDS = re.compile(f"[a-z]+|[{_ARABIC_LETTERS}]+|[{_TIFINAGH_LETTERS}]+")
_OTHER_SCRIPTS = re.compile(
    f"[^\\x00-\\x7f\\u0600-\\u06ff\\u0750-\\u077f\\u08a0-\\u08ff{_TIFINAGH_LETTERS}]+"
)

# Units: consonants are lower-case letters, vowels upper-case: A, I, U, and E for a vowel
# of unknown class (Latin e, Arabic ع and ء, a leading Arabic alef).
_ARABIC: dict[str, str] = {
    "\u0627": "A",  # ا
    "\u0671": "A",  # ٱ
    "\u0621": "E",  # ء
    "\u0639": "E",  # ع
    "\u0648": "U",  # و (w at the start of a word)
    "\u064a": "I",  # ي (y at the start of a word)
    "\u06cc": "I",  # ی
    "\u0628": "b",  # ب
    "\u067e": "b",  # پ
    "\u062a": "t",  # ت
    "\u062b": "t",  # ث
    "\u062c": "j",  # ج
    "\u0686": "c",  # چ
    "\u062d": "h",  # ح
    "\u062e": "x",  # خ
    "\u062f": "t",  # د
    "\u0630": "t",  # ذ
    "\u0631": "r",  # ر
    "\u0632": "z",  # ز
    "\u0698": "j",  # ژ
    "\u0633": "s",  # س
    "\u0634": "c",  # ش
    "\u0635": "s",  # ص
    "\u0636": "t",  # ض
    "\u0637": "t",  # ط
    "\u0638": "t",  # ظ
    "\u063a": "g",  # غ
    "\u0641": "f",  # ف
    "\u06a4": "f",  # ڤ
    "\u0642": "k",  # ق
    "\u0643": "k",  # ك
    "\u06a9": "k",  # ک
    "\u06af": "g",  # گ
    "\u06ad": "g",  # ڭ
    "\u0644": "l",  # ل
    "\u0645": "m",  # م
    "\u0646": "n",  # ن
    "\u0647": "h",  # ه
    "\u06c1": "h",  # ہ
}
_TIFINAGH: dict[str, str] = {
    **dict.fromkeys("ⴰ", "A"),
    **dict.fromkeys("ⴻⵄ", "E"),
    **dict.fromkeys("ⵉ", "I"),
    **dict.fromkeys("ⵓⵧ", "U"),
    **dict.fromkeys("ⵡ", "U"),  # w at the start of a word
    **dict.fromkeys("ⵢⵤ", "I"),  # y at the start of a word
    **dict.fromkeys("ⴱⴲⵒ", "b"),
    **dict.fromkeys("ⴳⴴⵖⵗⵘ", "g"),
    **dict.fromkeys("ⴵⴶⵊⵋⵌ", "j"),
    **dict.fromkeys("ⴷⴸⴹⴺⵜⵝⵟ", "t"),
    **dict.fromkeys("ⴼⵠ", "f"),
    **dict.fromkeys("ⴽⴾⴿⵇⵈ", "k"),
    **dict.fromkeys("ⵀⵁⵂⵃ", "h"),
    **dict.fromkeys("ⵅⵆ", "x"),
    **dict.fromkeys("ⵍ", "l"),
    **dict.fromkeys("ⵎ", "m"),
    **dict.fromkeys("ⵏⵐⵑ", "n"),
    **dict.fromkeys("ⵔⵕ", "r"),
    **dict.fromkeys("ⵙⵚ", "s"),
    **dict.fromkeys("ⵛⵞ", "c"),
    **dict.fromkeys("ⵣⵥ", "z"),
}
_INITIAL = {  # a leading و ي ⵡ ⵢ is a consonant
    **dict.fromkeys("\u0648\u2d61", "w"),
    **dict.fromkeys("\u064a\u06cc\u2d62\u2d64", "y"),
}
_ARABIC_ABD = "\u0639\u0628\u062f"  # عبد
_ARABIC_ARTICLE = "\u0627\u0644"  # ال

_LATIN_VOWELS = frozenset("aeiouy")
_LATIN_SIMPLE = {"b": "b", "f": "f", "h": "h", "j": "j", "l": "l", "m": "m", "n": "n"}
_LATIN_SIMPLE |= {"r": "r", "s": "s", "z": "z", "v": "f", "x": "ks", "g": "g", "k": "k"}
_LATIN_SIMPLE |= {"a": "A", "e": "E", "i": "I", "o": "U", "u": "U", "y": "I", "w": "U"}
_LATIN_SIMPLE |= {"p": "b", "q": "k", "c": "k", "d": "t", "t": "t"}

_ARTICLES = frozenset({"el", "al", "ul", "l"})
_SUN_ARTICLE = re.compile(r"[ae](ch|sh|[dnrstz])")
_ABD_PREFIX = re.compile(r"abd(?:(?:ou|[aeiou])(?:ch|sh|[dlnrstz]))?")
_ABD_ARTICLE = re.compile(r"(?:ou|[aeiou])l")
_ABD_ASSIMILATED = re.compile(r"(?:ou|[aeiou])(?=([b-df-hj-np-tv-z])\1)")
_ABD_LINK = re.compile(r"(?:ou|[aeiou])(?=[b-df-hj-np-tv-z][aeiouy])")
_NOT_GLUED_ARTICLE = ("elham", "alham")
_PREFIX_UNSAFE = frozenset("ckdp")  # a last letter whose reading changes with the next one


@dataclass(frozen=True, slots=True)
class _Word:
    """One name word: its key, and the vowels between its consonants."""

    key: str
    units: str
    slots: tuple[str, ...]  # vowel classes before each consonant and after the last
    script: str  # "latin", "arabic" or "tifinagh": the last two do not write every vowel
    vocal: str  # the word with its vowel classes, for similarity when keys differ


# --- reading words -------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _latin_units(word: str) -> str:
    """Units of a Latin word (lower-case a-z) read with the digraph rules."""
    units: list[str] = []
    length = len(word)
    index = 0
    while index < length:
        letter = word[index]
        following = word[index + 1] if index + 1 < length else ""
        after = word[index + 2] if index + 2 < length else ""
        step = 1
        if index == 0 and letter in "yw":
            unit = letter
        elif index == 0 and letter == "o" and following == "u" and after in _LATIN_VOWELS:
            unit, step = "w", 2
        elif following == "h" and letter in "cskgp":
            unit, step = {"c": "c", "s": "c", "k": "x", "g": "g", "p": "f"}[letter], 2
        elif following == "h" and letter in "td" and after not in _LATIN_VOWELS:
            unit, step = "t", 2
        elif letter == "d" and following == "j":
            unit, step = "j", 2
        elif letter == "c":
            unit = "s" if following in ("e", "i", "y") else "k"
        elif letter == "q" and following == "u" and after in _LATIN_VOWELS:
            unit, step = "k", 2
        else:
            unit = _LATIN_SIMPLE.get(letter, "")
        units.append(unit)
        index += step
    return "".join(units)


def _script_units(word: str, table: dict[str, str]) -> str:
    """Units of an Arabic or Tifinagh word, read through its letter table."""
    units = [table.get(letter, "") for letter in word]
    if word[0] in _INITIAL:
        units[0] = _INITIAL[word[0]]
    elif units[0] == "A":
        units[0] = "E"  # a leading alef: أ, إ or آ, the vowel is unknown
    return "".join(units)


def _strip_latin_article(word: str) -> str:
    """A Latin word without an article glued to it (Lhoussain, Elhoussaine, Essaadi)."""
    if len(word) >= 3 and word[0] == "l" and word[1] not in _LATIN_VOWELS:
        return word[1:]
    if len(word) > 4 and word[1:3] == "lh" and word[0] in "ae":
        if not word.startswith(_NOT_GLUED_ARTICLE):
            return word[2:]
    if len(word) >= 5 and word[0] == "e" and word[1] == word[2] and word[1] not in _LATIN_VOWELS:
        return word[1:]
    return word


def _abd_rest(rest: str) -> str:
    """The second word of a Latin "Abd" compound, without its article or linking vowel."""
    for pattern in (_ABD_ARTICLE, _ABD_ASSIMILATED, _ABD_LINK):
        found = pattern.match(rest)
        if found:
            return rest[found.end() :]
    return rest


def _is_article(words: tuple[str, ...], index: int) -> bool:
    """Whether the Latin word at ``index`` is an article of the word after it."""
    if index + 1 >= len(words):
        return False
    word = words[index]
    if word in _ARTICLES:
        return True
    sun = _SUN_ARTICLE.fullmatch(word)
    return sun is not None and words[index + 1].startswith(sun.group(1))


def _word_units(words: tuple[str, ...]) -> list[tuple[str, str]]:
    """Units of each name word (articles dropped, "Abd" compounds joined), and its script."""
    found: list[tuple[str, str]] = []
    index = 0
    count = len(words)
    while index < count:
        word = words[index][:_LONGEST_WORD]
        index += 1
        first = word[0]
        if first.isascii():
            if _is_article(words, index - 1):
                continue
            if _ABD_PREFIX.fullmatch(word) and index < count and words[index][0].isascii():
                rest = word[3:] + words[index]
                index += 1
                if _is_article(words, index - 1) and index < count:
                    rest += words[index]
                    index += 1
                found.append(("Ebt" + _latin_units(_abd_rest(rest)), _LATIN))
            elif word.startswith("abd"):
                found.append(("Ebt" + _latin_units(_abd_rest(word[3:])), _LATIN))
            else:
                found.append((_latin_units(_strip_latin_article(word)), _LATIN))
        elif "\u2d30" <= first <= "\u2d7f":
            found.append((_script_units(word, _TIFINAGH), _TIFINAGH_SCRIPT))
        else:
            if word == _ARABIC_ABD and index < count and not words[index][0].isascii():
                word += strip_article(words[index][:_LONGEST_WORD])
                index += 1
            elif word.startswith(_ARABIC_ABD + _ARABIC_ARTICLE) and len(word) > 5:
                word = _ARABIC_ABD + strip_article(word[3:])
            else:
                word = strip_article(word)
            if word.startswith(_ARABIC_ABD) and len(word) > 3:
                units = "Ebt" + _script_units(word[3:], _ARABIC)
            else:
                units = _script_units(word, _ARABIC)
            found.append((units, _ARABIC_SCRIPT))
    return found


def _vowel_class(group: str, script: str) -> str:
    """The vowels of a run of vowel units, in order and without repeats: "" none, "E" an
    unknown vowel, else a sequence of A, I, U. Latin and Tifinagh drop E from a longer
    run, and a Latin "ai", "ay", "ei" is the diphthong I, "ee" is I; Arabic keeps its E
    (ع, ء), whose presence is a difference between two Arabic spellings."""
    if not group:
        return ""
    if script == _LATIN and group == "EE":
        return "I"
    known = "".join(
        unit
        for index, unit in enumerate(group)
        if (unit != "E" or script == _ARABIC_SCRIPT) and (index == 0 or unit != group[index - 1])
    )
    if script == _LATIN and known == "AI":
        known = "I"
    return known or "E"


@lru_cache(maxsize=16384)
def _finish(raw_units: str, script: str) -> _Word:
    """A word from its units: doubles collapsed, a final h dropped, key and slots."""
    dropped_h = False
    units: list[str] = []
    for unit in raw_units:
        if units and unit == units[-1] and unit.islower():
            continue
        units.append(unit)
    if len(units) > 2 and units[-1] == "h":
        before = [unit for unit in units[:-1] if unit.islower()]
        if len(before) + (not units[0].islower()) >= 2:
            units.pop()
            dropped_h = True
    groups = [""]
    consonants: list[str] = []
    for unit in units:
        if unit.islower():
            consonants.append(unit)
            groups.append("")
        else:
            groups[-1] += unit
    slots = [_vowel_class(group, script) for group in groups]
    if script == _LATIN and slots[-1] == "E":
        slots[-1] = ""  # a final Latin e is silent: Abderrahmane, Houcine, Amine
    elif script != _LATIN and dropped_h and not slots[-1]:
        slots[-1] = "E"  # عبد الله: an unwritten vowel before the final h
    key = ("a" if slots[0] else "") + "".join(consonants)
    pairs = zip(slots[:-1], consonants, strict=True)
    vocal = "".join(slot.lower() + consonant for slot, consonant in pairs)
    return _Word(key, "".join(units), tuple(slots), script, vocal + slots[-1].lower())


def _fold(text: str) -> str:
    """``text`` folded by the directory's normalisation, other scripts transliterated."""
    folded = normalise(text.replace(_ALEF_TEH, _ALEF_T).translate(_VOWEL_LETTERS))
    if not folded.isascii():
        folded = _OTHER_SCRIPTS.sub(_transliterate, folded)
    return folded


def _transliterate(found: re.Match[str]) -> str:
    """Letters of scripts without a table of this module, in Latin; the rest a space."""
    return "".join(
        anyascii(letter).lower() if unicodedata.category(letter)[0] in "LM" else " "
        for letter in found.group()
    )


@lru_cache(maxsize=8192)
def _words(words: tuple[str, ...]) -> tuple[_Word, ...]:
    """The name words of normalised ``words``."""
    read = (_finish(units, script) for units, script in _word_units(words))
    return tuple(word for word in read if word.key)


@lru_cache(maxsize=8192)
def _name(text: str) -> tuple[_Word, ...]:
    """The name words of ``text``."""
    return _words(tuple(_WORDS.findall(_fold(text))))


def _keys(words: tuple[_Word, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word.key for word in words if word.key))


# --- public functions ----------------------------------------------------------------


def name_keys(text: str) -> tuple[str, ...]:
    """The skeleton key of each word of the name ``text``, in order, without repeats.

    Articles are not words of their own ("El Houssaine" is one word), an "Abd" compound is
    one word ("Abd el Rahman"); digits, punctuation and symbols are ignored. Empty when
    ``text`` has no letters. See the module docstring for the key.
    """
    return _keys(_name(text))


def search_terms(query: str) -> tuple[str, ...]:
    """The keys of the words of a search ``query``, as :func:`name_keys` gives them.

    The last word may still be being typed: search should match its key as a *prefix* of
    the keys of stored names (the others exactly). The key of a prefix of a word is a prefix
    of the word's key whenever the letters typed so far read the same in the full word; to
    keep it so, a last Latin letter whose reading depends on the next one (c, k, d, p: ch,
    kh, dj, ph) is left out, and an Arabic article being typed (ال, الح) is dropped.
    """
    words = list(_WORDS.findall(_fold(query)))
    if words:
        last = words[-1]
        if last.isascii() and len(last) > 1 and last[-1] in _PREFIX_UNSAFE:
            words[-1] = last[:-1]
        elif last.startswith(_ARABIC_ARTICLE) and len(last) <= 3:
            words[-1] = last[2:]
        if not words[-1]:
            words.pop()
    return _keys(_words(tuple(words)))


def _jaro_winkler(first: str, second: str) -> float:
    """The Jaro-Winkler similarity of two short strings, 0..1."""
    if first == second:
        return 1.0
    length_1, length_2 = len(first), len(second)
    if not length_1 or not length_2:
        return 0.0
    window = max(max(length_1, length_2) // 2 - 1, 0)
    used = [False] * length_2
    matched_1: list[str] = []
    for index, letter in enumerate(first):
        for other in range(max(0, index - window), min(index + window + 1, length_2)):
            if not used[other] and second[other] == letter:
                used[other] = True
                matched_1.append(letter)
                break
    matches = len(matched_1)
    if not matches:
        return 0.0
    matched_2 = [letter for letter, taken in zip(second, used, strict=True) if taken]
    half_transpositions = sum(a != b for a, b in zip(matched_1, matched_2, strict=True))
    jaro = (
        matches / length_1 + matches / length_2 + (matches - half_transpositions / 2) / matches
    ) / 3
    prefix = 0
    for letter_1, letter_2 in zip(first[:4], second[:4], strict=False):
        if letter_1 != letter_2:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def _slot_cost(first: str, second: str, medial: bool, scripts: tuple[str, str]) -> float:
    """How much two vowel slots of words with the same key disagree, 0 to 1.

    "E" is any vowel. Against a Latin or Tifinagh spelling, an empty Arabic slot between
    consonants is unknown (short vowels are not written), a written one must share a class
    with the other's vowels, and must not meet a lone "e" (a short vowel: محمود is not
    Mohamed); Tifinagh does not write the schwa either. Two Arabic spellings must write the
    same vowels.
    """
    if first == second:
        return 0.0
    arabic_1, arabic_2 = (script == _ARABIC_SCRIPT for script in scripts)
    if arabic_1 and arabic_2:
        return 1.0
    if arabic_1 or arabic_2:
        written, arabic = (second, first) if arabic_1 else (first, second)
        if not arabic:
            return 0.0 if medial or not written else 0.5
        if arabic == "E":
            return 0.0
        if written == "E":
            return 1.0 if medial else 0.0
        if not written:
            return 0.5
        return 0.0 if set(written) & set(arabic) else 1.0
    if first == "E" or second == "E":
        return 0.0
    if not first or not second:
        empty_script = scripts[0] if not first else scripts[1]
        return 0.0 if medial and empty_script == _TIFINAGH_SCRIPT else 0.5
    if _is_subsequence(first, second) or _is_subsequence(second, first):
        return 0.5
    return 1.0


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(letter in letters for letter in short)


def _word_similarity(first: _Word, second: _Word) -> float:
    """0..1 for two name words; at least 0.85 only when their keys are the same."""
    if first.key == second.key:
        if first.slots == second.slots:
            return 1.0
        last = len(first.slots) - 1
        scripts = (first.script, second.script)
        cost = 0.0
        for position, (slot_1, slot_2) in enumerate(zip(first.slots, second.slots, strict=True)):
            cost += _slot_cost(slot_1, slot_2, 0 < position < last, scripts)
            if position == last and bool(slot_1) != bool(slot_2) and "E" not in (slot_1, slot_2):
                cost += 0.5  # a final vowel against none: Amina and Amin, Hakima and Hakim
        return max(0.3, 1.0 - 0.2 * cost)
    keys = _jaro_winkler(first.key, second.key)
    return 0.8 * (0.7 * keys + 0.3 * _jaro_winkler(first.vocal, second.vocal))


def _aligned(first: tuple[_Word, ...], second: tuple[_Word, ...]) -> float:
    """Best one-to-one pairing of the words of two names, in any order (Dice-like)."""
    pairs = sorted(
        (
            (_word_similarity(word_1, word_2), index_1, index_2)
            for index_1, word_1 in enumerate(first)
            for index_2, word_2 in enumerate(second)
        ),
        reverse=True,
    )
    taken_1: set[int] = set()
    taken_2: set[int] = set()
    total = 0.0
    for score, index_1, index_2 in pairs:
        if index_1 in taken_1 or index_2 in taken_2:
            continue
        taken_1.add(index_1)
        taken_2.add(index_2)
        total += score
    return 2 * total / (len(first) + len(second))


def _glued(words: tuple[_Word, ...]) -> _Word:
    """All the words of a name read as one (Fatimazahra)."""
    scripts = {word.script for word in words}
    return _finish(
        "".join(word.units for word in words), scripts.pop() if len(scripts) == 1 else ""
    )


def name_similarity(a: str, b: str) -> float:
    """A 0..1 score of how likely two full names are the same name, across scripts.

    Words are paired in any order ("Alami Mohamed" = "Mohamed Alami"); a word's score is
    high only when both have the same key, lowered for each vowel the two spellings write
    differently (Hassan against Houssaine); missing words lower the score. A score of 0.85
    or more means "likely the same name". 0 when either name has no letters.
    """
    first = _name(a)[:_MOST_WORDS]
    second = _name(b)[:_MOST_WORDS]
    if not first or not second:
        return 0.0
    if len(first) == 1 and len(second) == 1:
        return _word_similarity(first[0], second[0])
    score = _aligned(first, second)
    if len(first) != len(second) and score < 1.0:
        score = max(score, 0.95 * _word_similarity(_glued(first), _glued(second)))
    return score
