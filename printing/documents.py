"""The queue ticket and the printer test page, as layouts.

A ticket shows the office, its number very large, the reason of visit in the visitor's
language and in French, the date and time, and how many people are before. The test page
shows the four scripts, a QR code and a ruler across the whole width, so a new printer's
setup (width, profile, fonts) can be judged at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.clock import office_time
from printing.labels import Localized, pick, print_labels
from printing.layout import (
    LARGE,
    SMALL,
    Align,
    Block,
    Document,
    QRCode,
    Rule,
    Space,
    Text,
    WidthRuler,
)

NUMBER_SIZE = 144
SCRIPTS = ("ar", "fr", "en", "zgh")


@dataclass(frozen=True)
class TicketContent:
    """What a queue ticket prints."""

    office: str
    number: str
    reason: Localized
    language: str
    issued_at: datetime
    people_before: int
    priority: bool = False  # printed as "priority ticket", never why (it is the visitor's own)


def ticket_document(ticket: TicketContent) -> Document:
    """The layout of a queue ticket: visitor's language first, then French."""
    words = print_labels()
    languages = (ticket.language,) if ticket.language == "fr" else (ticket.language, "fr")
    moment = office_time(ticket.issued_at)
    blocks: list[Block] = [
        Text(ticket.office, "fr", align=Align.CENTER),
        Text(ticket.number, "fr", NUMBER_SIZE, bold=True, align=Align.CENTER),
    ]
    blocks += [
        Text(pick(ticket.reason, lang), lang, LARGE, bold=True, align=Align.CENTER)
        for lang in languages
    ]
    if ticket.priority:
        blocks += [
            Text(words.text(lang, "ticket.priority"), lang, bold=True, align=Align.CENTER)
            for lang in languages
        ]
    blocks += [
        Text(
            words.text(lang, "ticket.before", count=ticket.people_before), lang, align=Align.CENTER
        )
        for lang in languages
    ]
    blocks.append(Text(moment, "fr", SMALL, align=Align.CENTER))
    blocks += [
        Text(words.text(lang, "ticket.keep"), lang, SMALL, align=Align.CENTER) for lang in languages
    ]
    blocks.append(Space(16))
    return Document(f"ticket {ticket.number}", tuple(blocks))


def printer_test_page(printer: str, width: int, profile: str, at: datetime) -> Document:
    """The test page: titles and samples in the four scripts, a QR code, a width ruler."""
    words = print_labels()
    moment = office_time(at)
    blocks: list[Block] = [
        Text(words.text(lang, "test.title"), lang, LARGE, bold=True) for lang in SCRIPTS
    ]
    blocks += [Rule(), Text(words.text("fr", "test.scripts"), "fr", bold=True)]
    blocks += [Text(words.text(lang, "test.sample"), lang) for lang in SCRIPTS]
    blocks += [
        Rule(),
        Text(f"{printer} · {width} dots · profile {profile or 'default'} · {moment}", "en", SMALL),
        QRCode(f"BAOM printer test: {width} dots"),
        Text(words.text("fr", "test.ruler"), "fr", SMALL),
        WidthRuler(),
        Space(16),
    ]
    return Document("test page", tuple(blocks))
