"""The BAOM profile of HSDS 3.0 as the office uses it: the languages a text is shown in,
the time zone, the communes. docs/directory-profile.md explains each; the vocabulary that
a directory's data follows (languages, need and visitor categories, sexes, phone types) is
``protocol.directory.profile``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from protocol.communes import commune_code
from protocol.communes import find_commune as find_hcp_commune
from protocol.directory.profile import BASE_LANGUAGE

TIME_ZONE = "Africa/Casablanca"


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

    @property
    def code(self) -> str:
        """Its HCP code (``protocol.communes``)."""
        return commune_code(self.name)

    @property
    def province_code(self) -> str:
        """The HCP code of its province or préfecture (``09.541``)."""
        return self.code.rsplit(".", 2)[0]


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
    """The commune of the profile that ``name`` names: its HCP code or any spelling of its
    name (``protocol.communes``)."""
    known = find_hcp_commune(name)
    if known is None:
        return None
    return next((c for c in COMMUNES if c.code == known.code), None)


def commune_label(value: str, language: str) -> str:
    """A commune (its HCP code or a name) or a province in the script of ``language``:
    Arabic for ``ar``, Tifinagh for ``zgh`` where known, else the French name."""
    known = find_hcp_commune(value) if value else None
    if known is not None:
        return known.name(language)
    return PROVINCES_AR.get(value, value) if language == "ar" else value
