"""The search documents of services: normalised text and facets, kept in step with the data.

One ``hsds_search_document`` row per service; triggers copy it into the FTS5 index. Its
columns: ``name`` (service and organization names, every language), ``category`` (need
category labels), ``description``, ``infix`` (suffixes of name and category words, for
substring search) and ``facets`` (filter tokens: ``cat_health``, ``commune_09_581_01_07``
(a commune by its HCP code; one not known by its name), ``province_09_551`` and
``province_tata`` (the province by code and as the address names it), ``lang_ar``,
``elig_rpt``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db import directory as d
from kiosk.directory.normalise import facet, index_terms, infixes
from kiosk.directory.profile import all_texts
from kiosk.directory.rows import rows_of
from protocol.communes import find_commune

_CHUNK = 500
_WHOLE_TABLE = 5_000
_SERVICE_CHILDREN = (
    d.Phone,
    d.Schedule,
    d.Language,
    d.RequiredDocument,
    d.CostOption,
    d.ServiceArea,
)


def affected_services(session: Session, changed: dict[str, set[uuid.UUID]]) -> set[uuid.UUID]:
    """The services whose search document depends on one of the changed rows."""
    services = set(changed.get("service", ()))
    for model in (*_SERVICE_CHILDREN, d.ServiceAtLocation):
        ids = changed.get(model.__tablename__.removeprefix("hsds_"), set())
        if ids:
            services |= _select(session, model.service_id, model.id, ids)
    locations = set(changed.get("location", ()))
    if changed.get("address"):
        locations |= _select(session, d.Address.location_id, d.Address.id, changed["address"])
    if locations:
        services |= _select(
            session, d.ServiceAtLocation.service_id, d.ServiceAtLocation.location_id, locations
        )
    if changed.get("organization"):
        services |= _select(
            session, d.Service.id, d.Service.organization_id, changed["organization"]
        )
    terms = set(changed.get("taxonomy_term", ()))
    if changed.get("attribute"):
        services |= _select(session, d.Attribute.link_id, d.Attribute.id, changed["attribute"])
    if terms:
        services |= _select(session, d.Attribute.link_id, d.Attribute.taxonomy_term_id, terms)
    return {service for service in services if service is not None}


@lru_cache(maxsize=4096)
def _shared_terms_cached(text: str) -> tuple[str, ...]:
    return tuple(index_terms(text))


def _shared_terms(text: str) -> list[str]:
    """The index terms of a text that many services share (organization, categories)."""
    return list(_shared_terms_cached(text))


def _select(session: Session, wanted: Any, key: Any, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    ordered = list(ids)
    if len(ordered) > _WHOLE_TABLE:  # one pass over the table beats a hundred IN queries
        wanted_keys = set(ordered)
        return {value for value, k in session.execute(select(wanted, key)) if k in wanted_keys}
    for start in range(0, len(ordered), _CHUNK):
        found |= set(
            session.scalars(select(wanted).where(key.in_(ordered[start : start + _CHUNK])))
        )
    return found


def reindex(session: Session, services: set[uuid.UUID]) -> None:
    """Rebuild the search documents of ``services`` (the ones that no longer exist go)."""
    ordered = sorted(services)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        session.execute(delete(d.SearchDocument).where(d.SearchDocument.service_id.in_(chunk)))
        documents = _documents(session, chunk)
        if documents:
            session.execute(insert(d.SearchDocument), documents)


def _documents(session: Session, chunk: list[uuid.UUID]) -> list[dict[str, Any]]:
    services = rows_of(session, d.Service, id=chunk)
    organizations = {
        row["id"]: row
        for row in rows_of(session, d.Organization, id=[s["organization_id"] for s in services])
    }
    places = rows_of(session, d.ServiceAtLocation, service_id=chunk)
    location_ids = [place["location_id"] for place in places]
    locations = {row["id"]: row for row in rows_of(session, d.Location, id=location_ids)}
    addresses = defaultdict(list)
    for row in rows_of(session, d.Address, location_id=location_ids):
        addresses[row["location_id"]].append(row)
    where = defaultdict(list)
    for place in places:
        where[place["service_id"]].append(place["location_id"])
    languages = defaultdict(set)
    for row in rows_of(session, d.Language, service_id=chunk):
        languages[row["service_id"]].add(row["code"])
    terms = defaultdict(list)
    links = session.execute(
        select(d.Attribute.link_id, d.TaxonomyTerm.__table__)
        .join(d.TaxonomyTerm, d.TaxonomyTerm.id == d.Attribute.taxonomy_term_id)
        .where(d.Attribute.link_id.in_(chunk))
    ).mappings()
    for link in links:
        terms[link["link_id"]].append(dict(link))
    documents = []
    for service in services:
        organization = organizations.get(service["organization_id"])
        service_locations = [locations[key] for key in where[service["id"]] if key in locations]
        service_addresses = [a for loc in service_locations for a in addresses[loc["id"]]]
        name_terms = index_terms(
            " ".join(all_texts(service, "name") + all_texts(service, "alternate_name"))
        )
        if organization is not None:
            name_terms += _shared_terms(" ".join(all_texts(organization, "name")))
        category_text = [text for term in terms[service["id"]] for text in all_texts(term, "name")]
        category_terms = _shared_terms(" ".join(category_text))
        facets = [facet("cat", term["code"]) for term in terms[service["id"]] if term["code"]]
        facets += [facet("lang", code) for code in languages[service["id"]] if code]
        facets += _place_facets(service_addresses)
        categories = service["eligible_categories"] or ["everyone"]
        facets += [facet("elig", category) for category in categories]
        position = next(
            (
                loc
                for loc in service_locations
                if loc["latitude"] is not None and loc["longitude"] is not None
            ),
            None,
        )
        documents.append(
            {
                "service_id": service["id"],
                "name": " ".join(name_terms),
                "category": " ".join(category_terms),
                "description": " ".join(index_terms(" ".join(all_texts(service, "description")))),
                "infix": " ".join(infixes(name_terms + category_terms)),
                "facets": " ".join(dict.fromkeys(facets)),
                "latitude": position["latitude"] if position else None,
                "longitude": position["longitude"] if position else None,
            }
        )
    return documents


def _place_facets(addresses: list[Any]) -> list[str]:
    facets = []
    for address in addresses:
        commune = address["commune"] or address["city"]
        known = find_commune(commune) if commune else None
        if commune:
            facets.append(facet("commune", known.code if known else commune))
        if known is not None:
            facets.append(facet("province", known.province))
        if address["province"]:
            facets.append(facet("province", address["province"]))
    return facets
