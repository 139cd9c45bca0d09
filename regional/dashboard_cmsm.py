"""The CMSM secretariat's view of the dashboard: ``/dashboard/cmsm``, region staff only.

The Comité Migration Souss-Massa (CMSM) coordinates the associations that receive
referrals; they are the organisations of the directory marked ``baom_cmsm_member``
(docs/directory-profile.md), with their focal point. The view shows, from the published
statistics only (``regional.stats``: ``by_cmsm_outcome``, ``by_cmsm_response``,
``cmsm_median_days``): the referrals sent to each member in each of the last months, and for
the chosen month where they stand and how long the member took to answer. Counts are read
as published (:func:`regional.dashboard.count`: a hidden one is "fewer than 5"); a month
published before these tables is :data:`UNAVAILABLE`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from regional.dashboard import (
    STATES,
    TEXTS,
    Table,
    Value,
    _collation,
    count,
    month_name,
    published_bodies,
)
from regional.models import DirectoryRow
from regional.stats import NO_ANSWER, RESPONSE_BANDS

MONTHS = 12
"""The referrals by month cover the last twelve published months."""
OUTCOME = "by_cmsm_outcome"
RESPONSE = "by_cmsm_response"
MEDIAN = "cmsm_median_days"

CMSM_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Réseau du Comité Migration Souss-Massa (CMSM)",
        "subtitle": "Orientations vers les associations membres, statistiques publiées des mois "
        "clos, petits effectifs masqués",
        "members": "Associations membres et points focaux",
        "member": "Association",
        "contact": "Point focal",
        "phone": "Téléphone",
        "email": "Courriel",
        "no_members": "Aucune organisation de l'annuaire n'est encore marquée membre du CMSM.",
        "sent": "Orientations envoyées par mois",
        "outcomes": "Suites des orientations",
        "responses": "Délai de première réponse (jours depuis l'envoi)",
        "median": "Médiane (jours)",
        "no_answer": "sans réponse",
        "unavailable": "non disponible",
        "unavailable_note": "Non disponible pour ce mois : il a été publié avant les chiffres "
        "du réseau CMSM (une publication ne change jamais).",
        "median_note": "La médiane n'est donnée que pour une association qui a répondu à au "
        "moins 5 orientations dans le mois.",
        "former": "ancien membre ou organisation retirée de l'annuaire",
        "dashboard": "Tableau de bord régional",
    },
    "ar": {
        "title": "شبكة لجنة الهجرة سوس ماسة",
        "subtitle": "التوجيهات نحو الجمعيات الأعضاء، الإحصائيات المنشورة للأشهر المختتمة، مع "
        "إخفاء الأعداد الصغيرة",
        "members": "الجمعيات الأعضاء ونقط الاتصال",
        "member": "الجمعية",
        "contact": "نقطة الاتصال",
        "phone": "الهاتف",
        "email": "البريد الإلكتروني",
        "no_members": "لم توسم بعد أي منظمة في الدليل بصفة عضو في لجنة الهجرة سوس ماسة.",
        "sent": "التوجيهات المرسلة حسب الشهر",
        "outcomes": "مآل التوجيهات",
        "responses": "أجل الرد الأول (بالأيام منذ الإرسال)",
        "median": "الوسيط (بالأيام)",
        "no_answer": "بدون رد",
        "unavailable": "غير متوفر",
        "unavailable_note": "غير متوفر لهذا الشهر: نُشر قبل أرقام شبكة لجنة الهجرة (المنشور لا "
        "يتغير أبدا).",
        "median_note": "لا يعطى الوسيط إلا لجمعية ردت على 5 توجيهات على الأقل خلال الشهر.",
        "former": "عضو سابق أو منظمة حذفت من الدليل",
        "dashboard": "لوحة القيادة الجهوية",
    },
}


@dataclass(frozen=True)
class Member:
    """An association of the CMSM as the directory names it, with its focal point."""

    organisation_id: str
    name: str
    contact: str
    phone: str
    email: str


@dataclass(frozen=True)
class CmsmView:
    """What the secretariat's page shows, in one language."""

    lang: str
    month: str
    months: tuple[str, ...]
    members: Table
    sent: Table
    outcomes: Table
    responses: Table
    available: bool
    """Whether the chosen month publishes the CMSM tables (those before them do not)."""


def _ltr(text: str) -> str:
    """``text`` kept left to right in an Arabic page ("0-2" stays "0-2", not "2-0")."""
    return f"\u2066{text}\u2069"


def cmsm_members(session: Session, lang: str) -> dict[str, Member]:
    """The directory's CMSM members by organisation id, named in ``lang`` (else French)."""
    rows = session.scalars(
        select(DirectoryRow.payload).where(DirectoryRow.table_name == "organization")
    )
    members: dict[str, Member] = {}
    for text in rows:
        row: dict[str, Any] = json.loads(text)
        if not row.get("cmsm_member"):
            continue
        names = (row.get("translations") or {}).get("name") or {}
        members[row["id"]] = Member(
            row["id"],
            names.get(lang) or row.get("name") or row["id"],
            row.get("cmsm_contact_name") or "",
            row.get("cmsm_contact_phone") or "",
            row.get("cmsm_contact_email") or "",
        )
    return members


def _published_rows(body: dict[str, Any]) -> set[str]:
    """The organisations a month's CMSM tables name, published or hidden."""
    table = body.get(OUTCOME, {})
    hidden = body.get("hidden", {}).get(OUTCOME)
    found = {*table.get("rows", {}), *table.get("cells", {})}
    if isinstance(hidden, dict):
        found |= {*hidden.get("rows", []), *(row for row, _ in hidden.get("cells", []))}
    return found


def load_cmsm(
    reader: sessionmaker[Session],
    writer: sessionmaker[Session],
    now: datetime,
    lang: str,
    month: str | None = None,
) -> CmsmView:
    """The secretariat's view at ``now``: the members, their referrals of the last
    :data:`MONTHS` published months, and ``month``'s (the latest by default) outcomes and
    response times. Raises ``regional.stats.NotPublished`` for a month not published."""
    months, bodies, chosen = published_bodies(reader, writer, now, month)
    with reader() as session, session.begin():
        members = cmsm_members(session, lang)
    t, c = TEXTS[lang], CMSM_TEXTS[lang]
    shown = months[-MONTHS:]
    named = {key for m in {*shown, chosen} for key in _published_rows(bodies[m])}
    order = sorted(members.values(), key=lambda m: _collation(m.name))
    keys = [m.organisation_id for m in order] + sorted(named - set(members))

    def label(key: str) -> str:
        return members[key].name if key in members else f"{key[:8]} ({c['former']})"

    def sent(body: dict[str, Any], key: str) -> Value:
        return count(body, OUTCOME, "rows", key) if OUTCOME in body else c["unavailable"]

    body = bodies[chosen]
    available = OUTCOME in body
    states = [*STATES, "withdrawn", "redirected"]
    bands = [*(band for band, _ in RESPONSE_BANDS), NO_ANSWER]
    medians: dict[str, float] = body.get(MEDIAN, {})
    outcome_rows = [
        (
            label(key),
            (
                *(count(body, OUTCOME, "cells", key, s) for s in states),
                count(body, OUTCOME, "rows", key),
            ),
        )
        for key in keys
    ]
    response_rows = [
        (
            label(key),
            (
                *(count(body, RESPONSE, "cells", key, b) for b in bands),
                medians.get(key, "—"),
            ),
        )
        for key in keys
    ]
    totals = (*(count(body, OUTCOME, "cols", s) for s in states), count(body, OUTCOME, "total"))
    member_rows = tuple((m.name, (m.contact, m.phone, m.email)) for m in order)
    return CmsmView(
        lang=lang,
        month=chosen,
        months=tuple(months),
        members=Table(
            "cmsm_members",
            c["members"],
            (c["member"], c["contact"], c["phone"], c["email"]),
            member_rows,
        ),
        sent=Table(
            "cmsm_sent",
            c["sent"],
            (c["member"], *(month_name(m, lang) for m in shown)),
            tuple((label(key), tuple(sent(bodies[m], key) for m in shown)) for key in keys),
        ),
        outcomes=Table(
            "cmsm_outcomes",
            c["outcomes"],
            (c["member"], *(t.get(s, s) for s in states), t["total"]),
            (*outcome_rows, (t["total"], totals)) if available else (),
        ),
        responses=Table(
            "cmsm_responses",
            c["responses"],
            (
                c["member"],
                *(c["no_answer"] if b == NO_ANSWER else _ltr(b) for b in bands),
                c["median"],
            ),
            tuple(response_rows) if available else (),
        ),
        available=available,
    )
