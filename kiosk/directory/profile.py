"""The BAOM profile of HSDS 3.0: languages and their fallback, need categories, visitor
categories, phone types, communes. docs/directory-profile.md explains each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kiosk.directory.normalise import normalise

TIME_ZONE = "Africa/Casablanca"
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


def fallback_order(language: str) -> tuple[str, ...]:
    """The languages to try, in order, for an officer working in ``language``."""
    return tuple(dict.fromkeys((language, BASE_LANGUAGE, "ar", "en", "zgh")))


def localised(record: Mapping[str, Any], field: str, language: str) -> str | None:
    """``record[field]`` in ``language``, else in the first language of the fallback order."""
    translations = (record.get("translations") or {}).get(field) or {}
    for candidate in fallback_order(language):
        text = record.get(field) if candidate == BASE_LANGUAGE else translations.get(candidate)
        if text:
            return str(text)
    return str(record[field]) if record.get(field) else None


def all_texts(record: Mapping[str, Any], field: str) -> list[str]:
    """``record[field]`` in every language it is written in."""
    translations = (record.get("translations") or {}).get(field) or {}
    texts = [record.get(field), *translations.values()]
    return [str(text) for text in texts if text]


@dataclass(frozen=True)
class Commune:
    """A commune of Souss-Massa: province, names, and the town centre's coordinates."""

    name: str
    province: str
    name_ar: str
    latitude: float
    longitude: float
    baom: bool = True
    name_zgh: str | None = None


PROVINCES_AR = {
    "Taroudant": "تارودانت",
    "Tiznit": "تيزنيت",
    "Chtouka-Aït Baha": "اشتوكة آيت باها",
    "Inezgane-Aït Melloul": "إنزكان آيت ملول",
    "Tata": "طاطا",
    "Agadir Ida-Outanane": "أكادير إداوتنان",
}
"""The provinces of Souss-Massa, French name to Arabic name."""

COMMUNES = (
    Commune("Taliouine", "Taroudant", "تالوين", 30.531, -7.923, name_zgh="ⵜⴰⵍⵉⵡⵉⵏ"),
    Commune("Ouijjane", "Tiznit", "ويجان", 29.606, -9.601),
    Commune("Ammeln", "Tiznit", "أملن", 29.741, -8.968),
    Commune("Taroudant", "Taroudant", "تارودانت", 30.470, -8.877, name_zgh="ⵜⴰⵔⵓⴷⴰⵏⵜ"),
    Commune("Oulad Teima", "Taroudant", "أولاد تايمة", 30.395, -9.209),
    Commune("Ouled Berhil", "Taroudant", "أولاد برحيل", 30.638, -8.478),
    Commune("Igherm", "Taroudant", "إغرم", 30.087, -8.459),
    Commune("Tiznit", "Tiznit", "تيزنيت", 29.698, -9.731, name_zgh="ⵜⵉⵣⵏⵉⵜ"),
    Commune("Tafraout", "Tiznit", "تافراوت", 29.722, -8.975, name_zgh="ⵜⴰⴼⵔⴰⵡⵜ"),
    Commune("Biougra", "Chtouka-Aït Baha", "بيوكرى", 30.215, -9.372),
    Commune("Aït Baha", "Chtouka-Aït Baha", "آيت باها", 30.067, -9.153),
    Commune("Aït Amira", "Chtouka-Aït Baha", "آيت اعميرة", 30.147, -9.487),
    Commune("Inezgane", "Inezgane-Aït Melloul", "إنزكان", 30.355, -9.536),
    Commune("Aït Melloul", "Inezgane-Aït Melloul", "آيت ملول", 30.334, -9.497),
    Commune("Tata", "Tata", "طاطا", 29.743, -7.973),
    Commune("Akka", "Tata", "أقا", 29.392, -8.257),
    Commune("Agadir", "Agadir Ida-Outanane", "أكادير", 30.427, -9.598, False, "ⴰⴳⴰⴷⵉⵔ"),
)
"""The 16 BAOM communes of the demo (the three PRIM pilots first) and Agadir."""


@lru_cache(maxsize=1024)
def find_commune(name: str) -> Commune | None:
    """The commune called ``name`` in Latin or Arabic script, accents and case aside."""
    wanted = normalise(name).strip()
    for commune in COMMUNES:
        if wanted in (normalise(commune.name), normalise(commune.name_ar)):
            return commune
    return None
