"""The reasons file: the shipped defaults, an office's own file, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.queue.config import ReasonsError, load_config, parse_config
from kiosk.settings import LANGUAGE_CODES

NEEDED = {
    "pensions_social_security",
    "civil_registration",
    "residence_papers",
    "health",
    "education",
    "employment",
    "legal_aid",
    "other",
}

SMALL = """
[[counter]]
number = 1
labels = { ar = "الشباك 1", fr = "Guichet 1", en = "Counter 1", zgh = "ⴰⵙⵡⵉⵔ 1" }

[[reason]]
key = "health"
prefix = "S"
pictogram = "health"
counters = [1]
target_wait_min = 10
service_min = 5
labels = { ar = "الصحة", fr = "Santé", en = "Health", zgh = "ⵜⴰⴷⵓⵙⵉ" }
"""


def _in_block(text: str, first: int, last: int) -> bool:
    return any(first <= ord(character) <= last for character in text)


def test_the_shipped_reasons_cover_the_needed_keys_in_four_languages() -> None:
    config = load_config(None)
    assert {reason.key for reason in config.reasons} >= NEEDED
    for reason in config.reasons:
        assert set(reason.labels) == set(LANGUAGE_CODES)
        assert _in_block(reason.labels["ar"], 0x0600, 0x06FF), reason.key
        assert _in_block(reason.labels["zgh"], 0x2D30, 0x2D7F), reason.key
        assert reason.pictogram and reason.counters
    assert len({reason.prefix for reason in config.reasons}) == len(config.reasons)
    assert config.served_at(2) == (
        "pensions_social_security",
        "civil_registration",
        "residence_papers",
        "legal_aid",
        "other",
    )


def test_an_office_file_replaces_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "reasons.toml").write_text(SMALL, encoding="utf-8")
    config = load_config(tmp_path)
    assert [reason.key for reason in config.reasons] == ["health"]
    assert config.source == str(tmp_path / "reasons.toml")
    assert config.reason("health").as_json()["labels"]["zgh"] == "ⵜⴰⴷⵓⵙⵉ"


def test_a_file_is_parsed_once_until_it_is_edited(tmp_path: Path) -> None:
    office_file = tmp_path / "reasons.toml"
    office_file.write_text(SMALL, encoding="utf-8")
    first = load_config(tmp_path)
    assert load_config(tmp_path) is first  # the three windows share one reading
    office_file.write_text(SMALL.replace('prefix = "S"', 'prefix = "H"'), encoding="utf-8")
    edited = load_config(tmp_path)
    assert edited.reason("health").prefix == "H"
    office_file.unlink()
    assert load_config(tmp_path).source.startswith("resources/")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('prefix = "S"', 'prefix = "SS"'), r"reason #1 \(health\): prefix must be one capital"),
        (('zgh = "ⵜⴰⴷⵓⵙⵉ"', 'zgh = ""'), r"reason #1 \(health\): labels lack zgh"),
        (("counters = [1]", "counters = [1, 3]"), r"reason 'health': counters \[3\]"),
        (("target_wait_min = 10", 'target_wait_min = "10"'), "target_wait_min must be int"),
        (("service_min = 5\n", ""), r"reason #1 \(health\): service_min is missing"),
        (('key = "health"', 'key = "Health"'), "reason #1: key 'Health' must be lowercase"),
        (("[[counter]]", "[[counter"), "not valid TOML"),
    ],
)
def test_a_wrong_entry_is_named_in_the_error(change: tuple[str, str], message: str) -> None:
    text = SMALL.replace(*change)
    with pytest.raises(ReasonsError, match=message):
        parse_config(text, "office/reasons.toml")


def test_duplicates_and_empty_files_are_refused() -> None:
    twice = SMALL + SMALL.split("[[reason]]")[1].join(["[[reason]]", ""])
    with pytest.raises(ReasonsError, match="reason key 'health' is given twice"):
        parse_config(twice, "x")
    with pytest.raises(ReasonsError, match=r"at least one \[\[counter\]\]"):
        parse_config("", "x")


def test_unknown_reasons_and_counters_are_named() -> None:
    config = parse_config(SMALL, "x")
    with pytest.raises(ReasonsError, match="no reason of visit 'tax'"):
        config.reason("tax")
    with pytest.raises(ReasonsError, match=r"no counter 7 \(known: 1\)"):
        config.served_at(7)
