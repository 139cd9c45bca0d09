"""The slip of a real referral: its service from the directory in the four languages.

What the slip says is read in one session and returned as plain data (:class:`SlipContent`):
the service's name, address, opening hours, phone and required documents in every slip
language (the referral's copied service name when the service has left the directory),
the need, the office, its commune and desk, the referral code and the counter-referral
link. Nothing personal: at most the person's first name, when ``slip.print_first_name``
is on. The slip's language is the person's preferred one unless another is asked for.
A discreet referral's slip (:func:`discreet`) carries the code, the date, the office and a
neutral title, never the service, its category or its contact details.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from db.base import utcnow
from db.cases import Case, Person, Referral, ReferralState
from kiosk.cases.referrals import OPEN_STATES, ReferralError, find_referral, referral_url
from kiosk.directory.card import UnknownService, service_card
from kiosk.directory.hours_text import HoursWords, hours_text
from kiosk.directory.profile import find_commune
from kiosk.itineraries.loader import load_catalogue
from kiosk.itineraries.views import next_step
from kiosk.office import OfficeContext
from kiosk.settings import LANGUAGE_CODES
from printing.errors import SlipError
from printing.labels import Localized, print_labels
from printing.office_labels import (
    desk_labels,
    machine_desk,
    need_labels,
    office_config,
)
from printing.slip import SlipContent
from protocol.communes import commune_name as hcp_commune_name

DEFAULT_LANGUAGE = "fr"
ARABIC_COMMA = "\u060c "
HOURS_SEPARATOR = " · "


@dataclass(frozen=True)
class ReferralSlip:
    """A referral's slip content, with what printing it needs to know about the referral."""

    content: SlipContent
    referral_id: uuid.UUID
    state: ReferralState
    language: str  # the person's preferred slip language (French when unknown)

    @property
    def printable(self) -> bool:
        """Whether the referral is still open, so that its slip may be handed out."""
        return self.state in OPEN_STATES


def slip_hours_words(language: str) -> HoursWords:
    """The printed words for opening hours in ``language``."""
    labels = print_labels()
    return HoursWords.looked_up(
        lambda key: labels.text(language, key), "hours.day", "hours.all_day", "hours.line"
    )


def commune_name(name: str, language: str) -> str:
    """A commune in the script of ``language`` (Arabic, Tifinagh when known, else Latin)."""
    commune = find_commune(name) if name else None
    if commune is None:
        return name
    if language == "ar":
        return commune.name_ar
    if language == "zgh" and commune.name_zgh:
        return commune.name_zgh
    return commune.name


def address_text(card: Mapping[str, Any], language: str) -> str:
    """The service's first address on one line, its commune in the script of ``language``."""
    for place in card.get("locations", ()):
        for address in place.get("addresses", ()):
            commune = commune_name(address.get("commune") or address.get("city") or "", language)
            parts = [address.get("address_1"), address.get("address_2"), commune]
            comma = ARABIC_COMMA if language == "ar" else ", "
            # each part isolated, so that a Latin street keeps its order in Arabic
            return comma.join(f"\u2068{part}\u2069" for part in parts if part)
    return ""


def phone_text(card: Mapping[str, Any]) -> str:
    """The service's phone numbers, a voice line first."""
    phones = sorted(card.get("phones", ()), key=lambda phone: phone.get("type") == "whatsapp")
    numbers = dict.fromkeys(str(phone["number"]) for phone in phones if phone.get("number"))
    return ", ".join(list(numbers)[:2])


def is_demo_card(card: Mapping[str, Any]) -> bool:
    """Whether any contact detail of the card is demo data (the slip then says so)."""
    addresses = [a for place in card.get("locations", ()) for a in place.get("addresses", ())]
    return any(record.get("demo") for record in [*addresses, *card.get("phones", ())])


def _documents(cards: Mapping[str, Mapping[str, Any]]) -> tuple[Localized, ...]:
    lists = {lang: list(card.get("required_documents") or ()) for lang, card in cards.items()}
    count = max((len(documents) for documents in lists.values()), default=0)
    return tuple(
        {lang: documents[index] for lang, documents in lists.items() if index < len(documents)}
        for index in range(count)
    )


def _cards(session: Session, referral: Referral, now: datetime) -> dict[str, dict[str, Any]]:
    try:
        return {
            lang: service_card(session, str(referral.service_id), lang, now)
            for lang in LANGUAGE_CODES
        }
    except UnknownService:
        return {}


def _service(referral: Referral, cards: Mapping[str, Mapping[str, Any]]) -> Localized:
    names = {lang: str(card["name"]) for lang, card in cards.items() if card.get("name")}
    return names or {DEFAULT_LANGUAGE: referral.service_name or referral.organization_name}


def _addresses(cards: Mapping[str, Mapping[str, Any]]) -> Localized:
    texts = {lang: address_text(card, lang) for lang, card in cards.items()}
    return {lang: text for lang, text in texts.items() if text}


def _hours(cards: Mapping[str, Mapping[str, Any]]) -> Localized:
    texts: dict[str, str] = {}
    for lang, card in cards.items():
        lines: Sequence[str] = hours_text(card.get("hours") or (), slip_hours_words(lang))
        if lines:
            texts[lang] = HOURS_SEPARATOR.join(lines)
    return texts


def discreet(content: SlipContent) -> SlipContent:
    """The slip of a discreet referral: a neutral title in place of the service, and no
    need, address, hours, phone, documents or itinerary step (a step names the need as
    much as the service would; the officer says where to go, and the partner's page,
    behind the QR code, shows the details)."""
    labels = print_labels()
    title = {lang: labels.text(lang, "slip.discreet") for lang in LANGUAGE_CODES}
    return replace(
        content,
        service=title,
        need={},
        address={},
        hours={},
        phone="",
        documents=(),
        demo=False,
        next_step=None,
        next_deadline="",
        next_documents=(),
    )


def _person(session: Session, referral: Referral) -> Person | None:
    case = session.get(Case, referral.case_id)
    return session.get(Person, case.person_id) if case is not None else None


def _next_step(session: Session, referral: Referral) -> dict[str, Any]:
    """What the slip says of the itinerary of the referral's need: the step the person is
    at, its legal deadline and its documents, in every slip language (nothing personal:
    a template's words and a date)."""
    found = next_step(session, referral.case_id, referral.need_key)
    if found is None:
        return {}
    template, row = found
    step = template.step(row.step_key)
    catalogue = load_catalogue()
    return {
        "next_step": {lang: step.title(lang) for lang in LANGUAGE_CODES},
        "next_deadline": row.deadline_on.isoformat() if row.deadline_on else "",
        "next_documents": tuple(
            {lang: catalogue.document(key, lang) for lang in LANGUAGE_CODES}
            for key in step.documents
        ),
    }


def read_referral_slip(
    context: OfficeContext, code: str, counter: int | None = None, at: datetime | None = None
) -> ReferralSlip:
    """The slip of the referral ``code`` (or id), given at desk ``counter``, at ``at`` (now).

    An unknown code is a :class:`SlipError` that names it.
    """
    now = at or utcnow()
    config = office_config(context)
    with_first_name = bool(context.settings.get("slip.print_first_name"))
    with context.store.session() as session:
        try:
            referral = find_referral(session, code)
        except ReferralError as error:
            known = str(error).startswith("no referral")
            why = "this office has no referral with that code" if known else str(error)
            raise SlipError(f"there is no referral {code.strip()} to print: {why}") from None
        cards = _cards(session, referral, now)
        person = _person(session, referral)
        preferred = person.language if person is not None else ""
        first_name = person.given_name if person is not None and with_first_name else None
        content = SlipContent(
            office=context.office_name,
            commune=hcp_commune_name(context.office_commune, "fr"),
            issued_at=now,
            desk=desk_labels(config, machine_desk(context, counter)),
            code=referral.code,
            service=_service(referral, cards),
            need=need_labels(config, referral.need_key),
            address=_addresses(cards),
            hours=_hours(cards),
            phone=phone_text(cards.get(DEFAULT_LANGUAGE, {})),
            documents=_documents(cards),
            counter_referral_url=(
                referral_url(context.regional_url, referral.token)
                if context.knows_regional_server
                else ""
            ),
            first_name=first_name or None,
            demo=any(is_demo_card(card) for card in cards.values()),
            **_next_step(session, referral),
        )
        return ReferralSlip(
            content=discreet(content) if referral.discreet else content,
            referral_id=referral.id,
            state=ReferralState(referral.state),
            language=preferred if preferred in LANGUAGE_CODES else DEFAULT_LANGUAGE,
        )


def referral_slip_for(context: OfficeContext, code: str, counter: int | None = None) -> SlipContent:
    """What the slip of the referral ``code`` prints, given at desk ``counter`` now."""
    return read_referral_slip(context, code, counter).content
