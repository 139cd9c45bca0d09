"""The shipped itinerary templates: each loads, covers its need in four languages, cites
its sources, marks its legal rules for review, and takes the right path at its branches;
and a broken template is refused naming the file and the entry."""

from __future__ import annotations

import pytest

from kiosk.itineraries.definition import FACTS
from kiosk.itineraries.loader import ItineraryDefinitionError, load_catalogue, parse_template
from kiosk.itineraries.plan import facts_of
from protocol.directory.profile import NEED_CATEGORIES

CATALOGUE = load_catalogue()
REQUIRED = {
    "birth_registration": "civil_registration",
    "residence_card": "residence_papers",
    "school_enrolment": "education",
    "basic_health_care": "health",
    "legal_aid": "legal_aid",
    "mre_pension": "pensions_social_security",
    "return_reintegration": "other",
}


def _keys(template_id: str, **facts: object) -> list[str]:
    template = CATALOGUE.template(template_id)
    known = {name: None for name in FACTS} | {k.replace("__", "."): v for k, v in facts.items()}
    return [step.key for step in template.path(template.resolve(known, {}))]


def test_the_issue_s_seven_templates_are_shipped_for_their_needs() -> None:
    assert {t.id: t.need for t in CATALOGUE.templates} == REQUIRED
    assert all(t.need in NEED_CATEGORIES for t in CATALOGUE.templates)


@pytest.mark.parametrize("template", CATALOGUE.templates, ids=lambda t: t.id)
def test_every_template_is_complete_in_four_languages_and_says_its_sources(template) -> None:  # type: ignore[no-untyped-def]
    for language in ("fr", "ar", "en", "zgh"):
        assert template.title(language) and template.summary(language)
        for step in template.steps:
            assert step.title(language) and step.purpose(language)
            assert all(CATALOGUE.document(d, language) for d in step.documents)
    assert template.sources and all(source.title for source in template.sources)
    assert template.rules, "each template states a legal rule, marked for review"
    for rule in template.rules:
        assert rule.reviewer == "legal_partner" and template.source_of(rule).title
    stated = {key for step in template.steps for key in step.stated_rules}
    assert stated <= {rule.key for rule in template.rules}
    assert [step.position for step in template.steps] == list(range(len(template.steps)))


def test_a_birth_takes_the_declaration_path_until_30_days_then_the_court() -> None:
    on_time = _keys("birth_registration", anchor__days=30, person__category="mre")
    assert "declare_birth" in on_time and "court_request" not in on_time
    assert "consulate" not in on_time  # Moroccan parents
    late = _keys("birth_registration", anchor__days=31, person__category="rpt")
    assert "declare_birth" not in late
    assert late[1:4] == ["court_request", "court_hearing", "register_judgment"]
    assert "consulate" in late
    unknown = _keys("birth_registration")  # no birth date: the officer may choose the court
    assert "declare_birth" in unknown
    declare = CATALOGUE.template("birth_registration").step("declare_birth")
    assert declare.deadline is not None and declare.deadline.days == 30
    assert declare.service is not None and declare.service.priority == "urgent"


def test_the_other_branches_follow_the_person_or_the_officer() -> None:
    assert "iom_contact" in _keys("return_reintegration", person__category="rpt")
    assert "papers_in_morocco" in _keys("return_reintegration", person__category="mre_returnee")
    template = CATALOGUE.template("residence_card")
    renewal = template.path(template.resolve({}, {"request": "renewal"}))
    assert "gather_renewal" in [s.key for s in renewal]
    assert "gather_first" in _keys("residence_card")
    assert "survivor_documents" not in _keys("mre_pension")
    proof = CATALOGUE.template("mre_pension").step("proof_of_life")
    assert proof.every_months == 12 and proof.rules == ("proof_of_life_yearly",)
    assert CATALOGUE.template("return_reintegration").propose_when is not None


def test_facts_count_whole_days_from_the_anchor_on_the_office_s_today() -> None:
    from datetime import date

    facts = facts_of(date(2026, 1, 31), "rpt", "f", 1990, date(2026, 3, 2))
    assert facts == {
        "anchor.days": 30,
        "person.category": "rpt",
        "person.sex": "f",
        "person.age": 36,
    }


BASE = """
id: demo
version: 1
need: health
title: {fr: T, ar: T, en: T, zgh: T}
summary: {fr: S, ar: S, en: S, zgh: S}
sources: [{key: law, title: A law}]
rules:
  rule:
    text: {fr: R, ar: R, en: R, zgh: R}
    source: law
    review: {by: legal_partner, status: pending}
steps:
  - {key: one, title: {fr: O, ar: O, en: O, zgh: O}, purpose: {fr: P, ar: P, en: P, zgh: P},
     rules: [rule]}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("need: health", "need: nothing"), "'need' must be one of"),
        (("title: {fr: T, ar: T, en: T, zgh: T}", "title: {fr: T}"), "lacks the languages"),
        (("status: pending", "status: maybe"), "a review's status is one of"),
        (("source: law", "source: nowhere"), "cites one of the template's sources"),
        (("rules: [rule]", "rules: [rule], documents: [passport_of_mars]"), "unknown document"),
        (("rules: [rule]", "rules: [rule], branch: where.there"), "'branch' is 'branch.path'"),
        (("rules: [rule]", "rules: [rule], deadline: {days: 30, rule: rule}"), "anchor date"),
        (("rules: [rule]", "rules: [rule], days: -1"), "'days' must be a whole number"),
    ],
)
def test_a_broken_template_is_refused_naming_what_is_wrong(
    change: tuple[str, str], message: str
) -> None:
    documents = CATALOGUE.documents
    parse_template(BASE, documents)  # the base is right
    with pytest.raises(ItineraryDefinitionError, match=message):
        parse_template(BASE.replace(*change), documents, "demo.yaml")
