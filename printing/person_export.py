"""A person's export (``kiosk.persons.export``) as an A4 PDF written for the person.

In the export's language, with plain headings, dates in words (``6 décembre 2026``, ``6
ماي 2026``), services, needs, states and reasons by their names, Arabic right to left; each
page carries the office's name, the date of the export and its number. The text is laid
out by a ``QTextDocument`` (Qt shapes Arabic and Tifinagh with the bundled fonts) and
paginated on a ``QPdfWriter``, as the recovery sheet is drawn.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kiosk.clock import office_moment
from kiosk.directory.profile import commune_label
from kiosk.document_words import DocumentWords
from kiosk.forms.countries import country_name
from kiosk.i18n import default_catalog
from kiosk.persons.export import IDENTITY
from printing.a4 import a4_writer, paint_pages, text_document
from printing.layout import is_right_to_left
from printing.qtenv import ensure_qt

MARGIN_MM = 18.0
BODY_POINTS = 10.5
SMALL_POINTS = 8.5
CHOICES = {
    "sex": "person.sex",
    "category": "person.category",
    "language": "person.language",
}
"""The person's fields whose value is one of the intake form's choices."""
CONSENTS = ("consent_record", "consent_share", "consent_stats")


def _isolated(text: object) -> str:
    """``text`` escaped, kept in its own direction inside a line of either direction."""
    return f"\u2068{html.escape(str(text))}\u2069"


class _Words(DocumentWords):
    """What the PDF says, in the export's language: the catalog, dates, the form's labels."""

    def day(self, value: date | datetime | str | None) -> str:
        """A day in words: ``6 décembre 2026`` (a moment on the office's clock)."""
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        if isinstance(value, datetime):
            value = office_moment(value).date()
        return self.date(value)

    def moment(self, stamp: str | None) -> str:
        """A moment in words with its time on the office's clock."""
        if stamp is None:
            return ""
        time = office_moment(datetime.fromisoformat(stamp)).strftime("%H:%M")
        return self.tr("person_export.moment", date=self.day(stamp), time=time)

    def line(self, label: str, value: str) -> str:
        """``label : value`` as the language writes it (the form's ``field_error``)."""
        return html.escape(
            self.form.message("field_error", self.language, label=label, message=value)
        )

    def by(self, account: str) -> str:
        return _isolated(account) if account else self.tr("person_export.nobody")

    def yes_no(self, value: object) -> str:
        return self.tr("person_export.yes" if value else "person_export.no")

    def value(self, field: str, value: Any) -> str:
        """A field of the person as the person reads it."""
        if value is None or value == "":
            return "—"
        if field in CHOICES:
            return html.escape(self.choice(CHOICES[field], str(value)))
        if field == "nationality":
            return html.escape(country_name(str(value), self.language))
        if field == "commune":
            return _isolated(commune_label(str(value), self.language))
        if isinstance(value, bool):
            return self.yes_no(value)
        return _isolated(value)

    def field(self, name: str) -> str:
        return html.escape(self.tr(f"desk.person_field.{name}"))

    def need(self, key: str) -> str:
        return html.escape(self.tr(f"directory.category.{key}"))

    def action(self, action: str) -> str:
        key = f"person_export.action.{action}"
        if key in default_catalog().keys():
            return self.tr(key)
        return self.tr("person_export.action.other", action=action)


def _heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{html.escape(text)}</h{level}>"


def _paragraph(text: str) -> str:
    return f"<p>{text}</p>"


def _items(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"


def _identity(words: _Words, person: dict[str, Any]) -> Iterator[str]:
    """The person's fields, one line each (``label : value`` as the language writes it)."""
    lines = [
        words.form.message(
            "field_error",
            words.language,
            label=f"<b>{words.field(field)}</b>",
            message=words.value(field, person.get(field)),
        )
        for field in IDENTITY
    ]
    yield _paragraph("<br/>".join(lines))


def _consents(words: _Words, cases: list[dict[str, Any]]) -> Iterator[str]:
    yield _heading(words("person_export.consents_title"))
    for case in cases:
        for intake in case["intakes"]:
            lines = [
                words.line(
                    words.form.field(key.replace("_", ".", 1)).label(words.language),
                    words.yes_no(intake[key]),
                )
                for key in CONSENTS
            ]
            if intake["consent_method"]:
                label = words.form.field("consent.method").label(words.language)
                lines.append(
                    words.line(label, words.choice("consent.method", intake["consent_method"]))
                )
            on = words("person_export.consent_on", date=words.day(intake["at"]))
            yield _paragraph(html.escape(on)) + _items(lines)


def _case(words: _Words, case: dict[str, Any]) -> Iterator[str]:
    yield _heading(words("person_export.case_title", code=case["code"]), 3)
    opened = words(
        "person_export.case_opened",
        date=words.day(case["opened_at"]),
        by=words.by(case["opened_by"]),
    )
    status = (
        words("person_export.case_open")
        if case["status"] == "open"
        else words(
            "person_export.case_closed",
            date=words.day(case["closed_at"]),
            reason=words(f"desk.close_reason.{case['close_reason']}")
            if case["close_reason"]
            else "—",
        )
    )
    yield _paragraph(f"{opened} {status}")
    visits = case["visits"]
    yield _heading(words("person_export.visits_title", count=len(visits)), 4)
    yield _paragraph(
        " · ".join(words.day(visit["at"]) for visit in visits) or words("person_export.none")
    )
    yield _heading(words("person_export.needs_title"), 4)
    needs = []
    for need in case["needs"]:
        state = words(f"desk.need_state.{need['state']}")
        if need["reason"]:
            reason = words(f"desk.need_reason.{need['reason']}")
            line = words(
                "person_export.need_line_reason",
                need=words.need(need["need"]),
                state=state,
                reason=reason,
            )
        else:
            line = words("person_export.need_line", need=words.need(need["need"]), state=state)
        needs.append(line)
    yield _items(needs) if needs else _paragraph(words("person_export.none"))
    if case["notes"]:
        yield _heading(words("person_export.notes_title"), 4)
        yield _items(
            [
                words(
                    "person_export.note_line",
                    date=words.day(note["at"]),
                    by=words.by(note["by"]),
                    text=_isolated(note["text"]),
                )
                for note in case["notes"]
            ]
        )
    if case["steps"]:
        yield _heading(words("person_export.steps_title"), 4)
        lines = []
        for step in case["steps"]:
            text, due = _isolated(step["description"]), words.day(step["due_on"])
            if step["done_at"]:
                done = words.day(step["done_at"])
                lines.append(words("person_export.step_done", text=text, due=due, done=done))
            else:
                lines.append(words("person_export.step_line", text=text, due=due))
        yield _items(lines)
    if case["referrals"]:
        yield _heading(words("person_export.referrals_title"), 4)
        yield from (_referral(words, referral) for referral in case["referrals"])


def _referral(words: _Words, referral: dict[str, Any]) -> str:
    line = words(
        "person_export.referral_line",
        service=_isolated(referral["service"]),
        need=words.need(referral["need"]),
        state=words(f"desk.referral_state.{referral['state']}"),
    )
    details = [
        words(
            "person_export.referral_made",
            code=_isolated(referral["code"]),
            date=words.day(referral["made_at"]),
            by=words.by(referral["recorded_by"]),
        )
    ]
    if referral["provided"]:
        details.append(
            words("person_export.referral_provided", text=_isolated(referral["provided"]))
        )
    if referral["reason"]:
        reason = referral["reason"]
        key = f"desk.decline_reason.{reason}"
        said = words(key) if key in default_catalog().keys() else _isolated(reason)
        details.append(words("person_export.referral_reason", reason=said))
    if referral["outcome_on"]:
        details.append(
            words("person_export.referral_outcome_on", date=words.day(referral["outcome_on"]))
        )
    details += [
        words(
            "person_export.referral_change",
            date=words.day(change["at"]),
            state=words(f"desk.referral_state.{change['state']}"),
        )
        for change in referral["changes"]
    ]
    return _paragraph(f"<b>{line}</b>") + _items(details)


def _corrections(words: _Words, corrections: list[dict[str, Any]]) -> Iterator[str]:
    yield _heading(words("person_export.corrections_title"))
    if not corrections:
        yield _paragraph(words("person_export.none"))
    for correction in corrections:
        fields = "، ".join if words.language == "ar" else ", ".join
        line = words(
            "person_export.correction_line",
            date=words.day(correction["at"]),
            by=words.by(correction["by"]),
            fields=fields(words.field(field) for field in correction["fields"]),
        )
        details = [
            words(
                "person_export.correction_previous",
                field=words.field(field),
                value=words.value(field, value),
            )
            for field, value in correction["previous"].items()
        ]
        if correction["reason"]:
            details.append(
                words("person_export.correction_reason", reason=_isolated(correction["reason"]))
            )
        yield _paragraph(line) + (_items(details) if details else "")


def _history(words: _Words, history: list[dict[str, Any]]) -> Iterator[str]:
    yield _heading(words("person_export.history_title"))
    yield _items(
        [
            words(
                "person_export.history_line",
                date=words.moment(entry["at"]),
                by=words.by(entry["by"]),
                action=words.action(entry["action"]),
                record=words(f"desk.sync_review.record.{entry['record']}"),
            )
            for entry in history
        ]
    )


def export_html(record: dict[str, Any]) -> str:
    """The export as rich text in its language (mirrored for a right-to-left one)."""
    words = _Words(record["language"])
    office = record["office"]["name"]
    parts = [
        _heading(words("person_export.title"), 1),
        _paragraph(
            words(
                "person_export.intro",
                office=_isolated(office),
                date=words.day(record["exported_at"]),
            )
        ),
        _heading(words("person_export.about_title")),
        *_identity(words, record["person"]),
        _paragraph(
            words(
                "person_export.recorded",
                date=words.day(record["person"]["recorded_at"]),
                by=words.by(record["person"]["recorded_by"]),
            )
        ),
    ]
    for twin in record["merged_records"]:
        parts += [_heading(words("person_export.merged_title"), 3), *_identity(words, twin)]
    parts += list(_consents(words, record["cases"]))
    parts.append(_heading(words("person_export.cases_title")))
    for case in record["cases"]:
        parts += list(_case(words, case))
    parts += list(_corrections(words, record["corrections"]))
    parts += list(_history(words, record["history"]))
    direction = "rtl" if is_right_to_left(words.language) else "ltr"
    return f'<div dir="{direction}">{"".join(parts)}</div>'


def write_person_pdf(record: dict[str, Any], path: Path) -> int:
    """Write the export ``record`` to ``path`` as an A4 PDF; returns its pages."""
    ensure_qt()
    language = record["language"]
    words = _Words(language)
    page = a4_writer(str(path), words("person_export.title"), MARGIN_MM)
    document = text_document(page, language, BODY_POINTS)
    document.setHtml(export_html(record))
    office, day = record["office"]["name"], words.day(record["exported_at"])

    def footer(number: int, pages: int) -> str:
        return words(
            "person_export.footer",
            office=f"\u2068{office}\u2069",
            date=day,
            page=number,
            pages=pages,
        )

    return paint_pages(page, document, language, is_right_to_left(language), footer, SMALL_POINTS)
