"""The recovery key as 12 words: back and forth, forgiving how people copy them, and
clear about what is wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.office_key import read_recovery_key
from kiosk.office import OfficeContext
from kiosk.recovery import RecoveryKeyError, office_recovery_key, parse_words, words
from protocol.privacy import RECOVERY_KEY_BYTES

KEY = bytes(range(16))
KEY_WORDS = words(KEY)

keys = st.binary(min_size=RECOVERY_KEY_BYTES, max_size=RECOVERY_KEY_BYTES)


@given(keys)
def test_a_key_comes_back_from_its_twelve_words(key: bytes) -> None:
    spelled = words(key)
    assert len(spelled) == 12
    assert parse_words(" ".join(spelled)) == key


@given(keys)
def test_a_key_comes_back_from_its_words_copied_by_hand(key: bytes) -> None:
    spelled = words(key)
    copied = "\n".join(
        f"{number}. {word[:4].upper() if number % 2 else word.title()}," + "  "
        for number, word in enumerate(spelled, 1)
    )
    assert parse_words(copied) == key


def test_the_words_are_the_bip39_ones() -> None:
    """The BIP-39 test vector for 16 bytes of zeros (other tools read the same words)."""
    assert words(bytes(16)) == ["abandon"] * 11 + ["about"]


@pytest.mark.parametrize(
    "text",
    [
        "1. abandon 2. abandon 3. abandon 4. abandon 5. abandon 6. abandon\n"
        "7. abandon 8. abandon 9. abandon 10. abandon 11. abandon 12. about",
        "ABANDON, abandon,abandon; aband abandon abandon abandon abandon abandon abandon "
        "abandon abou",
        "(1) aban (2) aban 3) aban 4-aban 5:aban 6 aban 7 aban 8 aban 9 aban 10 aban "
        "11 aban 12 abou.",
    ],
)
def test_numbering_punctuation_case_and_short_words_are_forgiven(text: str) -> None:
    assert parse_words(text) == bytes(16)


@pytest.mark.parametrize("count", [11, 13])
def test_a_wrong_count_says_how_many_were_given(count: int) -> None:
    with pytest.raises(RecoveryKeyError, match=f"12 words, but {count} were given"):
        parse_words(" ".join((KEY_WORDS * 2)[:count]))


def test_an_unknown_word_is_named_with_its_position() -> None:
    typed = [*KEY_WORDS[:4], "zebre", *KEY_WORDS[5:]]
    with pytest.raises(RecoveryKeyError, match=r"word 5, 'zebre', is not one of the words"):
        parse_words(" ".join(typed))


@pytest.mark.parametrize("token", ["ab", "abandonx", "aba"])
def test_a_prefix_shorter_than_four_letters_or_a_longer_word_is_unknown(token: str) -> None:
    with pytest.raises(RecoveryKeyError, match=f"word 1, '{token}'"):
        parse_words(" ".join([token, *KEY_WORDS[1:]]))


def test_two_swapped_words_fail_the_checksum() -> None:
    swapped = [KEY_WORDS[1], KEY_WORDS[0], *KEY_WORDS[2:]]
    assert swapped != KEY_WORDS
    with pytest.raises(RecoveryKeyError, match="a word is wrong or two are swapped"):
        parse_words(" ".join(swapped))


def test_a_key_of_the_wrong_length_has_no_words() -> None:
    with pytest.raises(RecoveryKeyError, match="16 bytes"):
        words(bytes(15))


def test_the_office_key_is_read_from_its_database(office: OfficeContext) -> None:
    with office.store.session() as session:
        stored = read_recovery_key(session)
    assert stored is not None and len(stored) == RECOVERY_KEY_BYTES
    assert office_recovery_key(office.store) == stored
