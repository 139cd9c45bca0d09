"""Intake answers for tests: a complete, valid intake that a test changes where it needs."""

from __future__ import annotations

from typing import Any


def answers(**changes: Any) -> dict[str, Any]:
    """A complete, valid intake with consent to record and share; keyword args override.

    Keys use ``__`` for the dots (``person__given_name``); a value of None removes the key.
    """
    values: dict[str, Any] = {
        "consent.record": True,
        "consent.share": True,
        "consent.stats": True,
        "consent.method": "verbal",
        "person.given_name": "Aminata",
        "person.family_name": "Diallo",
        "person.sex": "f",
        "person.birth_year": 1990,
        "person.nationality": "SN",
        "person.category": "rpt",
        "person.commune": "Taliouine",
        "person.phone": "0612345678",
        "person.language": "fr",
        "household.size": 3,
        "needs": ["civil_registration", "health"],
    }
    for key, value in changes.items():
        dotted = key.replace("__", ".")
        if value is None:
            values.pop(dotted, None)
        else:
            values[dotted] = value
    return values
