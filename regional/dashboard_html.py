"""The HTML of the region's dashboard, in French and Arabic: tables, inline SVG charts, no script.

Nothing is loaded from elsewhere (an office may be off the internet): one ``<style>``, allowed
by its hash in :data:`HEADERS`, and charts drawn in SVG. A bar is drawn for a published count
only; a hidden one is written "fewer than 5" and has no bar, so no length gives it away. The
map of the communes is ``protocol.commune_map``'s SVG, inline: a hidden commune hatched, its
``<title>`` (shown on hover) "fewer than 5", never a number.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from protocol.commune_map import SUPPRESSED, MapValue, number, render_map
from regional.dashboard import (
    ALL,
    HIDDEN,
    MEASURES,
    TEXTS,
    Dashboard,
    Table,
    Value,
    choice_label,
    choices,
    month_name,
)
from regional.dashboard_cmsm import CMSM_TEXTS, CmsmView
from regional.page_html import page_headers

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
CMSM_PATH = "/dashboard/cmsm"
"""The CMSM secretariat's page."""
MAP_SLOT = "map-by-commune"
"""The id of the map of the communes on the page."""
_STYLE = (
    "body{font-family:'Noto Sans','Noto Sans Arabic','DejaVu Sans',sans-serif;margin:0;"
    "background:#f4f5f7;color:#1d2430;font-size:15px;line-height:1.45}"
    "header{background:#17365d;color:#fff;padding:1rem 1.5rem}"
    "header h1{margin:0;font-size:1.5rem}header p{margin:.2rem 0 0;opacity:.85}"
    "header a{color:#fff}nav{display:flex;flex-wrap:wrap;gap:1rem;margin-top:.6rem}"
    "main{max-width:78rem;margin:0 auto;padding:1rem 1.5rem 2rem}"
    "section{background:#fff;border:1px solid #d5d9e0;border-radius:6px;padding:1rem 1.2rem;"
    "margin:1rem 0}h2{font-size:1.2rem;margin:0 0 .7rem}h3{font-size:1rem;margin:0 0 .4rem}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(25rem,1fr));gap:1rem}"
    ".card{border:1px solid #e2e5ea;border-radius:4px;padding:.7rem}"
    "table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;text-align:start;"
    "border-bottom:1px solid #e8eaee;vertical-align:middle}thead th{background:#eef1f5}"
    "tbody th{font-weight:600}#table-trend tbody th{white-space:nowrap}"
    "table:not(#table-offices):not(#table-cmsm_members) thead th+th{text-align:end}"
    "#table-by_commune thead th:nth-child(-n+3){text-align:start}"
    "#cmsm-outcomes h3{margin-top:1.2rem}"
    "td.n{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".hidden{color:#6b7380;font-style:italic}.bar{width:110px;padding:0}"
    ".scroll{overflow-x:auto}.note{color:#4a5260;font-size:.9rem}"
    "form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}"
    "select,button{font-size:1rem;padding:.3rem .6rem}"
    "#map-by-commune svg{display:block;width:100%;max-width:820px;height:auto;margin:.6rem auto;"
    "direction:ltr}.measure{display:flex;flex-wrap:wrap;gap:.8rem;align-items:baseline}"
    ".measure [aria-current]{font-weight:700;color:#1d2430;text-decoration:none}"
    "details{margin-top:.6rem}summary{cursor:pointer;font-weight:600}"
    "svg text{font-family:sans-serif}"
)
HEADERS = page_headers(_STYLE)
"""The headers of the page and its exports: nothing but the page's own style, no caching."""


def _cell(value: Value, lang: str) -> str:
    if value is HIDDEN:
        return f'<td class="n"><span class="hidden">{escape(TEXTS[lang]["hidden"])}</span></td>'
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    if isinstance(value, float):
        return f'<td class="n">{number(value, lang, per_10000=True)}</td>'
    return f"<td><bdi>{escape(value)}</bdi></td>"


def _bar(value: Value, top: int, rtl: bool) -> str:
    """A horizontal bar for a published count (nothing for a hidden one, nor for none)."""
    if not isinstance(value, int) or value <= 0 or top <= 0:
        return '<td class="bar"></td>'
    width = max(1.0, 100 * value / top)
    x = 100 - width if rtl else 0
    return (
        '<td class="bar"><svg width="100" height="12" aria-hidden="true">'
        f'<rect x="{x:.1f}" y="1" width="{width:.1f}" height="10" fill="#3a6ea5"/></svg></td>'
    )


def _table(table: Table, lang: str, bars: bool = False) -> str:
    top = max((v for _, cells in table.rows for v in cells if isinstance(v, int)), default=0)
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    if bars:
        head += '<th class="bar"></th>'
    body = "".join(
        f'<tr><th scope="row"><bdi>{escape(label)}</bdi></th>'
        + "".join(_cell(v, lang) for v in cells)
        + (_bar(cells[0], top, lang == "ar") if bars else "")
        + "</tr>"
        for label, cells in table.rows
    )
    return (
        f'<div class="scroll"><table id="table-{table.key}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _trend_chart(dashboard: Dashboard) -> str:
    """Monthly totals as vertical bars, oldest on the left; a hidden total has no bar."""
    t = TEXTS[dashboard.lang]
    totals = [(month, cells[0]) for month, cells in dashboard.trend.rows]
    width, height, base, left = 960, 240, 200, 56
    step = (width - left - 8) / max(len(totals), 1)
    top = max((v for _, v in totals if isinstance(v, int)), default=0)
    every = max(1, -(-len(totals) // 12))
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" direction="ltr" '
        f'aria-label="{escape(t["trend"])}">',
        f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#8a96a8"/>',
    ]
    if top:  # the scale: the largest published total at the height of its bar
        parts.append(
            f'<line x1="{left}" y1="{base - 180}" x2="{width}" y2="{base - 180}" '
            f'stroke="#d5d9e0" stroke-dasharray="4 4"/><text x="{left - 6}" y="{base - 176}" '
            f'font-size="12" text-anchor="end">{top}</text><text x="{left - 6}" y="{base + 4}" '
            'font-size="12" text-anchor="end">0</text>'
        )
    bar = min(step * 0.7, 48.0)
    for i, (month, value) in enumerate(totals):
        middle = left + (i + 0.5) * step
        label = escape(month_name(month, dashboard.lang))
        if isinstance(value, int) and top:
            h = max(1.0, 180 * value / top)
            parts.append(
                f'<rect x="{middle - bar / 2:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="#3a6ea5"><title>{label} : {value}</title></rect>'
            )
            if len(totals) <= 12:
                parts.append(
                    f'<text x="{middle:.1f}" y="{base - h - 4:.1f}" font-size="12" '
                    f'text-anchor="middle">{value}</text>'
                )
        else:
            parts.append(
                f'<text x="{middle:.1f}" y="{base - 4}" font-size="10" text-anchor="middle" '
                f'fill="#6b7380">&lt;5<title>{label} : {escape(t["hidden"])}</title></text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{middle:.1f}" y="{base + 18}" font-size="12" '
                f'text-anchor="middle">{escape(month)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _link(
    lang: str, month: str, path: str = "/dashboard", measure: str = MEASURES[0], choice: str = ALL
) -> str:
    query = {"lang": lang, "month": month}
    if measure != MEASURES[0]:
        query["measure"] = measure
    if choice != ALL:
        query["choice"] = choice
    return f"{path}?{urlencode(query)}"


def _choices(dashboard: Dashboard, measure: str) -> str:
    """The links that choose what the map counts: every visitor, a category or a need
    (under the map, so that the heading, the measure and the map fit a laptop's window)."""
    lang, t = dashboard.lang, TEXTS[dashboard.lang]
    links = "".join(
        f'<a href="{escape(_link(lang, dashboard.month, measure=measure, choice=c))}" '
        f'id="choice-{escape(c.replace(":", "-"))}"'
        + (' aria-current="page"' if c == dashboard.choice else "")
        + f">{escape(choice_label(c, lang))}</a>"
        for c in choices()
    )
    return f'<p class="measure">{escape(t["choice"])} {links}</p>'


def _map(dashboard: Dashboard, measure: str) -> str:
    """The map of the chosen month, with the links that choose what it shows."""
    lang, t = dashboard.lang, TEXTS[dashboard.lang]
    links = "".join(
        f'<a href="{escape(_link(lang, dashboard.month, measure=m, choice=dashboard.choice))}" '
        f'id="measure-{m}"'
        + (' aria-current="page"' if m == measure else "")
        + f">{escape(t[f'{m}_measure'])}</a>"
        for m in MEASURES
    )
    values: dict[str, MapValue] = {
        code: SUPPRESSED if n is HIDDEN else float(n)
        for code, n in dashboard.commune_counts.items()
        if isinstance(n, int) or n is HIDDEN
    }
    chooser = _choices(dashboard, measure)
    if not dashboard.choice_available:
        return (
            f'<p class="measure">{escape(t["measure"])} {links}</p>{chooser}'
            f'<p class="note" id="unavailable">{escape(t["unavailable"])}</p>'
        )
    subtitle = t[f"map_{measure}"]
    if dashboard.choice != ALL:
        subtitle += f" — {choice_label(dashboard.choice, lang)}"
    svg = render_map(
        values,
        lang,
        title=t["map_title"].format(month=month_name(dashboard.month, lang)),
        subtitle=subtitle,
        per_10000=measure == "rate",
        hidden_legend=t["hidden_legend"],
    )
    svg = svg.replace(f' xmlns="{SVG_NAMESPACE}"', "", 1)  # implied in HTML: no address on the page
    legacy = "" if dashboard.hidden_listed else f'<p class="note">{escape(t["legacy_note"])}</p>'
    return (
        f'<p class="measure">{escape(t["measure"])} {links}</p>'
        f'<div id="{MAP_SLOT}">{svg}</div>{legacy}{chooser}'
        f"<details><summary>{escape(t['communes_table'])}</summary>"
        f"{_table(dashboard.communes, lang)}</details>"
    )


def _steps(dashboard: Dashboard) -> str:
    """The itinerary steps' durations of the month (none before they were published)."""
    if dashboard.steps is None:
        return ""
    named = escape(month_name(dashboard.month, dashboard.lang))
    return (
        f'<section id="itinerary-steps"><h2>{escape(dashboard.steps.title)} — {named}</h2>'
        f"{_table(dashboard.steps, dashboard.lang)}</section>"
    )


def dashboard_page(dashboard: Dashboard, measure: str = MEASURES[0]) -> str:
    """The whole page; the map shows ``measure`` (one of :data:`MEASURES`) of the
    dashboard's choice (every visitor, a category or a need); a month published before the
    choice's table says it is not available, and draws no map."""
    lang, month = dashboard.lang, dashboard.month
    t = TEXTS[lang]
    other = "ar" if lang == "fr" else "fr"
    options = "".join(
        f'<option value="{m}"{" selected" if m == month else ""}>'
        f"{escape(month_name(m, lang))}</option>"
        for m in reversed(dashboard.months)
    )
    nav = (
        f'<nav><a href="{escape(_link(other, month, measure=measure, choice=dashboard.choice))}" '
        f'lang="{other}" '
        'id="switch">'
        f"{escape(t['switch'])}</a>"
        f'<a href="{escape(_link(lang, month, "/dashboard.csv"))}" id="export-csv">'
        f"{escape(t['export'])} {escape(t['csv'])}</a>"
        f'<a href="{escape(_link(lang, month, "/dashboard.xlsx"))}" id="export-xlsx">'
        f"{escape(t['export'])} {escape(t['xlsx'])}</a>"
        f'<a href="{escape(_link(lang, month, CMSM_PATH))}" id="cmsm">{escape(t["cmsm"])}</a></nav>'
    )
    kept = f'<input type="hidden" name="measure" value="{measure}">' if measure != "count" else ""
    if dashboard.choice != ALL:
        kept += f'<input type="hidden" name="choice" value="{escape(dashboard.choice)}">'
    chooser = (
        '<form method="get" action="/dashboard">'
        f'<input type="hidden" name="lang" value="{lang}">{kept}'
        f'<label>{escape(t["choose"])} <select name="month">{options}</select></label>'
        f'<button type="submit">{escape(t["show"])}</button></form>'
    )
    cards = "".join(
        f'<div class="card"><h3>{escape(table.title)}</h3>{_table(table, lang, bars=True)}</div>'
        for table in dashboard.profile
    )
    named = escape(month_name(month, lang))
    body = (
        f"<header><h1>{escape(t['title'])}</h1><p>{escape(t['subtitle'])}</p>{nav}</header>"
        f'<main>{chooser}<p class="note">{escape(t["hidden_note"])}</p>'
        f'<section id="offices"><h2>{escape(t["offices"])}</h2>'
        f"{_table(dashboard.offices, lang)}</section>"
        f'<section id="trend"><h2>{escape(t["trend"])}</h2>{_trend_chart(dashboard)}'
        f"<h3>{escape(t['trend_table'])}</h3>{_table(dashboard.trend, lang)}</section>"
        f'<section id="profile"><h2>{escape(t["profile"])} — {named}</h2>'
        f'<div class="grid">{cards}</div></section>'
        f'<section id="communes"><h2>{escape(t["map"])} — {named}</h2>{_map(dashboard, measure)}'
        "</section>"
        f'<section id="outcomes"><h2>{escape(t["outcomes"])} — {named}</h2>'
        f"{_table(dashboard.outcomes, lang)}</section>{_steps(dashboard)}</main>"
    )
    direction = "rtl" if lang == "ar" else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(t["title"])}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )


def cmsm_page(view: CmsmView) -> str:
    """The CMSM secretariat's page: the members and their focal points, the referrals sent to
    each by month, and the chosen month's outcomes and response times (or "not available"
    for a month published before them)."""
    lang, month = view.lang, view.month
    t, c = TEXTS[lang], CMSM_TEXTS[lang]
    other = "ar" if lang == "fr" else "fr"
    options = "".join(
        f'<option value="{m}"{" selected" if m == month else ""}>'
        f"{escape(month_name(m, lang))}</option>"
        for m in reversed(view.months)
    )
    nav = (
        f'<nav><a href="{escape(_link(other, month, CMSM_PATH))}" lang="{other}" id="switch">'
        f"{escape(t['switch'])}</a>"
        f'<a href="{escape(_link(lang, month))}" id="dashboard">{escape(c["dashboard"])}</a></nav>'
    )
    chooser = (
        f'<form method="get" action="{CMSM_PATH}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<label>{escape(t["choose"])} <select name="month">{options}</select></label>'
        f'<button type="submit">{escape(t["show"])}</button></form>'
    )
    members = (
        _table(view.members, lang)
        if view.members.rows
        else f'<p class="note" id="no-members">{escape(c["no_members"])}</p>'
    )
    named = escape(month_name(month, lang))
    if view.available:
        detail = (
            f"{_table(view.outcomes, lang)}<h3>{escape(c['responses'])}</h3>"
            f'{_table(view.responses, lang)}<p class="note">{escape(c["median_note"])}</p>'
        )
    else:
        detail = f'<p class="note" id="unavailable">{escape(c["unavailable_note"])}</p>'
    body = (
        f"<header><h1>{escape(c['title'])}</h1><p>{escape(c['subtitle'])}</p>{nav}</header>"
        f'<main>{chooser}<p class="note">{escape(t["hidden_note"])}</p>'
        f'<section id="members"><h2>{escape(c["members"])}</h2>{members}</section>'
        f'<section id="sent"><h2>{escape(c["sent"])}</h2>{_table(view.sent, lang)}</section>'
        f'<section id="cmsm-outcomes"><h2>{escape(c["outcomes"])} — {named}</h2>{detail}'
        "</section></main>"
    )
    direction = "rtl" if lang == "ar" else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(c["title"])}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )
