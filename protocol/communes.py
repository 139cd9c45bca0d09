"""The communes of Souss-Massa, identified by their HCP code (``09.541.11.33``).

Read once from ``resources/communes/souss-massa.json`` (its sources and licences:
``SOURCES.md`` beside it): the 6 provinces and préfectures and 175 communes, with their
names in French and Arabic, a name for Tamazight, the 2024 population and simplified
boundaries. Shared by the office (the commune of the office and of a person, the
statistics) and the regional server (``by_commune``, the map, :mod:`protocol.commune_map`).

A commune is found by its code or by a name in any of its spellings: accents, case,
hyphens and apostrophes aside, the forms of Arabic letters folded and Tifinagh read in
Latin letters (``Aït Melloul``, ``ait-melloul`` and ``أيت ملول`` are one; so are ``ⵜⵉⵣⵏⵉⵜ``
and ``Tiznit``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from anyascii import anyascii

from protocol.directory.text import normalise

CODE = re.compile(r"^09\.\d{3}\.\d{2}\.\d{2}$")
"""The shape of a Souss-Massa commune's HCP code."""

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Province:
    """A province or préfecture of Souss-Massa."""

    code: str
    name_fr: str
    name_ar: str
    prefecture: bool
    population: int

    def name(self, language: str) -> str:
        """Its name for ``language`` (Arabic for ``ar``, else French)."""
        return self.name_ar if language == "ar" else self.name_fr


@dataclass(frozen=True)
class Commune:
    """A commune of Souss-Massa; ``rings`` are its outlines as (longitude, latitude)."""

    code: str
    province: str
    name_fr: str
    name_ar: str
    name_zgh: str
    aliases: tuple[str, ...]
    urban: bool
    population: int
    rings: tuple[Ring, ...]

    def name(self, language: str) -> str:
        """Its name for ``language``: Arabic, Tifinagh where known, else the French one."""
        if language == "ar":
            return self.name_ar
        if language == "zgh":
            return self.name_zgh
        return self.name_fr


@dataclass(frozen=True)
class Communes:
    """Every commune and province, by code, and the names that find a commune."""

    provinces: tuple[Province, ...]
    communes: tuple[Commune, ...]
    by_code: dict[str, Commune]
    by_name: dict[str, Commune | None]
    """Folded name to commune; None for a name two communes share."""


def fold(text: str) -> str:
    """``text`` folded for finding a commune by name (see the module's docstring)."""
    folded = normalise(" ".join(text.split()))
    if any("\u0600" <= letter <= "\u06ff" for letter in folded):
        return re.sub(r"[^\w]|_", "", folded)
    return re.sub(r"[^a-z0-9]", "", anyascii(folded).lower())


@cache
def load() -> Communes:
    """The communes, read once."""
    path = resources.files("resources") / "communes" / "souss-massa.json"
    data = json.loads(path.read_text("utf-8"))
    provinces = tuple(
        Province(p["code"], p["name_fr"], p["name_ar"], p["prefecture"], p["population_2024"])
        for p in data["provinces"]
    )
    communes = tuple(
        Commune(
            code=c["code"],
            province=c["province"],
            name_fr=c["name_fr"],
            name_ar=c["name_ar"],
            name_zgh=c["name_zgh"],
            aliases=tuple(c["aliases"]),
            urban=c["urban"],
            population=c["population_2024"],
            rings=tuple(tuple((x, y) for x, y in ring) for ring in c["rings"]),
        )
        for c in data["communes"]
    )
    by_name: dict[str, Commune | None] = {}
    for commune in communes:
        names = {commune.name_fr, commune.name_ar, commune.name_zgh, *commune.aliases}
        for key in {fold(name) for name in names} - {""}:
            by_name[key] = commune if by_name.get(key, commune) is commune else None
    return Communes(provinces, communes, {c.code: c for c in communes}, by_name)


def commune(code: str) -> Commune | None:
    """The commune of HCP code ``code``, if it is one of Souss-Massa."""
    return load().by_code.get(code.strip())


def find_commune(text: str) -> Commune | None:
    """The commune ``text`` names: its code or one of its names, in any spelling; None
    for a name unknown or shared by two communes."""
    return commune(text) or load().by_name.get(fold(text))


def province(code: str) -> Province | None:
    """The province or préfecture of code ``code`` (``09.541``)."""
    return next((p for p in load().provinces if p.code == code), None)


def find_province(text: str) -> Province | None:
    """The province or préfecture ``text`` names: its code, its French or Arabic name in
    any spelling, or the name of the commune it is named after (``Taroudant``)."""
    folded = fold(text)
    for found in load().provinces:
        if text.strip() == found.code or folded in (fold(found.name_fr), fold(found.name_ar)):
            return found
    namesake = find_commune(text)
    seat = province(namesake.province) if namesake is not None else None
    if namesake is not None and seat is not None and fold(seat.name_fr) == fold(namesake.name_fr):
        return seat
    return None


def province_communes(code: str) -> tuple[Commune, ...]:
    """The communes of a province or préfecture, by code."""
    return tuple(c for c in load().communes if c.province == code)


def commune_code(value: str) -> str:
    """The HCP code of the commune ``value`` names, else ``value`` as it is (a commune
    outside Souss-Massa, a spelling not known: kept readable, never lost)."""
    found = find_commune(value) if value.strip() else None
    return found.code if found is not None else value


def address_commune(commune: str | None, city: str | None) -> str | None:
    """What a directory address keeps as its commune: the HCP code of the commune it gives,
    else of its city when that names a commune of Souss-Massa; a commune not known is kept
    as given (elsewhere, a spelling not known: readable, never lost)."""
    if commune and commune.strip():
        return commune_code(commune)
    known = find_commune(city) if city else None
    return known.code if known is not None else commune


def commune_name(value: str, language: str) -> str:
    """What to show for a stored commune: the commune's name in ``language`` for a code,
    else the text as it was stored."""
    found = commune(value) if CODE.match(value.strip()) else None
    return found.name(language) if found is not None else value


def statistics_commune(value: object) -> str:
    """The commune a statistics record counts: the HCP code of a commune of Souss-Massa
    (from its code or any name of it), ``other`` for a commune elsewhere or a name not
    known, ``unknown`` when none was given. The office makes its records with it, and
    the region reads with it the records of offices that sent names."""
    if not isinstance(value, str) or value.strip() in ("", "unknown"):
        return "unknown"
    found = find_commune(value)
    return found.code if found is not None else "other"
