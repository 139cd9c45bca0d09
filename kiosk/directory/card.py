"""The service card: everything the officer is told about one service, in one language."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import directory as d
from kiosk.directory.hours import open_now
from kiosk.directory.profile import commune_label, localised
from kiosk.directory.rows import rows_of
from kiosk.directory.search import service_communes, service_schedules


class UnknownService(LookupError):
    """No service has this id."""


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


def service_card(session: Session, service_id: str, language: str, now: datetime) -> dict[str, Any]:
    """The card of ``service_id`` in ``language`` (with the profile's fallback order)."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        raise UnknownService(f"{service_id!r} is not a service id") from None
    found = rows_of(session, d.Service, id=key)
    if not found:
        raise UnknownService(f"no service {service_id} in the directory")
    service = found[0]
    organizations = rows_of(session, d.Organization, id=service["organization_id"])
    places = rows_of(session, d.ServiceAtLocation, service_id=key)
    locations = rows_of(session, d.Location, id=[place["location_id"] for place in places])
    addresses = rows_of(session, d.Address, location_id=[location["id"] for location in locations])
    terms = session.scalars(
        select(d.TaxonomyTerm.code)
        .join(d.Attribute, d.Attribute.taxonomy_term_id == d.TaxonomyTerm.id)
        .where(d.Attribute.link_id == key)
    )
    schedules = service_schedules(session, key)
    commune = service_communes(session, [key]).get(key)
    return {
        "service_id": str(key),
        "name": localised(service, "name", language),
        "description": localised(service, "description", language),
        "organization": localised(organizations[0], "name", language) if organizations else None,
        "status": str(service["status"]),
        "commune": commune_label(commune, language) if commune else None,
        "commune_code": commune,
        "categories": [code for code in terms if code],
        "eligibility": {
            "categories": service["eligible_categories"] or ["everyone"],
            "sex": service["eligible_sex"],
            "minimum_age": service["minimum_age"],
            "maximum_age": service["maximum_age"],
            "description": localised(service, "eligibility_description", language),
        },
        "locations": [
            {
                "name": localised(location, "name", language),
                "latitude": location["latitude"],
                "longitude": location["longitude"],
                "addresses": [
                    {key: _plain(value) for key, value in address.items() if key != "location_id"}
                    for address in addresses
                    if address["location_id"] == location["id"]
                ],
            }
            for location in locations
        ],
        "phones": [
            {"number": phone["number"], "type": phone["type"], "demo": phone["demo"]}
            for phone in rows_of(session, d.Phone, service_id=key)
        ],
        "hours": [
            {
                "byday": schedule["byday"],
                "opens_at": schedule["opens_at"],
                "closes_at": schedule["closes_at"],
                "description": localised(schedule, "description", language),
                "demo": schedule["demo"],
            }
            for schedule in schedules
        ],
        "open_now": open_now(schedules, now),
        "languages": sorted(
            {
                row["code"] or row["name"] or ""
                for row in rows_of(session, d.Language, service_id=key)
            }
        ),
        "required_documents": [
            localised(document, "document", language)
            for document in rows_of(session, d.RequiredDocument, service_id=key)
        ],
    }
