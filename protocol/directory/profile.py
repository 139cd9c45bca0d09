"""The vocabulary of the BAOM profile of HSDS 3.0, which a directory's data follows: the
languages texts are written in, need categories, visitor categories, sexes, phone types,
and language names as ISO 639 codes. docs/directory-profile.md explains each; the cleaner
checks packages against it (``protocol.directory.clean``).
"""

from __future__ import annotations

from protocol.directory.text import normalise

TEXT_LANGUAGES = ("fr", "ar", "en", "zgh")
BASE_LANGUAGE = "fr"
"""The language of the plain HSDS fields; the others are in ``baom_translations``."""

NEEDS_TAXONOMY = "BAOM needs"
NEED_CATEGORIES = (
    "pensions_social_security",
    "civil_registration",
    "residence_papers",
    "health",
    "education",
    "employment",
    "housing",
    "legal_aid",
    "family_child_protection",
    "womens_services",
    "psychosocial_support",
    "emergency_relief",
    "consular",
    "diaspora_investment",
    "other",
)
VISITOR_CATEGORIES = ("mre", "mre_returnee", "rpt", "refugee", "asylum_seeker", "everyone")
SEXES = ("female", "male")
PHONE_TYPES = ("voice", "cell", "fax", "text", "video", "pager", "textphone", "whatsapp")

_LANGUAGE_NAMES = {
    "ar": "arabic arabe arabe classique darija العربية عربية الدارجة",
    "fr": "french francais français الفرنسية",
    "en": "english anglais الانجليزية الإنجليزية",
    "zgh": "tamazight tachelhit tashelhit amazigh berber ⵜⴰⵎⴰⵣⵉⵖⵜ الامازيغية الأمازيغية",
    "es": "spanish espagnol espanol الاسبانية",
    "ur": "urdu ourdou",
    "pl": "polish polonais",
    "sk": "slovak slovaque",
    "wo": "wolof",
    "ff": "fula peul pulaar",
    "bm": "bambara",
}
LANGUAGE_CODES = {
    normalise(name): code for code, names in _LANGUAGE_NAMES.items() for name in names.split()
}


def language_code(name: str | None, code: str | None) -> str | None:
    """An ISO 639 code for a language given by code or by a free-text name, if known."""
    if code and code.strip():
        return code.strip().lower()
    if not name:
        return None
    key = normalise(name).strip()
    if key in LANGUAGE_CODES.values():
        return key
    return LANGUAGE_CODES.get(key)
