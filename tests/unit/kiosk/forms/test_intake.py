"""The shipped intake form: each relevance and constraint rule, on both sides."""

from __future__ import annotations

import datetime

import pytest

from kiosk.forms import FormDefinition, is_relevant, validate_answers, validate_one

PERSONAL = (
    "person.given_name",
    "person.family_name",
    "person.given_name_ar",
    "person.family_name_ar",
    "person.birth_year",
    "person.nationality",
    "person.commune",
    "person.phone",
    "person.language",
    "person.minor_caregiver",
    "person.disability",
    "household.size",
    "notes",
)
THIS_YEAR = datetime.date.today().year
Answers = dict[str, object]


def errors(form: FormDefinition, answers: Answers, lang: str = "fr") -> dict[str, str]:
    return {error.field: error.message for error in validate_answers(form, answers, lang).errors}


def test_a_complete_intake_is_valid_and_typed(form: FormDefinition, answers: Answers) -> None:
    result = validate_answers(form, answers)
    assert result.ok, result.errors
    assert not result.anonymous
    assert result.values["consent.record"] is True
    assert result.values["consent.stats"] is False
    assert result.values["person.birth_year"] == 1990
    assert result.values["person.phone"] == "+212612345678"
    assert result.values["needs"] == ["civil_registration", "education"]
    assert (result.form_id, result.form_version) == (form.id, form.version)


def test_an_anonymous_contact_keeps_only_statistics(
    form: FormDefinition, anonymous_answers: Answers
) -> None:
    result = validate_answers(form, anonymous_answers)
    assert result.ok, result.errors
    assert result.anonymous
    assert set(result.values) == {
        "consent.record",
        "person.category",
        "person.sex",
        "person.age_band",
        "needs",
    }


@pytest.mark.parametrize("key", ["consent.share", "consent.stats", "consent.method"])
def test_consent_scope_is_asked_only_with_a_record(form: FormDefinition, key: str) -> None:
    assert is_relevant(form, key, {"consent.record": True})
    assert not is_relevant(form, key, {"consent.record": False})
    assert not is_relevant(form, key, {})


@pytest.mark.parametrize("key", PERSONAL)
def test_personal_fields_are_asked_only_with_a_record(form: FormDefinition, key: str) -> None:
    assert is_relevant(form, form.field(key), {"consent.record": "oui"})
    assert not is_relevant(form, form.field(key), {"consent.record": "non"})


@pytest.mark.parametrize("key", PERSONAL)
def test_stale_personal_answers_are_dropped_without_a_record(
    form: FormDefinition, anonymous_answers: Answers, answers: Answers, key: str
) -> None:
    result = validate_answers(form, {**anonymous_answers, key: answers[key]})
    assert result.ok, result.errors
    assert key not in result.values


def test_age_band_is_asked_only_without_a_record(form: FormDefinition) -> None:
    assert is_relevant(form, "person.age_band", {"consent.record": False})
    assert not is_relevant(form, "person.age_band", {"consent.record": True})


def test_age_band_is_dropped_with_a_record(form: FormDefinition, answers: Answers) -> None:
    result = validate_answers(form, {**answers, "person.age_band": "18-29"})
    assert result.ok
    assert "person.age_band" not in result.values


@pytest.mark.parametrize("key", ["consent.record", "person.category", "person.sex", "needs"])
def test_statistical_fields_are_always_asked(form: FormDefinition, key: str) -> None:
    assert is_relevant(form, key, {"consent.record": True})
    assert is_relevant(form, key, {"consent.record": False})


@pytest.mark.parametrize(
    "key",
    [
        "consent.record",
        "consent.share",
        "consent.stats",
        "consent.method",
        "person.category",
        "person.sex",
        "person.nationality",
        "person.commune",
        "person.language",
        "needs",
    ],
)
def test_required_fields_with_a_record(form: FormDefinition, answers: Answers, key: str) -> None:
    del answers[key]
    assert "obligatoire" in errors(form, answers)[key]


@pytest.mark.parametrize("key", ["person.age_band", "person.sex", "person.category", "needs"])
def test_required_fields_without_a_record(
    form: FormDefinition, anonymous_answers: Answers, key: str
) -> None:
    anonymous_answers[key] = None
    assert "obligatoire" in errors(form, anonymous_answers)[key]


@pytest.mark.parametrize(
    "key",
    [
        "person.family_name",
        "person.birth_year",
        "person.phone",
        "person.minor_caregiver",
        "person.disability",
        "household.size",
        "notes",
    ],
)
def test_optional_fields_left_empty_are_omitted(
    form: FormDefinition, answers: Answers, key: str
) -> None:
    answers[key] = "" if key != "household.size" else None
    result = validate_answers(form, answers)
    assert result.ok, result.errors
    assert key not in result.values


@pytest.mark.parametrize(("year", "ok"), [(1899, False), (1900, True), (THIS_YEAR, True)])
def test_birth_year_from_1900(form: FormDefinition, answers: Answers, year: int, ok: bool) -> None:
    answers["person.birth_year"] = year
    assert ("person.birth_year" not in errors(form, answers)) is ok


def test_birth_year_not_in_the_future(form: FormDefinition, answers: Answers) -> None:
    answers["person.birth_year"] = str(THIS_YEAR + 1)
    assert errors(form, answers)["person.birth_year"] == (
        f"Année de naissance : doit être entre 1900 et {THIS_YEAR}"
    )


def test_birth_year_must_be_a_whole_number(form: FormDefinition, answers: Answers) -> None:
    answers["person.birth_year"] = "vers 1960"
    assert errors(form, answers, "en")["person.birth_year"] == (
        "Year of birth: enter a whole number"
    )


@pytest.mark.parametrize(("size", "ok"), [(0, False), (1, True), (30, True), (31, False)])
def test_household_size_from_1_to_30(
    form: FormDefinition, answers: Answers, size: int, ok: bool
) -> None:
    answers["household.size"] = size
    found = errors(form, answers)
    assert ("household.size" not in found) is ok
    if not ok:
        assert found["household.size"] == "Personnes dans le foyer : doit être entre 1 et 30"


@pytest.mark.parametrize(("length", "ok"), [(500, True), (501, False)])
def test_notes_up_to_500_characters(
    form: FormDefinition, answers: Answers, length: int, ok: bool
) -> None:
    answers["notes"] = "x" * length
    assert ("notes" not in errors(form, answers)) is ok


@pytest.mark.parametrize("key", ["person.given_name", "person.family_name", "person.commune"])
@pytest.mark.parametrize(("length", "ok"), [(100, True), (101, False)])
def test_names_and_commune_up_to_100_characters(
    form: FormDefinition, answers: Answers, key: str, length: int, ok: bool
) -> None:
    answers[key] = "a" * length
    assert (key not in errors(form, answers)) is ok


def test_commune_may_be_outside_the_list(form: FormDefinition, answers: Answers) -> None:
    answers["person.commune"] = "  Marrakech "
    assert validate_answers(form, answers).values["person.commune"] == "Marrakech"


@pytest.mark.parametrize("typed", ["09.541.01.11", "Taliouine", " taliouine ", "تالوين"])
def test_a_commune_of_souss_massa_is_saved_as_its_hcp_code(
    form: FormDefinition, answers: Answers, typed: str
) -> None:
    answers["person.commune"] = typed
    assert validate_answers(form, answers).values["person.commune"] == "09.541.01.11"


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("0612345678", "+212612345678"),
        ("06 12 34 56 78", "+212612345678"),
        ("+212 528 85 00 00", "+212528850000"),
        ("+33 6 12 34 56 78", "+33612345678"),
        (612345678, "+212612345678"),
    ],
)
def test_valid_phones_are_stored_in_e164(
    form: FormDefinition, answers: Answers, phone: object, stored: str
) -> None:
    answers["person.phone"] = phone
    assert validate_answers(form, answers).values["person.phone"] == stored


@pytest.mark.parametrize("phone", ["12345", "0612", "not a phone", "+999 123", True, ["06"]])
def test_invalid_phones(form: FormDefinition, answers: Answers, phone: object) -> None:
    answers["person.phone"] = phone
    assert errors(form, answers)["person.phone"] == "Téléphone : numéro de téléphone non valide"


@pytest.mark.parametrize(("code", "stored"), [("SN", "SN"), ("ci", "CI"), (" NZ ", "NZ")])
def test_any_region_code_is_a_nationality(
    form: FormDefinition, answers: Answers, code: str, stored: str
) -> None:
    answers["person.nationality"] = code
    assert validate_answers(form, answers).values["person.nationality"] == stored


@pytest.mark.parametrize("code", ["XX", "SEN", "Sénégal", 221, "001"])
def test_unknown_nationalities(form: FormDefinition, answers: Answers, code: object) -> None:
    answers["person.nationality"] = code
    assert "person.nationality" in errors(form, answers)


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        ("consent.method", ["verbal", "written"], ["email", "Verbal", 1]),
        ("person.sex", ["f", "m"], ["x", "female", True]),
        ("person.category", ["mre", "mre_returnee", "rpt", "other"], ["refugee", ""]),
        ("person.language", ["ar", "fr", "en", "zgh", "other"], ["darija", ["fr"]]),
    ],
)
def test_select_one_values(
    form: FormDefinition, answers: Answers, key: str, good: list[object], bad: list[object]
) -> None:
    for value in good:
        assert validate_answers(form, {**answers, key: value}).values[key] == value
    for value in bad:
        assert key in errors(form, {**answers, key: value})


@pytest.mark.parametrize("band", ["0-17", "18-29", "30-44", "45-59", "60+"])
def test_age_bands(form: FormDefinition, anonymous_answers: Answers, band: str) -> None:
    anonymous_answers["person.age_band"] = band
    assert validate_answers(form, anonymous_answers).ok


def test_an_unknown_age_band(form: FormDefinition, anonymous_answers: Answers) -> None:
    anonymous_answers["person.age_band"] = "61"
    assert "person.age_band" in errors(form, anonymous_answers)


def test_needs_need_at_least_one(form: FormDefinition, answers: Answers) -> None:
    answers["needs"] = []
    assert "obligatoire" in errors(form, answers)["needs"]
    answers["needs"] = ["health"]
    assert "needs" not in errors(form, answers)


@pytest.mark.parametrize("needs", [["health", "tourism"], "health", 3, [None], {"health": True}])
def test_needs_accept_only_known_keys(
    form: FormDefinition, answers: Answers, needs: object
) -> None:
    answers["needs"] = needs
    result = validate_answers(form, answers)
    assert ("needs" in errors(form, answers)) is (needs != "health")
    if needs == "health":
        assert result.values["needs"] == ["health"]


def test_needs_are_deduplicated_in_order(form: FormDefinition, answers: Answers) -> None:
    answers["needs"] = ["housing", "health", "housing"]
    assert validate_answers(form, answers).values["needs"] == ["housing", "health"]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [(True, True), ("oui", True), ("Yes", True), ("1", True), (0, False), ("non", False)],
)
def test_yes_no_answers(form: FormDefinition, answers: Answers, raw: object, stored: bool) -> None:
    answers["person.disability"] = raw
    assert validate_answers(form, answers).values["person.disability"] is stored


@pytest.mark.parametrize("raw", ["peut-être", 2, 0.5, ["oui"]])
def test_yes_no_refuses_other_answers(form: FormDefinition, answers: Answers, raw: object) -> None:
    answers["person.disability"] = raw
    assert errors(form, answers)["person.disability"] == (
        "Situation de handicap : répondez par oui ou non"
    )


@pytest.mark.parametrize(("raw", "stored"), [("3", 3), (3.0, 3), (" 4 ", 4), ("٣", 3)])
def test_integers_written_otherwise(
    form: FormDefinition, answers: Answers, raw: object, stored: int
) -> None:
    answers["household.size"] = raw
    assert validate_answers(form, answers).values["household.size"] == stored


@pytest.mark.parametrize("raw", [3.5, True, "3 personnes", "1e2", float("nan")])
def test_integers_refuse_other_answers(form: FormDefinition, answers: Answers, raw: object) -> None:
    answers["household.size"] = raw
    assert "nombre entier" in errors(form, answers)["household.size"]


def test_numbers_are_accepted_as_text(form: FormDefinition, answers: Answers) -> None:
    answers["person.family_name"] = 12
    assert validate_answers(form, answers).values["person.family_name"] == "12"


def test_unknown_keys_are_errors_on_that_key(form: FormDefinition, answers: Answers) -> None:
    answers["person.religion"] = "x"
    message = "person.religion: not a field of this form"
    assert errors(form, answers, "en") == {"person.religion": message}


def test_a_missing_consent_means_anonymous(form: FormDefinition) -> None:
    result = validate_answers(form, {"needs": ["health"]})
    assert result.anonymous
    assert not result.ok


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("fr", "Année de naissance : saisissez un nombre entier"),
        ("en", "Year of birth: enter a whole number"),
        ("ar", "سنة الازدياد: أدخل عددا صحيحا"),
        ("zgh", "ⴰⵙⴳⴳⵯⴰⵙ ⵏ ⵜⵍⴰⵍⵉⵜ: ⵙⵙⴽⵛⵎ ⴰⵎⴹⴰⵏ ⴰⵎⴷⴷⴰⴷ"),  # noqa: RUF001
    ],
)
def test_messages_name_the_field_in_the_language(
    form: FormDefinition, answers: Answers, lang: str, message: str
) -> None:
    answers["person.birth_year"] = "abc"
    assert errors(form, answers, lang)["person.birth_year"] == message


def test_validate_field_as_the_officer_types(form: FormDefinition, answers: Answers) -> None:
    assert validate_one(form, "household.size", "4", answers, "fr") is None
    error = validate_one(form, "household.size", "40", answers, "en")
    assert error is not None and error.field == "household.size"
    assert error.as_json() == {
        "field": "household.size",
        "message": "People in the household: must be between 1 and 30",
    }
    nameless = {**answers, "person.given_name_ar": ""}
    assert validate_one(form, "person.given_name", "", nameless) is not None
    assert validate_one(form, "household.size", "40", {"consent.record": False}) is None
    assert validate_one(form, "nope", 1, answers) is not None


def test_answers_that_are_not_a_mapping(form: FormDefinition) -> None:
    result = validate_answers(form, ["consent.record"], "en")  # type: ignore[arg-type]
    assert not result.ok and result.anonymous and result.values == {}
    assert [error.as_json() for error in result.errors] == [
        {"field": "", "message": "the answers must be a JSON object (key: value)"}
    ]


HIDDEN = [
    "\x00",  # NUL
    "\x07",
    "\t",
    "\n",
    "\x1b[31m",  # a terminal escape
    "\x7f",
    "\x85",
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    *(chr(code) for code in range(0x202A, 0x202F)),  # embeddings and overrides
    *(chr(code) for code in range(0x2066, 0x206A)),  # isolates
    "\u2028",
    "\ud800",  # a lone surrogate (JSON "\ud800")
]


@pytest.mark.parametrize("key", ["person.given_name", "person.family_name", "person.commune"])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_control_and_direction_characters_are_refused_in_free_text(
    form: FormDefinition, answers: Answers, key: str, hidden: str
) -> None:
    """A name that shows reversed on the desk (``"\\u202eawA"``) hides a duplicate."""
    answers[key] = f"Aw{hidden}a"
    assert errors(form, answers, "en")[key].endswith(form.message("hidden_characters", "en"))
    answers["notes"] = f"Rendez-vous{hidden} lundi"
    assert "notes" in errors(form, answers)


@pytest.mark.parametrize("lang", ["fr", "ar", "en", "zgh"])
def test_the_hidden_characters_message_is_in_every_language(
    form: FormDefinition, answers: Answers, lang: str
) -> None:
    answers["person.family_name"] = "\u202eeoiD"
    message = errors(form, answers, lang)["person.family_name"]
    assert message.endswith(form.message("hidden_characters", lang))
    assert form.message("hidden_characters", lang) != "hidden_characters"
    assert form.message("hidden_characters", lang) != form.message("hidden_characters", "fr") or (
        lang == "fr"
    )


@pytest.mark.parametrize(
    "text", ["عبد الله", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "N'Diaye-Sow", "Zoë", "محمد\u200cأمين", " Awa "]
)
def test_ordinary_names_in_every_script_are_kept(
    form: FormDefinition, answers: Answers, text: str
) -> None:
    answers["person.given_name"] = text
    assert validate_answers(form, answers).values["person.given_name"] == text.strip()


def test_one_given_name_is_needed_in_latin_or_in_arabic_letters(
    form: FormDefinition, answers: Answers
) -> None:
    arabic_only = {**answers, "person.given_name": "", "person.given_name_ar": "عوا"}
    assert validate_answers(form, arabic_only).ok
    assert validate_answers(form, answers).ok
    nameless = {**answers, "person.given_name": "", "person.given_name_ar": " "}
    assert errors(form, nameless) == {
        "person.given_name": "Prénom ou nom d'usage, en lettres latines : "
        "un prénom au moins, en lettres latines ou arabes",
        "person.given_name_ar": "Prénom ou nom d'usage, en lettres arabes : "
        "un prénom au moins, en lettres latines ou arabes",
    }
    assert set(errors(form, nameless, "ar")) == {"person.given_name", "person.given_name_ar"}
