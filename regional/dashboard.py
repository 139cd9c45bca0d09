"""The region's dashboard: ``/dashboard`` and its exports, for region staff only.

Every figure is one of the published statistics of a closed month (``regional.stats``), as
published: the monthly trend takes each month's total and categories, the profile and the
referral outcomes one month's tables. Nothing is added up across months or tables, so the
page and its exports show no figure that the publications (protected together, month by
month, by ``regional.disclosure``) do not; a hidden count is :data:`HIDDEN` and is written
"fewer than 5", never as a number. A published month missing from ``published_stats`` is
published by the first reading that needs it (``regional_stats``), then read as stored.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from regional.models import Office, PublishedStats, StatFact
from regional.stats import latest_published_month, office_names, regional_stats

LANGUAGES = ("fr", "ar")
MONTHS_SHOWN = 36
"""The trend covers at most the last three years of published months."""
HIDDEN = None
"""A count that is not published (fewer than 5, or hidden so that none can be worked out)."""
STATES = ("sent", "accepted", "declined", "done", "expired")
"""The referral states always given a column, in order (another one only when published)."""
UNKNOWN = "unknown"
PROFILE = ("by_category", "by_sex", "by_age_band", "by_nationality", "by_need", "by_office")
"""The one-way tables of the migratory profile, in the order of the page."""

Value = int | str | None
"""A cell: a published count, a text (a date, a name), or :data:`HIDDEN`."""

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Tableau de bord régional",
        "subtitle": "Statistiques publiées des mois clos, petits effectifs masqués",
        "switch": "العربية",
        "hidden": "moins de 5",
        "hidden_note": "« moins de 5 » : chiffre masqué, petit effectif ou masqué pour qu'aucun "
        "petit effectif ne puisse être déduit des autres chiffres.",
        "offices": "Bureaux et dernière synchronisation",
        "office": "Bureau",
        "last_sync": "Dernière synchronisation (UTC)",
        "state": "État",
        "active": "actif",
        "revoked": "révoqué",
        "never": "jamais",
        "trend": "Évolution mensuelle",
        "trend_table": "Fiches par mois et par catégorie",
        "month": "Mois",
        "total": "Total",
        "profile": "Profil migratoire",
        "by_category": "Catégorie",
        "by_sex": "Sexe",
        "by_age_band": "Tranche d'âge",
        "by_nationality": "Nationalité",
        "by_need": "Besoins exprimés",
        "by_office": "Bureau",
        "by_commune": "Commune de résidence",
        "outcomes": "Suites des orientations par catégorie de service",
        "service": "Catégorie de service",
        "count": "Fiches",
        "others": "Autres (masquées)",
        "unknown": "Non renseigné",
        "map": "Carte par commune",
        "map_note": "Emplacement réservé à la carte des communes du Souss-Massa (à venir).",
        "choose": "Mois affiché",
        "show": "Afficher",
        "export": "Exporter",
        "csv": "CSV",
        "xlsx": "Excel (XLSX)",
        "records": "fiches",
        "generated": "Mois publiés",
        "created": "créée",
        "sent": "remise",
        "accepted": "acceptée",
        "declined": "refusée",
        "done": "service rendu",
        "withdrawn": "retirée",
        "expired": "expirée",
        "redirected": "redirigée",
    },
    "ar": {
        "title": "لوحة القيادة الجهوية",
        "subtitle": "الإحصائيات المنشورة للأشهر المختتمة، مع إخفاء الأعداد الصغيرة",
        "switch": "Français",
        "hidden": "أقل من 5",
        "hidden_note": "عبارة أقل من 5 تعني رقما مخفيا، لأنه عدد صغير أو لكي لا يمكن استنتاج أي "
        "عدد صغير من الأرقام الأخرى.",
        "offices": "المكاتب وآخر مزامنة",
        "office": "المكتب",
        "last_sync": "آخر مزامنة (بالتوقيت العالمي)",
        "state": "الحالة",
        "active": "نشط",
        "revoked": "ملغى",
        "never": "أبدا",
        "trend": "التطور الشهري",
        "trend_table": "البطاقات حسب الشهر والفئة",
        "month": "الشهر",
        "total": "المجموع",
        "profile": "ملامح الهجرة",
        "by_category": "الفئة",
        "by_sex": "الجنس",
        "by_age_band": "الفئة العمرية",
        "by_nationality": "الجنسية",
        "by_need": "الاحتياجات المعبر عنها",
        "by_office": "المكتب",
        "by_commune": "جماعة الإقامة",
        "outcomes": "مآل التوجيهات حسب فئة الخدمة",
        "service": "فئة الخدمة",
        "count": "البطاقات",
        "others": "أخرى (مخفية)",
        "unknown": "غير محدد",
        "map": "خريطة حسب الجماعة",
        "map_note": "مكان مخصص لخريطة جماعات جهة سوس ماسة (قريبا).",
        "choose": "الشهر المعروض",
        "show": "عرض",
        "export": "تصدير",
        "csv": "CSV",
        "xlsx": "Excel (XLSX)",
        "records": "بطاقة",
        "generated": "الأشهر المنشورة",
        "created": "منشأ",
        "sent": "تم التسليم",
        "accepted": "مقبول",
        "declined": "مرفوض",
        "done": "أنجزت الخدمة",
        "withdrawn": "مسحوب",
        "expired": "منتهي الصلاحية",
        "redirected": "معاد توجيهه",
    },
}
MONTH_NAMES = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre".split(),
    "ar": "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر".split(),
}
"""Month names; in Arabic as Morocco names them."""


@dataclass(frozen=True)
class Table:
    """One table of the dashboard: its key, title, column headers and labelled rows."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Value, ...]], ...]


@dataclass(frozen=True)
class Dashboard:
    """What the page and its exports show, in one language."""

    lang: str
    month: str
    months: tuple[str, ...]
    offices: Table
    trend: Table
    profile: tuple[Table, ...]
    communes: Table
    outcomes: Table

    def tables(self) -> tuple[Table, ...]:
        """Every table, in the order of the page."""
        return (self.offices, self.trend, *self.profile, self.communes, self.outcomes)


def month_name(month: str, lang: str) -> str:
    """``2026-10`` as ``octobre 2026`` or ``أكتوبر 2026``."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[lang][int(number) - 1]} {year}"


def _month_range(first: str, last: str) -> list[str]:
    year, number = (int(part) for part in first.split("-"))
    months = []
    while (month := f"{year:04d}-{number:02d}") <= last:
        months.append(month)
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return months[-MONTHS_SHOWN:]


@cache
def _choices() -> dict[str, dict[str, dict[str, str]]]:
    """The intake form's choices of the counted fields: field -> value -> language -> label."""
    import yaml  # only when a dashboard is first drawn

    text = (resources.files("resources") / "forms" / "intake.yaml").read_text("utf-8")
    wanted = {"person.category": "by_category", "person.sex": "by_sex"}
    wanted |= {"person.age_band": "by_age_band", "needs": "by_need"}
    found: dict[str, dict[str, dict[str, str]]] = {}
    for section in yaml.safe_load(text)["sections"]:
        for field in section.get("fields", ()):
            if field["key"] in wanted and "choices" in field:
                found[wanted[field["key"]]] = {
                    str(choice["value"]): choice["label"] for choice in field["choices"]
                }
    return found


@cache
def _countries(lang: str) -> Mapping[str, str]:
    territories: Mapping[str, str] = Locale.parse(lang).territories
    return territories


def _label(table: str, key: str, lang: str) -> str:
    if key == UNKNOWN:
        return TEXTS[lang]["unknown"]
    if table == "by_nationality":
        return _countries(lang).get(key, key)
    label = _choices().get(table, {}).get(key)
    return label[lang] if label else key


def _collation(label: str) -> str:
    """A label's sort key: without case or accents (so that "Éducation" comes before "Logement")."""
    return "".join(
        c for c in unicodedata.normalize("NFD", label.casefold()) if not unicodedata.combining(c)
    )


def _domain(table: str) -> list[str]:
    """The keys a table always lists (a key not published is shown hidden)."""
    if table in ("by_category", "by_sex", "by_age_band"):
        return [*_choices()[table], UNKNOWN]
    if table == "by_need":
        return list(_choices()[table])
    return []


def _one_way(key: str, body: Mapping[str, Any], lang: str, known: Iterable[str] = ()) -> Table:
    """A one-way table of a month: its domain (or ``known`` keys) and its published keys.

    Keys outside any domain (nationalities, communes) are listed only when published, by
    count; a last row "others" stands for what is hidden, when something is.
    """
    t = TEXTS[lang]
    published: Mapping[str, int] = body.get(key, {})
    domain = _domain(key) or sorted(known)
    extra = sorted((k for k in published if k not in domain), key=lambda k: (-published[k], k))
    rows = [(_label(key, k, lang), (published.get(k, HIDDEN),)) for k in [*domain, *extra]]
    total = body.get("total")
    if not _domain(key) and not known and (total is None or sum(published.values()) < total):
        rows.append((t["others"], (HIDDEN,)))
    return Table(key, t[key], (t[key], t["count"]), tuple(rows))


def _outcomes(body: Mapping[str, Any], lang: str) -> Table:
    """Referral outcomes by service category: published cells, margins and total."""
    t = TEXTS[lang]
    table = body.get("by_referral_outcome", {})
    cells: Mapping[str, Mapping[str, int]] = table.get("cells", {})
    row_totals: Mapping[str, int] = table.get("rows", {})
    col_totals: Mapping[str, int] = table.get("cols", {})
    services = sorted({*row_totals, *cells}, key=lambda k: _collation(_label("by_need", k, lang)))
    seen = {*col_totals, *(col for row in cells.values() for col in row)}
    states = [*STATES, *sorted(seen - set(STATES))]
    rows: list[tuple[str, tuple[Value, ...]]] = [
        (
            _label("by_need", service, lang),
            (*(cells.get(service, {}).get(s, HIDDEN) for s in states), row_totals.get(service)),
        )
        for service in services
    ]
    rows.append((t["total"], (*(col_totals.get(s) for s in states), table.get("total"))))
    header = (t["service"], *(t.get(s, s) for s in states), t["total"])
    return Table("by_referral_outcome", t["outcomes"], header, tuple(rows))


def _trend(bodies: Mapping[str, Mapping[str, Any]], lang: str) -> Table:
    """Each published month's total and categories."""
    t = TEXTS[lang]
    categories = _domain("by_category")
    rows = tuple(
        (
            month,
            (
                body.get("total"),
                *(body.get("by_category", {}).get(key, HIDDEN) for key in categories),
            ),
        )
        for month, body in bodies.items()
    )
    header = (t["month"], t["total"], *(_label("by_category", k, lang) for k in categories))
    return Table("trend", t["trend_table"], header, rows)


def _offices(session: Session, lang: str) -> Table:
    t = TEXTS[lang]
    offices = session.scalars(select(Office).order_by(Office.name)).all()
    rows = tuple(
        (
            office.name,
            (
                office.last_sync.strftime("%Y-%m-%d %H:%M") if office.last_sync else t["never"],
                t["revoked"] if office.revoked_at else t["active"],
            ),
        )
        for office in offices
    )
    return Table("offices", t["offices"], (t["office"], t["last_sync"], t["state"]), rows)


def load_dashboard(
    reader: sessionmaker[Session],
    writer: sessionmaker[Session],
    now: datetime,
    lang: str,
    month: str | None = None,
) -> Dashboard:
    """The dashboard at ``now``: the published months up to the latest, ``month``'s profile.

    Raises ``regional.stats.NotPublished`` for a month not (or not yet) published.
    """
    latest = latest_published_month(now)
    if month is not None and month > latest:
        regional_stats(reader, writer, month, now)  # raises NotPublished, saying when
    with reader() as session, session.begin():
        first = session.scalar(select(func.min(StatFact.month)))
        months = _month_range(min(first or latest, latest), latest)
        stored = session.execute(
            select(PublishedStats.month, PublishedStats.body).where(
                PublishedStats.month.in_(months)
            )
        ).all()
        offices = _offices(session, lang)
        names = list(office_names(session).values())
    bodies: dict[str, dict[str, Any]] = {m: json.loads(body) for m, body in stored}
    for missing in (m for m in months if m not in bodies):
        bodies[missing] = regional_stats(reader, writer, missing, now)
    chosen = month or latest
    if chosen not in bodies:  # older than the months shown, or than the first records
        bodies[chosen] = regional_stats(reader, writer, chosen, now)
    body = bodies[chosen]
    trend = {m: bodies[m] for m in months}
    profile = tuple(
        _one_way(key, body, lang, known=names if key == "by_office" else ()) for key in PROFILE
    )
    return Dashboard(
        lang=lang,
        month=chosen,
        months=tuple(months),
        offices=offices,
        trend=_trend(trend, lang),
        profile=profile,
        communes=_one_way("by_commune", body, lang),
        outcomes=_outcomes(body, lang),
    )


def values(tables: Sequence[Table]) -> list[list[Value]]:
    """Every row of ``tables`` as it is exported: a title row, the header, then the rows."""
    out: list[list[Value]] = []
    for table in tables:
        out += [[table.title], list(table.header)]
        out += [[label, *cells] for label, cells in table.rows]
        out.append([])
    return out
