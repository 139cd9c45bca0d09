"""Fixtures of the form tests: the shipped intake form and complete sets of answers."""

from __future__ import annotations

import pytest

from kiosk.forms import FormDefinition, load_form


@pytest.fixture
def form() -> FormDefinition:
    """The shipped intake form."""
    return load_form("intake")


@pytest.fixture
def answers() -> dict[str, object]:
    """A complete, valid intake of a person who consents to a record."""
    return {
        "consent.record": True,
        "consent.share": True,
        "consent.stats": False,
        "consent.method": "verbal",
        "person.category": "rpt",
        "person.sex": "f",
        "person.given_name": "Awa",
        "person.family_name": "Diop",
        "person.given_name_ar": "عوا",
        "person.family_name_ar": "ديوب",
        "person.birth_year": 1990,
        "person.nationality": "SN",
        "person.commune": "Taliouine",
        "person.phone": "0612345678",
        "person.language": "fr",
        "person.minor_caregiver": True,
        "person.disability": False,
        "household.size": 3,
        "needs": ["civil_registration", "education"],
        "notes": "Déclaration de naissance, enfant né il y a 10 jours.",
    }


@pytest.fixture
def anonymous_answers() -> dict[str, object]:
    """A complete, valid anonymous contact (no consent to a record)."""
    return {
        "consent.record": False,
        "person.category": "mre",
        "person.sex": "m",
        "person.age_band": "60+",
        "needs": ["pensions_social_security"],
    }
