"""The catalog: four languages, none lacking a string that French has."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from kiosk.i18n import Catalog, default_catalog, read_strings
from kiosk.settings import REGISTRY

CATALOG = default_catalog()
LANGUAGES = ("ar", "en", "zgh")


def test_the_four_languages_are_there_in_their_own_scripts() -> None:
    names = {language.code: language.native_name for language in CATALOG.languages}
    assert names == {"fr": "Français", "ar": "العربية", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}
    assert CATALOG.codes[0] == "fr"
    assert [language.code for language in CATALOG.languages if language.right_to_left] == ["ar"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_language_lacks_a_french_string(language: str) -> None:
    assert sorted(CATALOG.missing(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_french(language: str) -> None:
    placeholder = re.compile(r"\{(\w+)\}")
    for key in CATALOG.keys("fr"):
        french = set(placeholder.findall(CATALOG.text("fr", key)))
        translated = set(placeholder.findall(CATALOG.text(language, key)))
        assert translated == french, f"{language}: {key}"


RELIGIONS = frozenset({"مسلم", "مسلمة", "مسلمون", "مسيحي", "مسيحية", "يهودي", "يهودية"})
"""Arabic words of a religion: written without vowels, "مسلم" (handed over) reads "Muslim",
and the software must never seem to record anyone's religion."""


def test_no_arabic_string_reads_as_a_religion() -> None:
    for key in CATALOG.keys("ar"):
        words = set(re.findall(r"[\u0600-\u06FF]+", CATALOG.text("ar", key)))
        assert not words & RELIGIONS, f"ar: {key}: {CATALOG.text('ar', key)}"


def test_every_choice_of_a_setting_has_words() -> None:
    """The desk shows a setting's value in words, never its code (``visitor_only``)."""
    for setting in REGISTRY.values():
        if setting.choices and setting.key != "desk.language":  # languages: their own names
            for choice in setting.choices:
                assert f"setting_choice.{setting.key}.{choice}" in CATALOG.keys("fr")


def test_tamazight_is_written_in_tifinagh() -> None:
    tifinagh = re.compile(r"[\u2D30-\u2D7F]")

    def words(text: str) -> str:
        return re.sub(r"\{\w+\}", "", text)

    untranslated = [
        key
        for key in CATALOG.keys("zgh")
        if not key.startswith(("language.", "declaration."))  # the CNDP's: French or Arabic
        and CATALOG.text("zgh", key) == CATALOG.text("fr", key)
        and re.search(r"[A-Za-z]{3}", words(CATALOG.text("fr", key)))
    ]
    assert untranslated == []
    assert tifinagh.search(CATALOG.text("zgh", "login.refused"))


def test_a_missing_string_falls_back_to_french_then_to_the_key() -> None:
    catalog = Catalog({"fr": {"a": "Bonjour {name}", "b": "B"}, "en": {"b": "Bee"}})
    assert catalog.text("en", "a", name="Aziz") == "Bonjour Aziz"
    assert catalog.text("en", "b") == "Bee"
    assert catalog.text("en", "nothing") == "nothing"
    assert catalog.missing("en") == {"a"}


def test_a_refusal_of_the_core_is_said_in_the_officers_language() -> None:
    from kiosk.cases.referrals import ReferralError

    catalog = default_catalog()
    refusal = ReferralError(
        "english for the command line", "transition", code="K7QX-M4PR", state="done", wanted="sent"
    )
    arabic = catalog.text("ar", "desk.referral.refused", detail=refusal)
    french = catalog.text("fr", "desk.referral.refused", detail=refusal)
    assert "K7QX-M4PR" in arabic and "english" not in arabic
    assert (
        french
        == "Refusé : L'orientation K7QX-M4PR est « done » : elle ne peut pas devenir « sent »."
    )
    plain = catalog.text("fr", "desk.referral.refused", detail=ValueError("no key"))
    assert plain == "Refusé : no key"


def _full_database_error() -> Exception:
    """The real error of SQLAlchemy and SQLite when the database cannot grow."""
    import sqlalchemy as sa

    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE note (text TEXT)")
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO note VALUES (?)", ("x" * 100_000,))
    except sa.exc.OperationalError as error:
        return error
    raise AssertionError("the database grew past its maximum")


def _locked_database_error(folder: Path) -> Exception:
    """The real error of SQLite when another connection holds the write lock."""
    path = folder / "busy.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE note (text TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("INSERT INTO note VALUES ('x')")
    except sqlite3.OperationalError as error:
        return error
    finally:
        other.close()
        holder.close()
    raise AssertionError("the write lock was not held")


def _write_to_a_full_device() -> OSError:
    try:
        with open("/dev/full", "wb", buffering=0) as device:
            device.write(b"draft")
    except OSError as error:
        return error
    raise AssertionError("/dev/full took the bytes")


def test_trouble_with_the_machine_is_said_in_plain_words(tmp_path: Path) -> None:
    catalog = default_catalog()
    full = catalog.text("fr", "desk.intake.save_failed", detail=_full_database_error())
    assert catalog.text("fr", "error.disk_full") in full and "SQL" not in full
    arabic = catalog.text("ar", "desk.intake.save_failed", detail=_write_to_a_full_device())
    assert catalog.text("ar", "error.disk_full") in arabic and "Errno" not in arabic
    busy = catalog.text("en", "desk.case.failed", detail=_locked_database_error(tmp_path))
    assert catalog.text("en", "error.database_busy") in busy and "locked" not in busy
    wrapped = RuntimeError("the draft was not written")
    wrapped.__cause__ = PermissionError(13, "Permission denied")
    assert catalog.text("zgh", "error.read_only") in catalog.text(
        "zgh", "desk.case.failed", detail=wrapped
    )
    assert catalog.text("fr", "desk.case.failed", detail=KeyError("x")).endswith("'x'")


def test_a_database_error_is_said_without_its_statement_and_values() -> None:
    import sqlalchemy as sa

    engine = sa.create_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO person VALUES (?)", ("Aïcha",))
    except sa.exc.OperationalError as error:
        said = default_catalog().text("fr", "desk.case.failed", detail=error)
    assert said.endswith("no such table: person")
    assert "Aïcha" not in said and "INSERT" not in said


def test_the_shipped_catalog_read_from_its_cache_is_the_same() -> None:
    again = Catalog.from_resources()  # the first reading (CATALOG) made the cache

    for language in CATALOG.codes:
        assert again.keys(language) == CATALOG.keys(language)
        assert all(again.text(language, k) == CATALOG.text(language, k) for k in CATALOG.keys())


def test_a_translation_file_changed_since_the_cache_was_made_is_read_again(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "translations"
    folder.mkdir()
    (folder / "fr.toml").write_text('[desk]\ntitle = "Accueil"\n', encoding="utf-8")
    assert read_strings(folder) == {"fr": {"desk.title": "Accueil"}}

    (folder / "fr.toml").write_text('[desk]\ntitle = "Bureau d\'accueil"\n', encoding="utf-8")
    (folder / "en.toml").write_text('[desk]\ntitle = "Front desk"\n', encoding="utf-8")

    assert read_strings(folder) == {
        "en": {"desk.title": "Front desk"},
        "fr": {"desk.title": "Bureau d'accueil"},
    }


def test_two_installed_copies_keep_a_cache_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of the program on one PC (two folders of translations) read alternately:
    neither overwrites the other's parsed catalog, so neither parses at every start."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    for name, title in (("one", "Accueil"), ("two", "Bureau")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "fr.toml").write_text(f'[desk]\ntitle = "{title}"\n', encoding="utf-8")
        assert read_strings(folder) == {"fr": {"desk.title": title}}

    assert len(list(cache.rglob("catalog-*.json"))) == 2
