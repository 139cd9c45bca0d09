"""The orientation slip: what it says (no personal data) and its layout in one or two languages.

A slip tells the visitor where to go and what to bring, and lets the partner service confirm
the referral by scanning its QR code (``{regional_url}/r/{token}``). It carries no name,
phone, nationality or note: at most the first name, when the office enables it.
Sections come in the visitor's language, then in French (unless the office prints one
language only); Arabic sections are right-aligned, the others left-aligned.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.cases.codes import CODE_ALPHABET
from kiosk.clock import office_time
from printing.errors import SlipError
from printing.labels import Localized, pick, print_labels
from printing.layout import (
    LARGE,
    SMALL,
    Align,
    Block,
    CheckItem,
    Document,
    QRCode,
    Rule,
    Space,
    Text,
    is_right_to_left,
)

CODE_SIZE = 56
LEFT_TO_RIGHT_ISOLATE = "\u2066"
RIGHT_TO_LEFT_ISOLATE = "\u2067"
POP_ISOLATE = "\u2069"
BILINGUAL = "visitor_and_french"
ONE_LANGUAGE = "visitor_only"


def check_referral_code(code: str) -> str:
    """``code`` if it is written in the referral alphabet (dashes allowed), else an error."""
    letters = code.replace("-", "")
    if not letters or any(letter not in CODE_ALPHABET for letter in letters):
        raise SlipError(
            f"{code!r} is not a referral code: codes use the letters and digits "
            f"{CODE_ALPHABET} (never 0, O, 1, I or L)"
        )
    return code


@dataclass(frozen=True)
class SlipContent:
    """Everything a slip prints. Localized fields map a language code to its text."""

    office: str
    commune: str
    issued_at: datetime
    desk: Localized
    code: str
    service: Localized
    need: Localized
    address: Localized
    hours: Localized
    phone: str
    documents: tuple[Localized, ...]
    counter_referral_url: str
    """The partner page's address for its QR code; "" before the office knows its server."""
    first_name: str | None = None
    demo: bool = False
    next_step: Localized | None = None
    """The step the person is at on the itinerary of the referral's need, if any."""
    next_deadline: str = ""
    """The last day of that step's legal deadline (``YYYY-MM-DD``), if it has one."""
    next_documents: tuple[Localized, ...] = ()
    """The documents that step asks for."""

    def __post_init__(self) -> None:
        check_referral_code(self.code)
        if self.issued_at.tzinfo is None:
            raise SlipError("the slip's time must carry its time zone")


def slip_languages(language: str, mode: str) -> tuple[str, ...]:
    """The languages of a slip: the visitor's, then French unless one language is wanted."""
    if mode == ONE_LANGUAGE or language == "fr":
        return (language,)
    return (language, "fr")


def _starts_right_to_left(text: str) -> bool:
    """Whether the first letter of ``text`` (if any) belongs to a right-to-left script."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def labelled(language: str, key: str, value: Localized | str) -> str:
    """The line "label: value" in ``language`` (French puts a space before the colon)."""
    label = print_labels().text(language, key)
    text = value if isinstance(value, str) else pick(value, language)
    if is_right_to_left(language):
        # an isolate keeps "+212 528 00 00 00" in its own order inside right-to-left text;
        # chosen here, since Qt lays a first-strong isolate without letters right to left
        isolate = RIGHT_TO_LEFT_ISOLATE if _starts_right_to_left(text) else LEFT_TO_RIGHT_ISOLATE
        return f"{label}: {isolate}{text}{POP_ISOLATE}"
    return f"{label} : {text}" if language == "fr" else f"{label}: {text}"


def distinct(languages: Sequence[str], text_of: Callable[[str], object]) -> list[str]:
    """The languages whose text differs from every earlier one's: a text the directory has
    in French only is printed once, not once per slip language."""
    seen: list[object] = []
    kept = []
    for language in languages:
        text = text_of(language)
        if text not in seen:
            seen.append(text)
            kept.append(language)
    return kept


def written_in(texts: Localized, language: str) -> str:
    """The language ``texts`` shows for ``language``: French when it fell back to it."""
    text = pick(texts, language)
    return "fr" if language not in texts or (texts.get("fr") == text and text) else language


def _next_step(slip: SlipContent, languages: Sequence[str]) -> list[Block]:
    """The itinerary's next step: its title, its legal deadline, the documents it asks."""
    assert slip.next_step is not None
    words = print_labels()
    blocks: list[Block] = [Rule()]
    for lang in languages:
        blocks.append(Text(labelled(lang, "slip.next_step", slip.next_step), lang, bold=True))
        if slip.next_deadline:
            day = LEFT_TO_RIGHT_ISOLATE + slip.next_deadline + POP_ISOLATE
            blocks.append(Text(words.text(lang, "slip.before", date=day), lang, bold=True))
        if slip.next_documents:
            blocks.append(Text(words.text(lang, "slip.step_documents"), lang))
            blocks += [CheckItem(pick(document, lang), lang) for document in slip.next_documents]
    return blocks


def slip_document(slip: SlipContent, language: str, mode: str = BILINGUAL) -> Document:
    """The layout of ``slip`` for a visitor who reads ``language``."""
    words = print_labels()
    languages = slip_languages(language, mode)
    moment = office_time(slip.issued_at)

    def each(make: Callable[[str], Block]) -> list[Block]:
        return [make(lang) for lang in languages]

    def line(key: str, value: Localized | str) -> list[Block]:
        if not (value if isinstance(value, str) else any(value.values())):
            return []  # a service without a phone, or gone from the directory: no empty line
        return each(lambda lang: Text(labelled(lang, key, value), lang))

    blocks: list[Block] = [
        Text(slip.office, "fr", LARGE, bold=True, align=Align.CENTER),
        Text(slip.commune, "fr", align=Align.CENTER),
        Space(8),
        *each(lambda lang: Text(words.text(lang, "slip.title"), lang, LARGE, bold=True)),
        *line("slip.date", moment),
        *line("slip.desk", slip.desk),
        Rule(),
        *each(lambda lang: Text(words.text(lang, "slip.code"), lang, SMALL)),
        Text(slip.code, "fr", CODE_SIZE, bold=True, align=Align.CENTER),
        Rule(),
        *[
            Text(pick(slip.service, lang), written_in(slip.service, lang), LARGE, bold=True)
            for lang in distinct(languages, lambda lang: pick(slip.service, lang))
        ],
        *line("slip.need", slip.need),
        *line("slip.address", slip.address),
        *line("slip.hours", slip.hours),
        *line("slip.phone", slip.phone),
    ]
    if slip.first_name:
        blocks += line("slip.first_name", slip.first_name)
    lists = {lang: tuple(pick(document, lang) for document in slip.documents) for lang in languages}
    for lang in distinct(languages, lists.__getitem__) if slip.documents else ():
        # a list the directory has in French only prints once, under each language's heading
        same = [other for other in languages if lists[other] == lists[lang]]
        shown_in = "fr" if "fr" in same else lang
        blocks.append(Space(8))
        blocks += [Text(words.text(other, "slip.documents"), other, bold=True) for other in same]
        blocks += [CheckItem(text, shown_in) for text in lists[lang]]
    if slip.next_step:
        blocks += _next_step(slip, languages)
    blocks.append(Rule())
    if slip.counter_referral_url:
        blocks.append(QRCode(slip.counter_referral_url))
    partner = "slip.scan" if slip.counter_referral_url else "slip.no_qr"
    blocks += each(lambda lang: Text(words.text(lang, partner), lang, SMALL, align=Align.CENTER))
    if slip.demo:
        blocks += each(
            lambda lang: Text(
                words.text(lang, "slip.demo"), lang, SMALL, bold=True, align=Align.CENTER
            )
        )
    blocks.append(Space(16))
    return Document(f"slip {slip.code}", tuple(blocks))
