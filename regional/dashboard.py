"""The region's dashboard: ``/dashboard`` and its exports, for region staff only.

Every figure is one of the published statistics of a closed month (``regional.stats``), as
published: the monthly trend takes each month's total and categories, the profile, the
communes (table and map) and the referral outcomes one month's tables. Nothing is added up
across months or tables, so the page and its exports show no figure that the publications
(protected together, month by month, by ``regional.disclosure``) do not; a hidden count is
:data:`HIDDEN` and is written "fewer than 5", never as a number, and a count the
publication lists neither as published nor as hidden is 0 (:func:`count`). A published
month missing from ``published_stats`` is published by the first reading that needs it
(``regional_stats``), then read as stored.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from babel import Locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from protocol.communes import load, province
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

Value = int | float | str | None
"""A cell: a published count, a rate, a text (a date, a name), or :data:`HIDDEN`."""
MEASURES = ("count", "rate")
"""What the map shows: the month's records, or records per 10,000 inhabitants (2024)."""
OUTSIDE = ("other", "unknown")
"""The keys of ``by_commune`` that are no commune of Souss-Massa."""
NONE = "—"
"""A cell that has no meaning in its row (the province or rate of a commune elsewhere)."""
ALL = "all"
"""The map's choice of every visitor; else ``category:<key>`` or ``need:<key>``
(:func:`choices`), drawn from ``by_commune_category`` or ``by_commune_need``."""

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Tableau de bord régional",
        "subtitle": "Statistiques publiées des mois clos, petits effectifs masqués",
        "switch": "العربية",
        "hidden": "moins de 5",
        "hidden_note": "« moins de 5 » : chiffre masqué, petit effectif ou masqué pour qu'aucun "
        "petit effectif ne puisse être déduit des autres chiffres (il peut alors valoir 5 ou "
        "plus). « 0 » : aucune fiche.",
        "hidden_legend": "masqué : moins de 5 fiches, ou masqué pour qu'aucun petit effectif ne "
        "puisse être déduit des autres chiffres",
        "legacy_note": "Ce mois a été publié avant que les chiffres masqués ne soient signalés : "
        "une commune sans chiffre n'a aucune fiche, ou un chiffre masqué.",
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
        "by_commune": "Communes de résidence",
        "code": "Code HCP",
        "commune": "Commune",
        "province": "Province ou préfecture",
        "per_10000": "Pour 10 000 habitants",
        "other": "Hors Souss-Massa ou commune non reconnue",
        "outcomes": "Suites des orientations par catégorie de service",
        "steps": "Durée des étapes des itinéraires (tous les bureaux)",
        "itinerary": "Itinéraire et étape",
        "steps_done": "Étapes faites",
        "median_days": "Jours (médiane)",
        "service": "Catégorie de service",
        "count": "Fiches",
        "others": "Autres (masquées)",
        "unknown": "Non renseigné",
        "map": "Carte par commune",
        "map_title": "Fiches statistiques par commune de résidence, {month}",
        "map_count": "Nombre de fiches (une par contact d'un visiteur qui accepte d'être compté)",
        "map_rate": "Fiches pour 10 000 habitants (recensement de 2024)",
        "measure": "Carte :",
        "count_measure": "nombre de fiches",
        "rate_measure": "pour 10 000 habitants",
        "communes_table": "Tableau des communes",
        "choice": "Visiteurs :",
        "all_visitors": "tous les visiteurs",
        "category_choice": "catégorie « {label} »",
        "need_choice": "besoin « {label} »",
        "unavailable": "Non disponible pour ce mois : il a été publié avant les chiffres par "
        "commune et par catégorie ou par besoin (une publication ne change jamais).",
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
        "cmsm": "Réseau CMSM",
    },
    "ar": {
        "title": "لوحة القيادة الجهوية",
        "subtitle": "الإحصائيات المنشورة للأشهر المختتمة، مع إخفاء الأعداد الصغيرة",
        "switch": "Français",
        "hidden": "أقل من 5",
        "hidden_note": "عبارة «أقل من 5» تعني رقما مخفيا، لأنه عدد صغير أو لكي لا يمكن استنتاج "
        "أي عدد صغير من الأرقام الأخرى (وقد يكون حينئذ 5 أو أكثر). «0»: لا توجد أي بطاقة.",
        "hidden_legend": "مخفي: أقل من 5 بطاقات، أو مخفي لكي لا يمكن استنتاج أي عدد صغير من "
        "الأرقام الأخرى",
        "legacy_note": "نُشر هذا الشهر قبل الإشارة إلى الأرقام المخفية: الجماعة التي ليس لها رقم "
        "ليست لها أي بطاقة أو لها رقم مخفي.",
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
        "by_commune": "جماعات الإقامة",
        "code": "رمز الجماعة",
        "commune": "الجماعة",
        "province": "الإقليم أو العمالة",
        "per_10000": "لكل 10000 نسمة",
        "other": "خارج سوس ماسة أو جماعة غير معروفة",
        "outcomes": "مآل التوجيهات حسب فئة الخدمة",
        "steps": "مدة مراحل المسارات (كل المكاتب)",
        "itinerary": "المسار والمرحلة",
        "steps_done": "المراحل المنجزة",
        "median_days": "الأيام (الوسيط)",
        "service": "فئة الخدمة",
        "count": "البطاقات",
        "others": "أخرى (مخفية)",
        "unknown": "غير محدد",
        "map": "خريطة حسب الجماعة",
        "map_title": "البطاقات الإحصائية حسب جماعة الإقامة، {month}",
        "map_count": "عدد البطاقات (بطاقة عن كل اتصال لزائر وافق على احتسابه)",
        "map_rate": "البطاقات لكل 10000 نسمة (إحصاء 2024)",
        "measure": "الخريطة:",
        "count_measure": "عدد البطاقات",
        "rate_measure": "لكل 10000 نسمة",
        "communes_table": "جدول الجماعات",
        "choice": "الزوار:",
        "all_visitors": "جميع الزوار",
        "category_choice": "الفئة «{label}»",
        "need_choice": "الحاجة «{label}»",
        "unavailable": "غير متوفر لهذا الشهر: نُشر قبل نشر الأرقام حسب الجماعة والفئة أو "
        "الحاجة (المنشور لا يتغير أبدا).",
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
        "cmsm": "شبكة لجنة الهجرة",
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
    commune_counts: Mapping[str, Value]
    """The map's values by HCP code: a count, 0 or :data:`HIDDEN`; none for a commune of a
    month published before the hidden keys whose count is not published (none, or hidden)."""
    hidden_listed: bool
    """Whether the month's publication lists its hidden keys (those before it do not)."""
    steps: Table | None = None
    """Each itinerary step done often enough in the month: how many times, median days."""
    choice: str = ALL
    """What the map and the communes' table count (:func:`choices`)."""
    choice_available: bool = True
    """Whether the month publishes the choice's table (those before it do not): when not,
    the map and the communes' table are every visitor's, for the exports only."""

    def tables(self) -> tuple[Table, ...]:
        """Every table, in the order of the page."""
        steps = (self.steps,) if self.steps is not None else ()
        return (self.offices, self.trend, *self.profile, self.communes, self.outcomes, *steps)


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


def count(body: Mapping[str, Any], table: str, *keys: str) -> Value:
    """A cell of a month's publication: its count, :data:`HIDDEN`, or 0.

    ``keys`` lead to the cell: none for the grand total, a key of a one-way table, a
    two-way table's row and column, or a cross table's ``"cells", row, col``, ``"rows",
    row``, ``"cols", col`` or ``"total"``. A cell neither published nor listed in
    ``hidden`` has none; a month published before the hidden keys cannot tell, and every
    cell it leaves out is :data:`HIDDEN`.
    """
    value: Any = body.get(table)
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, int):
        return value
    if "hidden" not in body:
        return HIDDEN
    listed: Any = body["hidden"].get(table, [])
    if listed == "all":
        return HIDDEN
    if not keys:  # the grand total
        return HIDDEN if listed is True else 0
    if len(keys) == 2 and isinstance(listed, list):  # a two-way table: [row, col]
        return HIDDEN if list(keys) in listed else 0
    if isinstance(listed, dict):  # a cross table
        part = listed.get(keys[0], [])
        if keys[0] == "total":
            return HIDDEN if part is True else 0
        return HIDDEN if (list(keys[1:]) if keys[0] == "cells" else keys[1]) in part else 0
    return HIDDEN if keys[0] in listed else 0


def _listed(body: Mapping[str, Any], table: str) -> list[str]:
    """The keys a month's one-way table publishes or lists as hidden."""
    hidden = body.get("hidden", {}).get(table, [])
    return [*body.get(table, {}), *(hidden if isinstance(hidden, list) else [])]


def _one_way(key: str, body: Mapping[str, Any], lang: str, known: Iterable[str] = ()) -> Table:
    """A one-way table of a month: its domain (or ``known`` keys) and its listed keys.

    Keys outside any domain (nationalities) are listed when published or hidden, published
    ones first, by count; a last row "others" stands for what is hidden when the month
    does not say which keys are (published before the hidden keys, or everything hidden).
    """
    t = TEXTS[lang]
    domain = _domain(key) or sorted(known)
    cells = {k: count(body, key, k) for k in [*domain, *_listed(body, key)]}

    def order(k: str) -> tuple[bool, int, str]:
        n = cells[k]
        return (
            not isinstance(n, int),
            -n if isinstance(n, int) else 0,
            _collation(_label(key, k, lang)),
        )

    extra = sorted((k for k in cells if k not in domain), key=order)
    rows = [(_label(key, k, lang), (cells[k],)) for k in [*domain, *extra]]
    if not _domain(key) and not known and _unlisted(body, key):
        rows.append((t["others"], (HIDDEN,)))
    return Table(key, t[key], (t[key], t["count"]), tuple(rows))


def _unlisted(body: Mapping[str, Any], key: str) -> bool:
    """Whether a one-way table hides keys that the month does not name."""
    hidden = body.get("hidden", {}).get(key)
    if hidden is not None:
        return bool(hidden == "all")
    total = body.get("total")
    return total is None or sum(body.get(key, {}).values()) < total


@cache
def choices() -> tuple[str, ...]:
    """What the map may count: every visitor, one category, or one need."""
    return (
        ALL,
        *(f"category:{key}" for key in _domain("by_category")),
        *(f"need:{key}" for key in _domain("by_need")),
    )


def choice_label(choice: str, lang: str) -> str:
    """A choice in words: "tous les visiteurs", "catégorie « … »" or "besoin « … »"."""
    t = TEXTS[lang]
    if choice == ALL:
        return t["all_visitors"]
    kind, key = choice.split(":", 1)
    table = "by_category" if kind == "category" else "by_need"
    return t[f"{kind}_choice"].format(label=_label(table, key, lang))


def _cell_of(choice: str) -> tuple[str, Callable[[str], tuple[str, ...]]]:
    """The published table of a choice, and the keys of a commune's cell in it."""
    if choice == ALL:
        return "by_commune", lambda code: (code,)
    kind, key = choice.split(":", 1)
    if kind == "category":
        return "by_commune_category", lambda code: (code, key)
    return "by_commune_need", lambda code: ("cells", code, key)


def _communes(
    body: Mapping[str, Any], lang: str, choice: str = ALL
) -> tuple[Table, dict[str, Value]]:
    """Every commune of Souss-Massa (by HCP code) with its count and its rate per 10,000
    inhabitants, then the records of communes elsewhere and without one; and the map's
    values: of every visitor, or of the ``choice``'s cells (a published table's column).
    A month published before the hidden keys lists only its published communes."""
    t = TEXTS[lang]
    listed = "hidden" in body
    name, keys = _cell_of(choice)
    values: dict[str, Value] = {}
    rows: list[tuple[str, tuple[Value, ...]]] = []
    for commune in load().communes:
        n = count(body, name, *keys(commune.code))
        if not listed and n is HIDDEN:
            continue
        values[commune.code] = n
        area = province(commune.province)
        rate = round(n * 10_000 / commune.population, 1) if isinstance(n, int) else n
        names = (commune.name(lang), area.name(lang) if area else NONE)
        rows.append((commune.code, (*names, n, rate)))
    for key in OUTSIDE:
        n = count(body, name, *keys(key))
        if listed or n is not HIDDEN:
            rows.append((key, (t[key], NONE, n, NONE)))
    if not listed and _unlisted(body, "by_commune"):
        rows.append((NONE, (t["others"], NONE, HIDDEN, NONE)))
    header = (t["code"], t["commune"], t["province"], t["count"], t["per_10000"])
    title = t["by_commune"]
    if choice != ALL:
        title += f" — {choice_label(choice, lang)}"
    return Table("by_commune", title, header, tuple(rows)), values


def _outcomes(body: Mapping[str, Any], lang: str) -> Table:
    """Referral outcomes by service category: published cells, margins and total."""
    t = TEXTS[lang]
    name = "by_referral_outcome"
    table = body.get(name, {})
    hidden = body.get("hidden", {}).get(name)
    hidden = hidden if isinstance(hidden, dict) else {}
    cells: Mapping[str, Mapping[str, int]] = table.get("cells", {})
    listed = [*cells, *table.get("rows", {}), *(row for row, _ in hidden.get("cells", []))]
    listed += hidden.get("rows", [])
    services = sorted(set(listed), key=lambda k: _collation(_label("by_need", k, lang)))
    seen = {*table.get("cols", {}), *(col for row in cells.values() for col in row)}
    seen |= {*hidden.get("cols", []), *(col for _, col in hidden.get("cells", []))}
    states = [*STATES, *sorted(seen - set(STATES))]
    rows: list[tuple[str, tuple[Value, ...]]] = [
        (
            _label("by_need", service, lang),
            (
                *(count(body, name, "cells", service, s) for s in states),
                count(body, name, "rows", service),
            ),
        )
        for service in services
    ]
    totals = (*(count(body, name, "cols", s) for s in states), count(body, name, "total"))
    rows.append((t["total"], totals))
    header = (t["service"], *(t.get(s, s) for s in states), t["total"])
    return Table("by_referral_outcome", t["outcomes"], header, tuple(rows))


@cache
def _itinerary_titles() -> dict[str, dict[str, dict[str, str]]]:
    """The itinerary templates' titles and their steps' titles by language, from
    ``resources/itineraries``: template -> key (``""`` the template) -> language -> title."""
    import yaml  # only when a dashboard is first drawn

    folder = resources.files("resources") / "itineraries"
    titles: dict[str, dict[str, dict[str, str]]] = {}
    for entry in folder.iterdir():
        if not entry.name.endswith(".yaml") or entry.name == "documents.yaml":
            continue
        data = yaml.safe_load(entry.read_text("utf-8"))
        steps = {step["key"]: step["title"] for step in data.get("steps", ())}
        titles[data["id"]] = {"": data["title"], **steps}
    return titles


def _step_label(key: str, lang: str) -> str:
    """``template/step`` as the template's and the step's titles in ``lang``."""
    template, _, step = key.partition("/")
    names = _itinerary_titles().get(template, {})
    title = (names.get("") or {}).get(lang, template)
    return f"{title} — {(names.get(step) or {}).get(lang, step)}"


def _steps(body: Mapping[str, Any], lang: str) -> Table | None:
    """Each itinerary step done often enough in the month, with its median days; none for
    a month published before step durations were."""
    if "itinerary_steps" not in body:
        return None
    t = TEXTS[lang]
    rows: list[tuple[str, tuple[Value, ...]]] = [
        (_step_label(key, lang), (figures["done"], figures["median_days"]))
        for key, figures in body["itinerary_steps"].items()
    ]
    rows += [
        (_step_label(key, lang), (HIDDEN, HIDDEN))
        for key in body.get("hidden", {}).get("itinerary_steps", [])
    ]
    header = (t["itinerary"], t["steps_done"], t["median_days"])
    return Table("itinerary_steps", t["steps"], header, tuple(rows))


def _trend(bodies: Mapping[str, Mapping[str, Any]], lang: str) -> Table:
    """Each published month's total and categories."""
    t = TEXTS[lang]
    categories = _domain("by_category")
    rows = tuple(
        (
            month,
            (count(body, "total"), *(count(body, "by_category", key) for key in categories)),
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


@lru_cache(maxsize=2 * MONTHS_SHOWN)
def _parsed(body: str) -> dict[str, Any]:
    """A stored publication, parsed once per process (a publication never changes; the
    dashboard reads every shown month's at each request). Read it, never change it."""
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def published_bodies(
    reader: sessionmaker[Session],
    writer: sessionmaker[Session],
    now: datetime,
    month: str | None = None,
) -> tuple[list[str], dict[str, dict[str, Any]], str]:
    """The months shown (up to the latest published), every one's publication (and
    ``month``'s), and the month chosen (``month``, else the latest).

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
    bodies: dict[str, dict[str, Any]] = {m: _parsed(body) for m, body in stored}
    for missing in (m for m in months if m not in bodies):
        bodies[missing] = regional_stats(reader, writer, missing, now)
    chosen = month or latest
    if chosen not in bodies:  # older than the months shown, or than the first records
        bodies[chosen] = regional_stats(reader, writer, chosen, now)
    return months, bodies, chosen


def load_dashboard(
    reader: sessionmaker[Session],
    writer: sessionmaker[Session],
    now: datetime,
    lang: str,
    month: str | None = None,
    choice: str = ALL,
) -> Dashboard:
    """The dashboard at ``now``: the published months up to the latest, ``month``'s profile,
    its communes counted as ``choice`` says (one of :func:`choices`).

    Raises ``regional.stats.NotPublished`` for a month not (or not yet) published.
    """
    if choice not in choices():
        raise ValueError(f"the map shows one of {', '.join(choices())}, not {choice!r}")
    months, bodies, chosen = published_bodies(reader, writer, now, month)
    with reader() as session, session.begin():
        offices = _offices(session, lang)
        names = list(office_names(session).values())
    body = bodies[chosen]
    trend = {m: bodies[m] for m in months}
    profile = tuple(
        _one_way(key, body, lang, known=names if key == "by_office" else ()) for key in PROFILE
    )
    available = choice == ALL or _cell_of(choice)[0] in body
    communes_table, commune_counts = _communes(body, lang, choice if available else ALL)
    return Dashboard(
        lang=lang,
        month=chosen,
        months=tuple(months),
        offices=offices,
        trend=_trend(trend, lang),
        profile=profile,
        communes=communes_table,
        outcomes=_outcomes(body, lang),
        steps=_steps(body, lang),
        commune_counts=commune_counts,
        hidden_listed="hidden" in body,
        choice=choice,
        choice_available=available,
    )


def values(tables: Sequence[Table]) -> list[list[Value]]:
    """Every row of ``tables`` as it is exported: a title row, the header, then the rows."""
    out: list[list[Value]] = []
    for table in tables:
        out += [[table.title], list(table.header)]
        out += [[label, *cells] for label, cells in table.rows]
        out.append([])
    return out
