"""Normalisation: the same text, however it is written, gives the same terms."""

from __future__ import annotations

import pytest

from kiosk.directory.normalise import index_terms, infixes, query_terms, words
from protocol.directory.text import normalise

SAME = [
    ("مستشفى", "مستشفي"),
    ("مستشفى", "مُسْتَشْفَى"),
    ("مدرسة", "مدرسه"),
    ("مدرسة", "مدرســة"),  # tatweel
    ("أحمد", "احمد"),
    ("إدارة", "اداره"),
    ("آية", "ايه"),
    ("santé", "sante"),
    ("école", "ecole"),
    ("ÉCOLE", "ecole"),
    ("Hôpital", "hopital"),
    ("Straße", "strasse"),
    ("ﬁche", "fiche"),  # NFKC ligature
    ("\uff21gadir", "agadir"),  # full-width A
    ("١٢٣", "123"),
]


@pytest.mark.parametrize(("written", "plain"), SAME)
def test_spellings_normalise_to_the_same_text(written: str, plain: str) -> None:
    assert normalise(written) == normalise(plain)


def test_tifinagh_is_kept_as_it_is() -> None:
    assert normalise("ⵜⴰⵍⵉⵡⵉⵏ") == "ⵜⴰⵍⵉⵡⵉⵏ"
    assert words("ⴰⴳⴰⴷⵉⵔ ⵜⵉⵣⵏⵉⵜ") == ["ⴰⴳⴰⴷⵉⵔ", "ⵜⵉⵣⵏⵉⵜ"]


@pytest.mark.parametrize("written", ["المستشفى", "والمستشفى", "بالمستشفى", "مستشفى"])
def test_the_arabic_article_and_proclitics_are_not_indexed(written: str) -> None:
    assert index_terms(written) == ["مستشفي"]
    assert query_terms(written) == ["مستشفي"]


def test_a_word_after_a_one_letter_proclitic_is_indexed_both_ways() -> None:
    assert index_terms("ومدرسة") == ["ومدرسه", "مدرسه"]


def test_stop_words_are_dropped_except_the_word_being_typed() -> None:
    assert index_terms("Centre de santé de la commune") == ["centre", "sante", "commune"]
    assert query_terms("centre de") == ["centre", "de"]
    assert query_terms("مكتب في المدينة") == ["مكتب", "مدينه"]


def test_infixes_are_the_suffixes_of_three_letters_or_more() -> None:
    assert infixes(["hopital"]) == ["opital", "pital", "ital", "tal"]
    assert infixes(["cnss"]) == ["nss"]
