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


def test_arabic_text_is_embedded_right_to_left_and_ends_at_the_right() -> None:
    root = ET.fromstring(render_map({"09.581.01.07": 7}, "ar"))
    width = float(root.get("width", "0"))
    legend = [t for t in root.iter(f"{SVG}text") if "أقل من" in (t.text or "")]
    assert legend and (legend[0].text or "").startswith("\u202b")
    assert legend[0].get("text-anchor") == "end" and float(legend[0].get("x", "0")) > width / 2
    assert re.search(r"سوس ماسة", root.findtext(f"{SVG}title") or "")
