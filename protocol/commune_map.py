"""A map of Souss-Massa's communes as SVG, shaded by a value per commune: pure Python.

:func:`render_map` takes a value per HCP code (a number; :data:`SUPPRESSED` for a count
the publication hid; None or absent for no data) and draws the région's communes, or one
province's, in up to five classes of the values above zero (zero apart) with a legend
beside the map, in fr, ar, en or zgh (in Arabic right to left, on the map's left). A
suppressed commune is hatched and said "fewer than 5", never given a number; so is a count
from 1 to 4 given as a number. A count hidden by secondary suppression may be 5 or more
(hidden so that no small one can be worked out): the caller says so in ``hidden_legend``.
Every commune is one ``<path>`` with a ``<title>`` (its name and value) that a browser
shows on hover; each province's outline is drawn over them. With ``per_10000`` the values
are divided by the commune's 2024 population. The words are the ``[map]`` section of
``resources/translations``; the outlines are worked out once per size.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final
from xml.sax.saxutils import escape

from babel.numbers import format_decimal

from protocol.communes import Commune, Ring, load, province, province_communes


class Suppressed:
    """The marker of a count hidden by the publication (fewer than the threshold)."""

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED: Final = Suppressed()
MapValue = float | Suppressed | None
PALETTE = ("#fff7bc", "#fec44f", "#fe9929", "#d95f0e", "#993404")
"""Five classes, light to dark (ColorBrewer YlOrBr, readable in grey too)."""
NO_DATA = "#d4d4d4"
ZERO = "#f0f0f0"
"""A commune with none: lighter than no data, and apart from the classes."""
LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en", "zgh": "zgh"}
FONT = "'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Tifinagh', sans-serif"
Place = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True)
class MapClass:
    """One class of the legend: its colour and the smallest and largest value in it."""

    colour: str
    low: float
    high: float


@cache
def words(language: str) -> dict[str, str]:
    """The map's words in ``language`` (ValueError for a language without them)."""
    if language not in LOCALES:
        raise ValueError(f"no map words in {language!r}")
    path = resources.files("resources") / "translations" / f"{language}.toml"
    section: dict[str, str] = tomllib.loads(path.read_text("utf-8"))["map"]
    return section


def classes(values: list[float], count: int = 5) -> tuple[MapClass, ...]:
    """Up to ``count`` classes of ``values`` by quantiles: each holds a run of the sorted
    values, none empty, one value never split over two."""
    ordered = sorted(values)
    groups: list[list[float]] = []
    for index, value in enumerate(ordered):
        group = min(index * count // len(ordered), count - 1)
        if groups and (value == groups[-1][-1] or len(groups) > group):
            groups[-1].append(value)
        else:
            groups.append([value])
    # Fewer than five classes take the darker colours: they stand out from 0 and no data.
    first = len(PALETTE) - len(groups)
    return tuple(
        MapClass(PALETTE[first + i], group[0], group[-1]) for i, group in enumerate(groups)
    )


def class_of(value: float, map_classes: tuple[MapClass, ...]) -> MapClass:
    """The class ``value`` falls in."""
    return next((c for c in map_classes if value <= c.high), map_classes[-1])


def number(value: float, language: str, per_10000: bool) -> str:
    """``value`` written for ``language`` (one decimal for a rate)."""
    pattern = "#,##0.0" if per_10000 else "#,##0"
    return str(format_decimal(value, format=pattern, locale=LOCALES[language]))


def _project(communes: tuple[Commune, ...], width: float) -> tuple[float, Place]:
    """The height of the map ``width`` wide, and the function that places a point."""
    points = [point for c in communes for ring in c.rings for point in ring]
    west, east = min(x for x, _ in points), max(x for x, _ in points)
    south, north = min(y for _, y in points), max(y for _, y in points)
    squash = math.cos(math.radians((north + south) / 2))
    scale = width / ((east - west) * squash)

    def place(x: float, y: float) -> tuple[float, float]:
        return (x - west) * squash * scale, (north - y) * scale

    return (north - south) * scale, place


def _extent(commune: Commune) -> float:
    """The area of the box around a commune, in square degrees."""
    xs = [x for ring in commune.rings for x, _ in ring]
    ys = [y for ring in commune.rings for _, y in ring]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def _sides(ring: Ring) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return list(zip(ring, (*ring[1:], ring[0]), strict=True))


def _inside(point: tuple[float, float], ring: Ring) -> bool:
    """Whether ``point`` is inside ``ring`` (ray casting)."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in _sides(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _enclaves(communes: tuple[Commune, ...]) -> set[Ring]:
    """The rings inside another ring of their province (a town inside the rural commune
    around it, or inside another part of its own commune): they share no side with any
    ring, and the outlines have no holes, so their sides are no province's border."""
    count: dict[frozenset[tuple[float, float]], int] = {}
    for commune in communes:
        for ring in commune.rings:
            for side in _sides(ring):
                count[frozenset(side)] = count.get(frozenset(side), 0) + 1
    return {
        ring
        for commune in communes
        for ring in commune.rings
        if all(count[frozenset(side)] == 1 for side in _sides(ring))
        and any(
            _inside(ring[0], other)
            for neighbour in communes
            if neighbour.province == commune.province
            for other in neighbour.rings
            if other is not ring
        )
    }


def _province_borders(
    communes: tuple[Commune, ...], place: Place, left: float, top: float
) -> list[str]:
    """Each province's outline: the sides of its communes that no other of its communes
    has (neighbours share their simplified borders), enclaves aside."""
    enclaves = _enclaves(communes)
    owners: dict[tuple[str, tuple[float, float]], set[str]] = {}
    for commune in communes:
        for point in {point for ring in commune.rings for point in ring}:
            owners.setdefault((commune.province, point), set()).add(commune.code)
    sides: dict[str, dict[frozenset[tuple[float, float]], tuple[tuple[float, float], ...]]] = {}
    for commune in communes:
        own = sides.setdefault(commune.province, {})
        for ring in set(commune.rings) - enclaves:
            for start, end in _sides(ring):
                key = frozenset((start, end))
                if key in own:
                    del own[key]
                # Both ends on another commune of the province: a side inside it, where
                # the source's two borders differ by a vertex.
                elif not (owners[(commune.province, start)] & owners[(commune.province, end)]) - {
                    commune.code
                }:
                    own[key] = (start, end)
    out = []
    for code, outline in sides.items():
        steps = []
        for (x1, y1), (x2, y2) in outline.values():
            (a, b), (c, d) = place(x1, y1), place(x2, y2)
            steps.append(f"M{left + a:.1f},{top + b:.1f} L{left + c:.1f},{top + d:.1f}")
        out.append(
            f'<path id="p{code}" d="{" ".join(steps)}" fill="none" stroke="#444444" '
            'stroke-width="1.2" stroke-linecap="round"/>'
        )
    return out


def _path(commune: Commune, place: Place, left: float, top: float) -> str:
    parts = []
    for ring in commune.rings:
        spots = [place(x, y) for x, y in ring]
        parts.append("M" + " L".join(f"{left + sx:.1f},{top + sy:.1f}" for sx, sy in spots) + " Z")
    return " ".join(parts)


@dataclass(frozen=True)
class _Drawing:
    """What a map draws whatever its values: each commune's outline (largest first, so that
    a commune inside another is drawn after it, on top; the outlines have no holes) and the
    provinces' outlines."""

    height: float
    shapes: tuple[tuple[Commune, str], ...]
    borders: tuple[str, ...]


@cache
def _drawing(province_code: str | None, width: float, left: float, top: float) -> _Drawing:
    """The outlines of the région's communes, or one province's, ``width`` wide at
    (``left``, ``top``): worked out once, as they are the same on every map."""
    communes = load().communes if province_code is None else province_communes(province_code)
    height, place = _project(communes, width)
    shapes = tuple(
        (commune, _path(commune, place, left, top))
        for commune in sorted(communes, key=_extent, reverse=True)
    )
    return _Drawing(height, shapes, tuple(_province_borders(communes, place, left, top)))


def _wrap(text: str, chars: int) -> list[str]:
    """``text`` cut between words into lines of about ``chars`` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def render_map(
    values: Mapping[str, MapValue],
    language: str,
    *,
    title: str = "",
    subtitle: str = "",
    province_code: str | None = None,
    per_10000: bool = False,
    threshold: int = 5,
    width: int = 900,
    hidden_legend: str = "",
) -> str:
    """The SVG map of ``values`` (by HCP code) over the région, or one province's
    communes; ``title`` (else the default one) is followed by the area's name, and
    ``subtitle`` (else the catalog's words for a count or a rate) says what is counted.

    The legend is a column beside the map (on its right, on its left in Arabic): 0 when
    a commune has none, the classes of the values above zero, the hatch of a hidden
    count (``hidden_legend``, else the short "fewer than 5" of the communes' titles), and
    "no data" when a commune has no value (absent from ``values``: give 0 for none).
    """
    said = words(language)
    rtl = language == "ar"
    if province_code is None:
        region = "سوس ماسة" if rtl else "Souss-Massa"
    else:
        area = province(province_code)
        if area is None:
            raise ValueError(f"no province {province_code!r} in Souss-Massa")
        region = area.name(language)
    margin, gap, top = 20, 24, 70
    legend_width = round(width * 0.28)
    map_width = width - 2 * margin - gap - legend_width
    map_left = margin + legend_width + gap if rtl else margin
    drawing = _drawing(province_code, map_width, map_left, top)
    shown: dict[str, float | Suppressed | None] = {}
    for commune, _d in drawing.shapes:
        value = values.get(commune.code)
        if isinstance(value, int | float) and 0 < value < threshold:
            value = SUPPRESSED  # a small count given by mistake is never drawn either
        if isinstance(value, int | float) and per_10000:
            value = value * 10_000 / commune.population
        shown[commune.code] = value if isinstance(value, Suppressed | int | float) else None
    numbers = [v for v in shown.values() if isinstance(v, int | float) and v > 0]
    map_classes = classes(numbers) if numbers else ()
    # A rate's legend says the hidden count is of people, not a rate under 5.
    hidden = said["suppressed_people" if per_10000 else "suppressed"].format(threshold=threshold)
    entries = (
        [(ZERO, _isolated(number(0, language, per_10000), rtl))] if 0 in shown.values() else []
    )
    entries += [(c.colour, _range(c, language, per_10000)) for c in map_classes]
    entries.append(("url(#suppressed)", hidden_legend or hidden))
    if None in shown.values():
        entries.append((NO_DATA, said["no_data"]))
    legend: list[str] = []
    y = top + 8
    box = margin + legend_width - 28 if rtl else width - margin - legend_width
    for fill, text in entries:
        legend.append(
            f'<rect x="{box}" y="{y:.0f}" width="28" height="18" fill="{fill}" '
            'stroke="#777777" stroke-width="0.6"/>'
        )
        for line in _wrap(text, (legend_width - 40) // 8):
            legend.append(_text(box - 10 if rtl else box + 38, y + 14, line, 14, rtl))
            y += 18
        y += 10
    height = max(top + drawing.height, y) + 44
    heading = f"{title or said['title']} — {region}"
    measure = "per_10000" if per_10000 else "count"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" role="img" xml:lang="{language}" '
        f'font-family="{FONT}">',
        f"<title>{escape(heading)}</title>",
        '<defs><pattern id="suppressed" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#555555" stroke-width="2"/></pattern></defs>',
        f'<rect width="{width}" height="{height:.0f}" fill="#ffffff"/>',
        _text(width / 2, 28, heading, 20, rtl, anchor="middle", bold=True),
        _text(width / 2, 50, subtitle or said[measure], 14, rtl, anchor="middle"),
        '<g stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">',
    ]
    for commune, d in drawing.shapes:
        value = shown[commune.code]
        if isinstance(value, Suppressed):
            fill, said_value = "url(#suppressed)", hidden
        elif value is None:
            fill, said_value = NO_DATA, said["no_data"]
        else:
            fill = class_of(value, map_classes).colour if value > 0 else ZERO
            said_value = number(value, language, per_10000)
        label = escape(f"{commune.name(language)}: {said_value}")
        out.append(
            f'<path id="c{commune.code}" d="{d}" fill="{fill}"><title>{label}</title></path>'
        )
    out.append("</g>")
    out += drawing.borders
    out += legend
    credit_x = width - margin if rtl else margin
    out.append(_text(credit_x, height - 14, said["credit"], 11, rtl, colour="#555555"))
    out.append("</svg>")
    return "\n".join(out)


def _isolated(text: str, rtl: bool) -> str:
    """A number or a range kept left to right in Arabic text (6 to 57 read as ``6 - 57``,
    not reversed by the bidirectional algorithm into ``57 - 6``)."""
    return f"\u2066{text}\u2069" if rtl else text


def _range(map_class: MapClass, language: str, per_10000: bool) -> str:
    low, high = (number(v, language, per_10000) for v in (map_class.low, map_class.high))
    return _isolated(low if low == high else f"{low} \u2013 {high}", language == "ar")


def _text(
    x: float,
    y: float,
    text: str,
    size: int,
    rtl: bool,
    *,
    anchor: str = "",
    bold: bool = False,
    colour: str = "#222222",
) -> str:
    """A line of text at (x, y), anchored at its start; in Arabic embedded right to left
    (RLE…PDF, which Chromium and Qt's SVG renderer both honour) and anchored at its end,
    so that it ends at ``x`` whatever the renderer makes of SVG's ``direction``."""
    anchor = anchor or ("end" if rtl else "start")
    weight = ' font-weight="bold"' if bold else ""
    shown = f"\u202b{text}\u202c" if rtl else text
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" fill="{colour}" '
        f'text-anchor="{anchor}"{weight}>{escape(shown)}</text>'
    )
