"""The shipped intake definition and the checks made when a definition is loaded."""

from __future__ import annotations

import re
import string
from importlib import resources
from pathlib import Path

import pytest
import yaml

from kiosk.forms import (
    FieldError,
    FormDefinition,
    FormDefinitionError,
    load_form,
    load_form_file,
    parse_form,
    validate_answers,
    validate_one,
)
from protocol.directory.profile import NEED_CATEGORIES

LANGUAGES = ("fr", "ar", "en", "zgh")
TIFINAGH = re.compile("[\u2d30-\u2d7f]")
INTAKE = resources.files("resources") / "forms" / "intake.yaml"
MESSAGES = resources.files("resources") / "forms" / "messages.yaml"


def test_identity_and_sections(form: FormDefinition) -> None:
    assert form.id == "intake"
    assert isinstance(form.version, int) and form.version >= 1
    assert [section.key for section in form.sections] == ["consent", "person", "household", "needs"]
    assert [item.key for item in form.sections[-1].fields] == ["needs", "notes"]
    assert load_form("intake") is load_form("intake")


def test_collects_what_the_domain_lists(form: FormDefinition) -> None:
    assert {
        "consent.record",
        "consent.share",
        "consent.stats",
        "consent.method",
        "person.given_name",
        "person.family_name",
        "person.given_name_ar",
        "person.family_name_ar",
        "person.sex",
        "person.birth_year",
        "person.age_band",
        "person.nationality",
        "person.category",
        "person.commune",
        "person.phone",
        "person.language",
        "household.size",
        "household.newborn_birth_date",  # a birth to declare within its deadline (#16)
        "household.newborn_declared",
        "person.minor_caregiver",
        "person.disability",
        "needs",
        "notes",
    } == set(form.keys)
    assert form.field("person.phone").type == "phone"
    assert form.field("person.nationality").type == "country"
    assert form.field("person.commune").type == "commune"
    assert not form.field("person.phone").required


FORBIDDEN = (
    "diagnos", "religi", "ethni", "race", "tribe", "tribu", "politi", "syndic", "union",
    "sexual", "sexuel", "orientation sex", "violence", "viol ", "abuse", "biometr",
    "fingerprint", "empreinte", "cin", "national id", "carte nationale", "identity card",
    "passport", "passeport", "irregular", "irrégul", "status", "statut", "asylum", "asile",
    "illness", "maladie", "hiv", "vih", "القبيلة", "الدين", "المرض", "التشخيص",
)  # fmt: skip


def test_collects_nothing_the_law_forbids(form: FormDefinition) -> None:
    words = [item.key for item in form.fields]
    for item in form.fields:
        words += [item.label(lang) for lang in LANGUAGES]
        words += [choice.label(lang) for choice in item.choices for lang in LANGUAGES]
        words += [choice.value for choice in item.choices]
    for word in words:
        lowered = f" {word.casefold()} "
        assert not [bad for bad in FORBIDDEN if re.search(rf"\b{re.escape(bad)}", lowered)], word


def test_needs_are_the_fifteen_domain_keys(form: FormDefinition) -> None:
    needs = form.field("needs")
    assert needs.type == "select_many" and needs.required
    assert needs.choice_values() == NEED_CATEGORIES


def test_every_text_exists_in_the_four_languages(form: FormDefinition) -> None:
    texts = []
    for section in form.sections:
        texts.append((section.key, section.labels))
        for item in section.fields:
            texts.append((item.key, item.labels))
            if item.hints:
                texts.append((f"{item.key} hint", item.hints))
            texts += [(f"{item.key}={choice.value}", choice.labels) for choice in item.choices]
            texts += [(f"{item.key} constraint", rule.messages) for rule in item.constraints]
            if item.required_messages:
                texts.append((f"{item.key} required", item.required_messages))
    texts += list(form.messages.items())
    for where, labels in texts:
        assert sorted(labels) == sorted(LANGUAGES), where
        assert all(text.strip() for text in labels.values()), where
        # Age bands are digits, field_error only placeholders; communes without a Tifinagh
        # name in the directory profile keep their Latin name.
        exempt = where.startswith(("person.age_band=", "person.commune=", "field_error"))
        assert TIFINAGH.search(labels["zgh"]) or exempt, where


def test_placeholders_are_the_same_in_every_language(form: FormDefinition) -> None:
    for name, texts in form.messages.items():
        placeholders = {
            language: {part[1] for part in string.Formatter().parse(text) if part[1]}
            for language, text in texts.items()
        }
        assert len({frozenset(found) for found in placeholders.values()}) == 1, name


def test_country_and_commune_fields_offer_a_short_list(form: FormDefinition) -> None:
    countries = form.field("person.nationality").choices
    assert {"MA", "FR", "SN", "CI", "GN", "ML", "SD", "CM", "NG", "GH"} <= {
        choice.value for choice in countries
    }
    senegal = next(choice for choice in countries if choice.value == "SN")
    names = [senegal.label(lang) for lang in LANGUAGES]
    assert names == ["Sénégal", "السنغال", "Senegal", "ⵙⵉⵏⵉⴳⴰⵍ"]
    communes = {choice.value: choice for choice in form.field("person.commune").choices}
    assert len(communes) == 175  # every commune of Souss-Massa, by HCP code
    taliouine = communes["09.541.01.11"]
    names = [taliouine.label(lang) for lang in LANGUAGES]
    assert names == ["Taliouine", "تالوين", "Taliouine", "ⵜⴰⵍⵉⵡⵉⵏ"]


def test_labels_fall_back_to_french(form: FormDefinition) -> None:
    item = form.field("person.birth_year")
    assert item.label("de") == "Année de naissance"
    assert item.hint("fr") == ""
    assert form.sections[0].label("ar") == "الموافقة"


def test_a_supervisor_adds_an_optional_field_without_code(tmp_path: Path) -> None:
    data = yaml.safe_load(INTAKE.read_text(encoding="utf-8"))
    data["version"] += 1
    data["sections"][1]["fields"].append(
        {
            "key": "person.callback_date",
            "type": "date",
            "relevant": "${consent.record} = true and ${person.phone} != null",
            "label": {"fr": "Date de rappel", "en": "Call back on"},
            "constraints": [
                {"check": ". >= '2020-01-01'", "message": {"fr": "date trop ancienne"}}
            ],
        }
    )
    path = tmp_path / "intake.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    form = load_form_file(path)
    assert form.version == load_form("intake").version + 1
    base = {
        "consent.record": True,
        "consent.share": False,
        "consent.stats": True,
        "consent.method": "written",
        "person.category": "mre_returnee",
        "person.sex": "m",
        "person.given_name": "محمد",
        "person.nationality": "MA",
        "person.commune": "Ouijjane",
        "person.language": "ar",
        "needs": ["pensions_social_security"],
    }
    assert validate_answers(form, base).ok
    with_phone = {**base, "person.phone": "0661000000"}
    result = validate_answers(form, {**with_phone, "person.callback_date": "2026-12-01"})
    assert result.ok, result.errors
    assert str(result.values["person.callback_date"]) == "2026-12-01"
    result = validate_answers(form, {**with_phone, "person.callback_date": "2019-12-01"}, "en")
    assert [error.message for error in result.errors] == ["Call back on: date trop ancienne"]
    result = validate_answers(form, {**with_phone, "person.callback_date": "1er décembre"})
    assert [error.field for error in result.errors] == ["person.callback_date"]
    result = validate_answers(form, {**base, "person.callback_date": "2026-12-01"})
    assert result.ok and "person.callback_date" not in result.values


MINIMAL = """
id: probe
version: 2
sections:
  - key: s
    label: {fr: S}
    fields:
      - key: a
        type: yes_no
        label: {fr: A}
"""


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("type: yes_no", "type: boolean"), "unknown type 'boolean'"),
        (("        label: {fr: A}", "        label: {en: A}"), "French"),
        (("        label: {fr: A}", "        label: {fr: A, de: A}"), "unknown language 'de'"),
        (("        label: {fr: A}", "        label: {fr: A}\n        requried: true"), "requried"),
        (("        label: {fr: A}", "        label: {fr: A}\n        required: 2"), "true"),
        (("      - key: a", "      - key: A.B"), "lower-case"),
        (("type: yes_no", "type: select_one"), "non-empty list of choices"),
        (("type: yes_no", "type: text\n        min: 3"), "integer and year"),
        (("        label: {fr: A}", "        label: {fr: 'A {nom}'}"), "unknown placeholders"),
        (("        label: {fr: A}", "        label: {fr: 'A {}'}"), "unknown placeholders"),
        (("version: 2", "version: zero"), "'version'"),
        (("version: 2", "version: 0"), "'version'"),
        (("id: probe", "id: Probe Form"), "'id'"),
        (("sections:", "colour: red\nsections:"), "unknown entries"),
        (("label: {fr: S}", "label: {fr: S"), "not valid YAML"),
    ],
)
def test_a_bad_definition_is_refused_with_its_file(change: tuple[str, str], problem: str) -> None:
    text = MINIMAL.replace(*change)
    assert text != MINIMAL
    with pytest.raises(FormDefinitionError, match=re.escape(problem)) as caught:
        parse_form(text, "probe.yaml")
    assert caught.value.source == "probe.yaml"


def test_a_key_used_twice_is_refused() -> None:
    text = MINIMAL + "      - key: a\n        type: text\n        label: {fr: B}\n"
    with pytest.raises(FormDefinitionError, match="used twice") as caught:
        parse_form(text, "probe.yaml")
    assert caught.value.key == "a"


def test_choices_must_be_distinct() -> None:
    text = MINIMAL.replace("type: yes_no", "type: select_one") + (
        "        choices:\n"
        "          - {value: x, label: {fr: X}}\n"
        "          - {value: x, label: {fr: Y}}\n"
    )
    with pytest.raises(FormDefinitionError, match="same value"):
        parse_form(text, "probe.yaml")


def test_a_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(FormDefinitionError, match="cannot be read"):
        load_form_file(tmp_path / "nope.yaml")


def test_generic_messages_are_shipped_in_the_four_languages() -> None:
    data = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    assert {"required", "integer", "phone", "choice", "unknown_field", "field_error"} <= set(data)
    for name, texts in data.items():
        assert sorted(texts) == sorted(LANGUAGES), name


@pytest.mark.parametrize("name", ["nope", "../intake", "Intake"])
def test_an_unknown_form_name_is_a_definition_error(name: str) -> None:
    with pytest.raises(FormDefinitionError, match="no such form"):
        load_form(name)


def test_a_definition_with_odd_yaml_keys_is_refused() -> None:
    with pytest.raises(FormDefinitionError, match="unknown options"):
        parse_form(MINIMAL + "        1: 2\n", "probe.yaml")
    with pytest.raises(FormDefinitionError, match="must be a mapping"):
        parse_form("- a\n- b\n", "probe.yaml")


TWO_NAMES = MINIMAL + (
    "      - key: b\n"
    "        type: text\n"
    "        label: {fr: B}\n"
    "        required: ${c} = null\n"
    "        required_message: {fr: B ou C, en: B or C}\n"
    "      - key: c\n"
    "        type: text\n"
    "        label: {fr: C}\n"
    "        required: ${b} = null\n"
)


def test_a_field_is_required_while_its_expression_holds_and_says_what_is_missing() -> None:
    form = parse_form(TWO_NAMES, "probe.yaml")
    assert validate_answers(form, {"c": "x"}).ok
    assert validate_answers(form, {"b": "x"}).ok
    missing = validate_answers(form, {}, "en").errors
    assert [(error.field, error.message) for error in missing] == [
        ("b", "B: B or C"),
        ("c", "C: this field is required"),
    ]
    assert validate_one(form, "b", "", {"c": ""}, "fr") == FieldError("b", "B : B ou C")
    assert validate_one(form, "b", "", {"c": "x"}, "fr") is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("required: ${c} = null", "required: ${nowhere} = null"), "unknown field 'nowhere'"),
        (("required: ${c} = null", "required: . = null"), "cannot use '.'"),
        (("required: ${c} = null", "required: ${c} ="), "end"),
    ],
)
def test_a_bad_condition_of_required_is_refused(change: tuple[str, str], problem: str) -> None:
    with pytest.raises(FormDefinitionError, match=re.escape(problem)) as caught:
        parse_form(TWO_NAMES.replace(*change), "probe.yaml")
    assert caught.value.key == "b"
