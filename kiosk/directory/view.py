"""The service directory as the office shows it: reads for the office, and translated texts.

The functions that read the database (``find_services``, ``load_card``, ``browse``) take the
office context and return plain data (the windows run them on their worker thread,
``baom directory search`` calls ``find_services``); the text functions turn that data into
sentences in a window's language. The desk page and the kiosk browse share both.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from kiosk.directory.card import service_card
from kiosk.directory.hours_text import HoursWords, hours_text
from kiosk.directory.profile import COMMUNES, Commune, commune_label, find_commune
from kiosk.directory.search import Hit, SearchQuery, distance_km, search
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from protocol.communes import commune_code, load, province

OTHER_LANGUAGES = {"es": "Español", "ur": "اردو", "wo": "Wolof", "ff": "Pulaar", "bm": "Bamanankan"}


def office_commune(context: OfficeContext) -> Commune | None:
    """The commune of this office (stored as its HCP code), as the directory profile knows
    it (with its position, for distances)."""
    return find_commune(context.office_commune) if context.office_commune else None


def find_services(context: OfficeContext, query: SearchQuery) -> list[Hit]:
    """The services matching ``query``: the best matches first, nearest to the office first
    among equal matches (``kiosk.directory.search``; worker thread)."""
    office = office_commune(context)
    with context.store.session() as session:
        return search(session, query, office)


def load_card(
    context: OfficeContext, service_id: str, language: str, now: datetime | None = None
) -> dict[str, Any]:
    """The card of one service in ``language``, with its distance from the office."""
    office = office_commune(context)
    with context.store.session() as session:
        card = service_card(session, service_id, language, now or datetime.now(UTC))
    located = [place for place in card["locations"] if place["latitude"] is not None]
    card["distance_km"] = (
        distance_km(located[0]["latitude"], located[0]["longitude"], office) if located else None
    )
    return card


def browse(
    context: OfficeContext, category: str, commune: str | None, language: str, limit: int = 20
) -> list[dict[str, Any]]:
    """What the kiosk shows of the services of one need category: names, hours, addresses.

    Nothing else leaves this function: no phone, no eligibility, never personal data.
    ``commune`` is an HCP code (the kiosk's commune buttons) or a name, read as its code.
    """
    code = commune_code(commune) if commune else None
    query = SearchQuery(category=category, commune=code, language=language, limit=limit)
    hits = [hit for hit in find_services(context, query) if not code or hit.commune_code == code]
    shown: list[dict[str, Any]] = []
    for hit in hits[:limit]:
        card = load_card(context, str(hit.service_id), language)
        shown.append(
            {
                "service_id": card["service_id"],
                "name": card["name"],
                "commune": card["commune"],
                "hours": card["hours"],
                "addresses": [a for place in card["locations"] for a in place["addresses"]],
                "demo": is_demo(card),
            }
        )
    return shown


def is_demo(card: Mapping[str, Any]) -> bool:
    """Whether the data of a card says any of its contact details are demo data."""
    addresses = [a for place in card.get("locations", ()) for a in place.get("addresses", ())]
    records = [*addresses, *card.get("phones", ()), *card.get("hours", ())]
    return any(record.get("demo") for record in records)


def places() -> list[str]:
    """The commune filter's choices: the profile's communes, then the provinces and
    préfectures of Souss-Massa, each by its HCP code."""
    return [*(commune.code for commune in COMMUNES), *(p.code for p in load().provinces)]


def place_label(code: str, tr: Translator, language: str) -> str:
    """A choice of the commune filter in ``language``: a commune's name, or a province's
    or préfecture's name marked as such."""
    found = province(code)
    if found is None:
        return commune_label(code, language)
    kind = "prefecture" if found.prefecture else "province"
    return tr(f"desk.directory.{kind}", name=found.name(language))


def language_name(code: str, names: Mapping[str, str]) -> str:
    """A language's name in its own script (``names``: the interface languages)."""
    return names.get(code) or OTHER_LANGUAGES.get(code) or code


def hours_words(tr: Translator) -> HoursWords:
    """The screen catalog's words for opening hours, in the language of ``tr``."""
    return HoursWords.looked_up(
        tr, "directory.day", "desk.directory.all_day", "desk.directory.hours_line"
    )


def hours_lines(hours: Sequence[Mapping[str, Any]], tr: Translator) -> list[str]:
    """Each schedule as one line: days and times, or "24 hours a day"."""
    return hours_text(hours, hours_words(tr))


def km_text(value: float, language: str) -> str:
    """A distance in kilometres as written in ``language`` (a decimal comma in French)."""
    return f"{value:.1f}".replace(".", ",") if language == "fr" else f"{value:.1f}"


def address_line(address: Mapping[str, Any], language: str) -> str:
    """One address on one line, the commune in the script of ``language``."""
    commune = address.get("commune") or address.get("city") or ""
    parts = [address.get("address_1"), address.get("address_2"), commune_label(commune, language)]
    comma = "\u060c " if language == "ar" else ", "
    # each part isolated (FSI … PDI), so that a French address keeps its own order in Arabic
    return comma.join(f"\u2068{part}\u2069" for part in parts if part)


def eligibility_lines(eligibility: Mapping[str, Any], tr: Translator) -> list[str]:
    """Who may use the service, one line per rule."""
    lines = [
        ", ".join(tr(f"directory.visitor.{key}") for key in eligibility.get("categories") or [])
    ]
    if eligibility.get("sex") == "female":
        lines.append(tr("desk.directory.women_only"))
    elif eligibility.get("sex") == "male":
        lines.append(tr("desk.directory.men_only"))
    low, high = eligibility.get("minimum_age"), eligibility.get("maximum_age")
    if low is not None and high is not None:
        lines.append(tr("desk.directory.ages", minimum=low, maximum=high))
    elif low is not None:
        lines.append(tr("desk.directory.minimum_age", minimum=low))
    elif high is not None:
        lines.append(tr("desk.directory.maximum_age", maximum=high))
    if eligibility.get("description"):
        lines.append(str(eligibility["description"]))
    return [line for line in lines if line]


def card_html(
    card: Mapping[str, Any], tr: Translator, language: str, names: Mapping[str, str]
) -> str:
    """The service card as rich text for a QTextBrowser, mirrored for a right-to-left language."""
    e = html.escape
    direction = "rtl" if tr.right_to_left else "ltr"
    parts = [f'<div dir="{direction}">', f"<h2>{e(card.get('name') or '')}</h2>"]
    if card.get("organization"):
        parts.append(f"<p><i>{e(card['organization'])}</i></p>")
    needs = [tr(f"directory.category.{key}") for key in card.get("categories", ())]
    if needs:
        parts.append(f'<p style="color:#1f4e79">{e(" · ".join(needs))}</p>')
    if is_demo(card):
        parts.append(
            '<p style="background:#fff4ce;color:#6b4f00;font-weight:bold">'
            f"&#9888; {e(tr('desk.directory.demo_warning'))}</p>"
        )
    state = "is_open" if card.get("open_now") else "is_closed"
    colour = "#1b6e20" if card.get("open_now") else "#8a1c14"
    parts.append(f'<p style="color:{colour};font-weight:bold">{e(tr(f"desk.directory.{state}"))}')
    if card.get("distance_km") is not None:
        km = km_text(card["distance_km"], language)
        parts.append(" · " + e(tr("desk.directory.distance", km=km)))
    parts.append("</p>")
    if card.get("description"):
        parts.append(f"<p>{e(card['description'])}</p>")

    def section(title: str, lines: Sequence[str]) -> None:
        shown = [line for line in lines if line] or [tr("desk.directory.none")]
        items = "".join(f"<li>{e(line)}</li>" for line in shown)
        parts.append(f"<h4>{e(tr(title))}</h4><ul>{items}</ul>")

    addresses = [a for place in card.get("locations", ()) for a in place.get("addresses", ())]
    section("desk.directory.address", [address_line(a, language) for a in addresses])
    notes = {str(h["description"]) for h in card.get("hours", ()) if h.get("description")}
    section("desk.directory.hours", [*hours_lines(card.get("hours", ()), tr), *sorted(notes)])
    demo = tr("desk.directory.demo")
    section(
        "desk.directory.phones",
        [
            "\u2066"
            + phone["number"]
            + "\u2069"
            + (" (WhatsApp)" if phone.get("type") == "whatsapp" else "")
            + (f" ({demo})" if phone.get("demo") else "")
            for phone in card.get("phones", ())
        ],
    )
    section(
        "desk.directory.languages",
        [", ".join(language_name(code, names) for code in card.get("languages", ()))],
    )
    section("desk.directory.documents", list(card.get("required_documents", ())))
    section("desk.directory.eligibility", eligibility_lines(card.get("eligibility", {}), tr))
    parts.append("</div>")
    return "".join(parts)
