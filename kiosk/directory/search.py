"""Directory search: FTS5 over the normalised search documents, with filters and ranking.

The query is normalised like the index (:mod:`kiosk.directory.normalise`). Its last word is
a prefix (results as you type); a word of three letters or more also matches inside a
name or category word (through the ``infix`` column).

Ranking is done in tiers, stopping as soon as enough services are found: every word in the
name, then in the name or a category, then anywhere (including inside words). Within a
tier, nearer the office first: its commune, then the rest of its province, then the rest
of the directory, each ring one FTS5 query ordered by distance (without an office, by
FTS5's ``bm25``). The rings keep each query small: a common word matches thousands of
services, which one query could not order by distance within the time of a keystroke.
A last word under three letters matches too many services to order them all (every
Arabic word after the article): such a query takes the first hundred services of the name
tier as the index gives them, nearest first (SEARCH-NOTES.md).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db import directory as d
from kiosk.directory.hours import open_now
from kiosk.directory.normalise import facet, query_terms
from kiosk.directory.profile import Commune, commune_label, localised
from kiosk.directory.rows import rows_of
from protocol.communes import CODE, find_commune, find_province
from protocol.directory.profile import language_code

_SHORT = 3
_TIERS = ("{name}", "{name category}", "{name category description}")
_OPEN_NOW_MARGIN = 5
_UNRANKED = 100
_COLUMNS = "d.id, d.service_id, d.facets, d.latitude, d.longitude"


@dataclass(frozen=True)
class SearchQuery:
    """What the officer typed and the filters chosen."""

    text: str = ""
    language: str = "fr"
    category: str | None = None
    commune: str | None = None
    eligible: str | None = None
    spoken: str | None = None
    open_at: datetime | None = None
    limit: int = 20


@dataclass(frozen=True)
class Hit:
    """One service found, in the officer's language."""

    service_id: uuid.UUID
    name: str
    organization: str | None
    commune: str | None
    commune_code: str | None
    score: float
    distance_km: float | None
    status: str
    categories: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The hit as printed by ``baom directory search --json``."""
        return {**self.__dict__, "service_id": str(self.service_id)}


def _words(terms: list[str], tier: int) -> str:
    """Every term in the columns of ``tier`` (the last term as a prefix)."""
    parts = []
    for position, term in enumerate(terms):
        phrase = f'"{term}"' + ("*" if position == len(terms) - 1 else "")
        part = f"{_TIERS[tier]} : {phrase}"
        if tier == len(_TIERS) - 1 and len(term) >= _SHORT:
            part = f'({part} OR infix : "{term}"*)'
        parts.append(part)
    return " AND ".join(parts)


def _filters(query: SearchQuery) -> list[str]:
    parts = []
    if query.category:
        parts.append(f'facets : "{facet("cat", query.category)}"')
    if query.spoken:
        code = language_code(query.spoken, None) or query.spoken
        parts.append(f'facets : "{facet("lang", code)}"')
    if query.eligible:
        wanted = facet("elig", query.eligible)
        parts.append(f'(facets : "{wanted}" OR facets : "elig_everyone")')
    if query.commune:
        tokens = _place_tokens(query.commune)
        parts.append("(" + " OR ".join(f'facets : "{token}"' for token in tokens) + ")")
    return parts


def _place_tokens(place: str) -> list[str]:
    """The facets of a commune filter: the commune (by HCP code when known); for a name,
    also the province of that name (Tiznit, Taroudant and Tata are both)."""
    known = find_commune(place)
    tokens = [facet("commune", known.code if known else place)]
    if CODE.match(place.strip()):
        return tokens
    province = find_province(place)
    if province is not None:
        tokens.append(facet("province", province.code))
    return list(dict.fromkeys([*tokens, facet("province", place)]))


def tier_expressions(query: SearchQuery) -> list[str]:
    """The FTS5 MATCH expressions of ``query``, one per tier (one when no words)."""
    terms, filters = query_terms(query.text), _filters(query)
    if not terms:
        return [" AND ".join(filters)]
    tiers = range(1) if len(terms[-1]) < _SHORT else range(len(_TIERS))
    expressions = []
    for tier in tiers:
        expression = " AND ".join([f"({_words(terms, tier)})", *filters])
        if tier:
            expression = f"({expression}) NOT ({_words(terms, tier - 1)})"
        expressions.append(expression)
    return expressions


def _order(office: Commune | None, ranked: bool, matched: bool) -> tuple[str, dict[str, Any]]:
    """The ORDER BY of a query: by distance from the office, else by FTS5's ``bm25`` when
    there is a MATCH to rank (an empty query lists the directory as the index gives it)."""
    if not ranked:
        return "", {}
    if office is None:
        return ("ORDER BY bm25(hsds_fts, 10.0, 4.0, 1.0, 0.5, 0.0)", {}) if matched else ("", {})
    distance = (
        "(d.latitude - :lat) * (d.latitude - :lat)"
        " + (d.longitude - :lon) * (d.longitude - :lon) * 0.75"
    )
    return f"ORDER BY d.latitude IS NULL, {distance}", {
        "lat": office.latitude,
        "lon": office.longitude,
    }


def _candidates(
    session: Session, expression: str, office: Commune | None, ranked: bool, count: int
) -> list[Any]:
    order, values = _order(office, ranked, matched=bool(expression))
    if not expression:
        sql = f"SELECT {_COLUMNS} FROM hsds_search_document d {order} LIMIT :n"
    else:
        sql = (
            f"SELECT {_COLUMNS} FROM hsds_fts JOIN hsds_search_document d ON d.id = hsds_fts.rowid "
            f"WHERE hsds_fts MATCH :match {order} LIMIT :n"
        )
    return list(session.execute(text(sql), {"match": expression, "n": count, **values}))


def distance_km(
    latitude: float | None, longitude: float | None, office: Commune | None
) -> float | None:
    """The great-circle distance from the office's commune, rounded to 100 m."""
    if office is None or latitude is None or longitude is None:
        return None
    rad = math.radians
    dlat, dlon = rad(latitude - office.latitude), rad(longitude - office.longitude)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(rad(office.latitude)) * math.cos(rad(latitude)) * math.sin(dlon / 2) ** 2
    )
    return round(6371 * 2 * math.asin(math.sqrt(a)), 1)


def _rings(office: Commune | None) -> list[tuple[str, str]]:
    """Proximity rings, nearest first: the office's commune, the rest of its province, the
    rest of the directory; each as a facet expression to AND, or one to NOT."""
    if office is None:
        return [("", "")]
    commune = f'facets : "{facet("commune", office.code)}"'
    province = f'facets : "{facet("province", office.province_code)}"'
    return [(commune, ""), (f"({province} NOT {commune})", ""), ("", province)]


def _in_ring(expression: str, ring: tuple[str, str]) -> str:
    wanted, unwanted = ring
    combined = " AND ".join(f"({part})" for part in (expression, wanted) if part)
    if unwanted and combined:
        return f"({combined}) NOT ({unwanted})"
    return combined


def _ring_of(row: Any, office: Commune | None) -> int:
    if office is None:
        return 0
    facets = row.facets.split()
    if facet("commune", office.code) in facets:
        return 0
    return 1 if facet("province", office.province_code) in facets else 2


def _tier_rows(
    session: Session, expression: str, office: Commune | None, ranked: bool, count: int
) -> list[Any]:
    """The first ``count`` services of one tier, nearest ring first.

    A first query, unordered, fetches one more than wanted: when the tier is that small it
    is ordered here; otherwise each ring is asked in turn, ordered by distance in SQLite.
    """
    probe = _candidates(session, expression, office, False, count + 1 if ranked else _UNRANKED)
    if len(probe) <= count or not ranked:
        return sorted(
            probe,
            key=lambda row: (
                _ring_of(row, office),
                distance_km(row.latitude, row.longitude, office) or 0.0,
            ),
        )[:count]
    rows: list[Any] = []
    for ring in _rings(office):
        rows += _candidates(session, _in_ring(expression, ring), office, True, count - len(rows))
        if len(rows) >= count:
            break
    return rows


def search(session: Session, query: SearchQuery, office: Commune | None = None) -> list[Hit]:
    """The services that match ``query``, best first, at most ``query.limit``."""
    terms = query_terms(query.text)
    ranked = not terms or len(terms[-1]) >= _SHORT
    wanted = query.limit * (_OPEN_NOW_MARGIN if query.open_at else 1)
    found: dict[Any, tuple[int, Any]] = {}
    for tier, expression in enumerate(tier_expressions(query)):
        for row in _tier_rows(session, expression, office, ranked, wanted - len(found)):
            if query.open_at is None or _is_open(session, row.service_id, query.open_at):
                found.setdefault(row.id, (tier, row))
        if len(found) >= query.limit:
            break
    return _hits(session, query, list(found.values())[: query.limit], office)


def _is_open(session: Session, service_id: Any, instant: datetime) -> bool:
    return open_now(service_schedules(session, uuid.UUID(str(service_id))), instant)


def service_schedules(session: Session, service_id: uuid.UUID) -> list[Any]:
    """Every schedule of a service: its own and those of its places."""
    places = select(d.ServiceAtLocation.id).where(d.ServiceAtLocation.service_id == service_id)
    query = select(d.Schedule.__table__).where(
        (d.Schedule.service_id == service_id) | d.Schedule.service_at_location_id.in_(places)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def _hits(
    session: Session, query: SearchQuery, found: list[tuple[int, Any]], office: Commune | None
) -> list[Hit]:
    ids = [uuid.UUID(str(row.service_id)) for _, row in found]
    services = {row["id"]: row for row in rows_of(session, d.Service, id=ids)}
    organization_ids = [service["organization_id"] for service in services.values()]
    organizations = {
        row["id"]: row for row in rows_of(session, d.Organization, id=organization_ids)
    }
    communes = service_communes(session, ids)
    hits = []
    for (tier, row), key in zip(found, ids, strict=True):
        service = services[key]
        organization = organizations.get(service["organization_id"])
        hits.append(
            Hit(
                service_id=key,
                name=localised(service, "name", query.language) or "",
                organization=localised(organization, "name", query.language)
                if organization
                else None,
                commune=commune_label(communes[key], query.language) if key in communes else None,
                commune_code=communes.get(key),
                score=float(len(_TIERS) - tier),
                distance_km=distance_km(row.latitude, row.longitude, office),
                status=str(service["status"]),
                categories=[token[4:] for token in row.facets.split() if token.startswith("cat_")],
            )
        )
    return hits


def service_communes(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The commune of each service's first address: its HCP code (a commune not known, or
    an address without one: the commune or city as written)."""
    query = (
        select(d.ServiceAtLocation.service_id, d.Address.commune, d.Address.city)
        .join(d.Address, d.ServiceAtLocation.location_id == d.Address.location_id)
        .where(d.ServiceAtLocation.service_id.in_(ids))
    )
    communes: dict[uuid.UUID, str] = {}
    for service_id, commune, city in session.execute(query):
        name = commune or city
        if service_id is not None and service_id not in communes and name:
            known = find_commune(name)
            communes[service_id] = known.code if known else name
    return communes
