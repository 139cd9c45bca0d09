"""The SVG map of the communes: one shape each, classes that follow the values, and a
suppressed count never shown as a number."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from protocol.commune_map import SUPPRESSED, MapValue, classes, render_map
from protocol.communes import load, province_communes

SVG = "{http://www.w3.org/2000/svg}"


def _shapes(svg: str) -> dict[str, ET.Element]:
    paths = ET.fromstring(svg).iter(f"{SVG}path")
    return {path.get("id", "")[1:]: path for path in paths if path.get("id", "").startswith("c")}


def _title(shape: ET.Element) -> str:
    title = shape.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def test_the_region_map_has_one_shape_per_commune_with_its_name_and_value() -> None:
    values: dict[str, MapValue] = {"09.581.01.07": 42, "09.273.01.15": SUPPRESSED}
    shapes = _shapes(render_map(values, "fr"))
    assert set(shapes) == {c.code for c in load().communes}
    assert _title(shapes["09.581.01.07"]) == "Tiznit: 42"
    assert _title(shapes["09.273.01.15"]) == "Inezgane: moins de 5"
    assert _title(shapes["09.551.01.07"]) == "Tata: aucune donnée"
    outlines = [p.get("id") for p in ET.fromstring(render_map(values, "fr")).iter(f"{SVG}path")]
    assert sorted(set(outlines) - {f"c{code}" for code in shapes}) == [
        "p09.001", "p09.163", "p09.273", "p09.541", "p09.551", "p09.581"
    ]  # fmt: skip


def test_a_province_map_draws_its_communes_only() -> None:
    svg = render_map({}, "ar", province_code="09.273")
    assert set(_shapes(svg)) == {c.code for c in province_communes("09.273")}
    assert "إنزكان-آيت ملول" in svg
    with pytest.raises(ValueError, match=r"09\.999"):
        render_map({}, "fr", province_code="09.999")


@pytest.mark.parametrize(
    ("language", "said"), [("fr", "moins de 5"), ("en", "fewer than 5"), ("ar", "أقل من 5")]
)
def test_suppressed_communes_are_hatched_and_carry_no_number(language: str, said: str) -> None:
    codes = [c.code for c in load().communes]
    values: dict[str, MapValue] = {code: SUPPRESSED for code in codes[::2]}
    values.update({code: 1000 + index for index, code in enumerate(codes[1::2])})
    svg = render_map(values, language)
    shapes = _shapes(svg)
    for code in codes[::2]:
        shape = shapes[code]
        assert shape.get("fill") == "url(#suppressed)"
        name = next(c.name(language) for c in load().communes if c.code == code)
        assert _title(shape) == f"{name}: {said}"
        assert set(shape.attrib) == {"id", "d", "fill"}
    # The legend says the words once, beside the hatch.
    legend = [(t.text or "").strip("\u202b\u202c") for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert legend.count(said) == 1


def test_a_small_count_given_as_a_number_is_drawn_as_suppressed_too() -> None:
    svg = render_map({"09.581.01.07": 3, "09.581.01.05": 0}, "en", per_10000=True)
    shapes = _shapes(svg)
    assert shapes["09.581.01.07"].get("fill") == "url(#suppressed)"
    assert _title(shapes["09.581.01.07"]) == "Tiznit: fewer than 5 people"  # not a rate
    assert _title(shapes["09.581.01.05"]) == "Tafraout: 0.0"


def test_classes_follow_the_values() -> None:
    codes = [c.code for c in load().communes][:50]
    values: dict[str, MapValue] = {code: index + 5 for index, code in enumerate(codes)}
    shapes = _shapes(render_map(values, "en"))
    fills = [shapes[code].get("fill") for code in codes]
    palette = list(dict.fromkeys(fills))
    assert len(palette) == 5
    ranks = [palette.index(fill) for fill in fills]
    assert ranks == sorted(ranks)  # a larger value never in a lighter class
    assert [c.low for c in classes([float(v) for v in range(1, 51)])] == [1, 11, 21, 31, 41]


def test_one_value_is_never_split_over_two_classes() -> None:
    made = classes([5, 5, 5, 5, 5, 5, 7, 9])
    assert [(c.low, c.high) for c in made] == [(5, 5), (7, 7), (9, 9)]


def test_per_10000_inhabitants_divides_by_the_2024_population() -> None:
    tiznit = next(c for c in load().communes if c.code == "09.581.01.07")
    svg = render_map({tiznit.code: 200}, "en", per_10000=True)
    rate = 200 * 10_000 / tiznit.population
    assert _title(_shapes(svg)[tiznit.code]) == f"Tiznit: {rate:.1f}"
    assert "Per 10,000 inhabitants" in svg


def _legend(svg: str) -> list[tuple[float, float, str]]:
    """The legend's rows: each box's x, its text's x and the text (lines joined)."""
    rows: list[tuple[float, float, str]] = []
    root = ET.fromstring(svg)
    height = float(root.get("height", "0"))
    for element in root:
        if element.tag == f"{SVG}rect" and element.get("width") == "28":
            rows.append((float(element.get("x", "0")), 0.0, ""))
        elif element.tag == f"{SVG}text" and rows and float(element.get("y", "0")) < height - 20:
            box, _x, text = rows[-1]
            line = (element.text or "").strip("\u202b\u202c")
            rows[-1] = (box, float(element.get("x", "0")), f"{text} {line}".strip())
    return rows


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_legend_is_beside_the_map_on_the_side_of_the_reading(language: str) -> None:
    svg = render_map({"09.581.01.07": 7}, language)
    root = ET.fromstring(svg)
    width = float(root.get("width", "0"))
    legend = _legend(svg)
    assert legend
    xs = [float(n) for d in (p.get("d", "") for p in _shapes(svg).values()) for n in
          re.findall(r"[ML]([\d.]+),", d)]  # fmt: skip
    for box, text_x, _text in legend:
        if language == "ar":  # at the map's left, each text ending at the left of its box
            assert text_x < box < min(xs)
        else:  # at the map's right, each text starting at the right of its box
            assert max(xs) < box < text_x < width


def test_arabic_text_is_embedded_right_to_left_and_ranges_read_left_to_right() -> None:
    codes = [c.code for c in load().communes]
    root = ET.fromstring(render_map({code: 5 + n for n, code in enumerate(codes[:10])}, "ar"))
    legend = [t for t in root.iter(f"{SVG}text") if "أقل من" in (t.text or "")]
    assert legend and (legend[0].text or "").startswith("\u202b")
    assert legend[0].get("text-anchor") == "end"
    assert re.search(r"سوس ماسة", root.findtext(f"{SVG}title") or "")
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "\u202b\u20665 \u2013 6\u2069\u202c" in texts  # 5 - 6 left to right, not 6 - 5


def test_a_commune_with_none_is_zero_apart_from_the_classes() -> None:
    codes = [c.code for c in load().communes]
    values: dict[str, MapValue] = {code: 0 for code in codes}
    values |= {codes[0]: 6, codes[1]: 60, codes[2]: 600}
    svg = render_map(values, "fr")
    shapes = _shapes(svg)
    assert _title(shapes[codes[3]]).endswith(": 0")
    assert len({shapes[code].get("fill") for code in codes[:4]}) == 4  # three classes, and 0
    assert [text for _box, _x, text in _legend(svg)] == ["0", "6", "60", "600", "moins de 5"]


def test_no_data_is_in_the_legend_only_when_a_commune_has_none() -> None:
    assert "aucune donnée" in [text for _b, _x, text in _legend(render_map({}, "fr"))]
    everywhere = {c.code: 0 for c in load().communes}
    assert "aucune donnée" not in [text for _b, _x, text in _legend(render_map(everywhere, "fr"))]


def test_the_legend_of_a_hidden_count_can_say_more_than_the_titles() -> None:
    said = "masqué : moins de 5, ou masqué pour qu'aucun petit effectif ne puisse être déduit"
    svg = render_map({"09.581.01.07": SUPPRESSED}, "fr", hidden_legend=said)
    assert said in [text for _box, _x, text in _legend(svg)]  # wrapped over lines, whole
    assert _title(_shapes(svg)["09.581.01.07"]) == "Tiznit: moins de 5"
