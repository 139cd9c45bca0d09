"""Statistical disclosure control of the published regional counts.

A publication is a set of cells (counts) tied by additive relations (a total equals the sum of
its parts). Cells with ``0 < count < threshold`` are suppressed (primary suppression), then
further cells are suppressed (secondary suppression) until no suppressed cell is determined.

The attacker knows every published value, every relation, that counts are integers, which cells
are zero and that every suppressed cell is at least 1. A suppressed cell is protected when two
integer solutions of that system give it different values; this is checked exactly with
``scipy.optimize.milp`` (HiGHS).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

C = TypeVar("C", bound=Hashable)
Cell = tuple[str, ...]
"""A cell of a :class:`Publication`: the table's name followed by the cell's keys."""
Kind = Literal["total", "one_way", "two_way", "independent", "cross"]


@dataclass(frozen=True)
class Relation(Generic[C]):
    """An additive relation: ``counts[total] == sum(counts[part] for part in parts)``."""

    total: C
    parts: tuple[C, ...]

    @property
    def cells(self) -> tuple[C, ...]:
        """The total followed by the parts."""
        return (self.total, *self.parts)


def protect(counts: Mapping[C, int], relations: Sequence[Relation[C]], threshold: int) -> set[C]:
    """The cells to suppress so that no suppressed value can be derived from the rest.

    Primary suppression hides every cell with ``0 < count < threshold``. While a suppressed cell
    is determined, the smallest published non-zero cell sharing a relation with it is hidden too
    (a cell that is no relation's total first). The result is deterministic: ties are broken by
    the order of ``counts``. Raises ``ValueError`` when the counts break a relation.
    """
    for relation in relations:
        if counts[relation.total] != sum(counts[part] for part in relation.parts):
            raise ValueError(f"the counts break the relation {relation!r}")
    order = {cell: i for i, cell in enumerate(counts)}
    totals = {relation.total for relation in relations}
    of_cell: dict[C, list[Relation[C]]] = defaultdict(list)
    for relation in relations:
        for cell in relation.cells:
            of_cell[cell].append(relation)

    def complement(*among: Sequence[Relation[C]]) -> C:
        """The best cell to hide from the first of ``among`` that has a candidate."""
        for group in among:
            candidates = {
                cell
                for relation in group
                for cell in relation.cells
                if cell not in suppressed and counts[cell] > 0
            }
            if candidates:
                return min(candidates, key=lambda c: (c in totals, counts[c], order[c]))
        # Consistent counts always leave one: were every cell of these relations hidden or
        # zero, the doubled true counts would be another solution, so none would be determined.
        raise AssertionError("a determined cell without a complement")

    suppressed = {cell for cell, count in counts.items() if 0 < count < threshold}
    # Hiding more cells keeps every solution (extended by the true counts), so a cell once shown
    # to take two values stays protected and is not checked again.
    safe: set[C] = set()
    while True:
        # A relation with a single suppressed cell gives it away: hide a second cell there.
        lone = True
        while lone:
            lone = False
            for relation in relations:
                if sum(cell in suppressed for cell in relation.cells) == 1:
                    suppressed.add(complement([relation]))
                    lone = True
        grown = False
        for cells, linked in _components(relations, suppressed, order):
            if found := _determined(cells, linked, counts, safe):
                # One complement per component and round: it may protect several cells.
                suppressed.add(complement(of_cell[found[0]], linked))
                grown = True
        if not grown:
            return suppressed


def _components(
    relations: Sequence[Relation[C]], suppressed: set[C], order: Mapping[C, int]
) -> list[tuple[list[C], list[Relation[C]]]]:
    """The suppressed cells grouped by the relations linking them, each with its relations."""
    parent = {cell: cell for cell in suppressed}

    def root(cell: C) -> C:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    linking = [[c for c in relation.cells if c in suppressed] for relation in relations]
    for hidden in linking:
        for cell in hidden[1:]:
            parent[root(cell)] = root(hidden[0])
    groups: dict[C, tuple[list[C], list[Relation[C]]]] = {}
    for cell in sorted(suppressed, key=order.__getitem__):
        groups.setdefault(root(cell), ([], []))[0].append(cell)
    for relation, hidden in zip(relations, linking, strict=True):
        if hidden:
            groups[root(hidden[0])][1].append(relation)
    return list(groups.values())


def _determined(
    cells: Sequence[C], relations: Sequence[Relation[C]], counts: Mapping[C, int], safe: set[C]
) -> list[C]:
    """The cells of one component that take the same value in every integer solution.

    For each cell not yet ``safe``, look for a solution with a larger, then a smaller value; any
    solution found adds every cell whose value differs from the true one to ``safe``.
    """
    if not relations or safe.issuperset(cells):
        return []
    column = {cell: i for i, cell in enumerate(cells)}
    matrix = np.zeros((len(relations), len(cells)))
    known = np.zeros(len(relations))
    for row, relation in enumerate(relations):
        for sign, cell in ((1, relation.total), *((-1, part) for part in relation.parts)):
            if cell in column:
                matrix[row, column[cell]] += sign
            else:
                known[row] -= sign * counts[cell]
    truth = np.array([counts[cell] for cell in cells], dtype=float)
    equal = LinearConstraint(matrix, known, known)
    doubt = {i for i, cell in enumerate(cells) if cell not in safe}
    for i in range(len(cells)):
        for low, high in ((truth[i] + 1, np.inf), (1, truth[i] - 1)):
            if i not in doubt or high < low:
                continue
            lower, upper = np.ones(len(cells)), np.full(len(cells), np.inf)
            lower[i], upper[i] = low, high
            result = milp(
                np.zeros(len(cells)),
                constraints=equal,
                integrality=np.ones(len(cells)),
                bounds=Bounds(lower, upper),
            )
            if result.status == 0:
                differs = np.round(result.x) != truth
                doubt -= {j for j in doubt if differs[j]}
            elif result.status != 2:
                raise RuntimeError(f"disclosure check failed: {result.message}")
    safe.update(cell for i, cell in enumerate(cells) if i not in doubt)
    return [cells[i] for i in sorted(doubt)]


@dataclass(frozen=True)
class _Table:
    name: str
    kind: Kind
    cells: tuple[Cell, ...]


class Publication:
    """The tables of one publication, protected and rendered as JSON by :meth:`publish`.

    ``publish()`` returns one entry per table, in the order they were added, with keys sorted:

    - ``total``: the count, or ``None`` when it is zero or suppressed;
    - ``one_way`` and ``independent``: ``{key: count}``;
    - ``two_way``: ``{row: {col: count}}``;
    - ``cross``: ``{"cells": {row: {col: count}}, "rows": {row: count},
      "cols": {col: count}, "total": count or None}``.

    Zero and suppressed counts are absent (``None`` for a total); :meth:`hidden` says which
    absent ones are suppressed. When the grand total is under the threshold every table is
    empty. The builder checks every relation as tables are added and raises ``ValueError``,
    leaving the publication unchanged, when the counts break one.
    """

    def __init__(self, threshold: int = 5) -> None:
        self.threshold = threshold
        self._counts: dict[Cell, int] = {}
        self._relations: list[Relation[Cell]] = []
        self._tables: dict[str, _Table] = {}
        self._grand: Cell | None = None
        self._suppressed: set[Cell] | None = None

    def total(self, name: str, count: int) -> None:
        """The grand total, to which every one-way table sums."""
        if self._grand is not None:
            raise ValueError("the publication already has a grand total")
        self._add(name, "total", {(name,): count}, [])
        self._grand = (name,)

    def one_way(self, name: str, counts: Mapping[str, int]) -> None:
        """A table whose cells sum to the grand total."""
        if self._grand is None:
            raise ValueError("add the grand total before its one-way tables")
        cells: dict[Cell, int] = {(name, key): n for key, n in counts.items()}
        self._add(name, "one_way", cells, [Relation(self._grand, tuple(cells))])

    def two_way(
        self, name: str, counts: Mapping[tuple[str, str], int], *, rows: str, cols: str
    ) -> None:
        """Interior cells whose row and column sums are the cells of one-way tables."""
        cells: dict[Cell, int] = {(name, row, col): n for (row, col), n in counts.items()}
        relations = []
        for axis, margin in ((1, rows), (2, cols)):
            if margin not in self._tables or self._tables[margin].kind != "one_way":
                raise ValueError(f"{margin!r} is not a one-way table")
            keys = [cell[1] for cell in self._tables[margin].cells]
            if stray := {cell[axis] for cell in cells} - set(keys):
                raise ValueError(f"{sorted(stray)} of {name!r} are not keys of {margin!r}")
            for key in keys:
                parts = tuple(cell for cell in cells if cell[axis] == key)
                relations.append(Relation((margin, key), parts))
        self._add(name, "two_way", cells, relations)

    def independent(self, name: str, counts: Mapping[str, int]) -> None:
        """A table without relations (e.g. multi-valued answers): primary suppression only."""
        self._add(name, "independent", {(name, key): n for key, n in counts.items()}, [])

    def cross(self, name: str, counts: Mapping[tuple[str, str], int]) -> None:
        """A two-way table with its own margins and total, unrelated to the grand total."""
        cells: dict[Cell, int] = {(name, "cell", row, col): n for (row, col), n in counts.items()}
        inner, total = tuple(cells), (name, "total")
        relations = []
        for axis, kind in ((2, "row"), (3, "col")):
            margins: list[Cell] = []
            for key in dict.fromkeys(cell[axis] for cell in inner):
                parts = tuple(cell for cell in inner if cell[axis] == key)
                margins.append((name, kind, key))
                cells[margins[-1]] = sum(cells[part] for part in parts)
                relations.append(Relation(margins[-1], parts))
            relations.append(Relation(total, tuple(margins)))
        cells[total] = sum(n for cell, n in cells.items() if cell[1] == "row")
        self._add(name, "cross", cells, relations)

    def same_margins(self, first: str, second: str) -> None:
        """Two cross tables that count the same things two ways: each row's margin and the
        total are equal in both, and protected together (neither gives the other's away)."""
        for name in (first, second):
            if name not in self._tables or self._tables[name].kind != "cross":
                raise ValueError(f"{name!r} is not a cross table")
        rows = [cell[2] for cell in self._tables[first].cells if cell[1] == "row"]
        if set(rows) != {cell[2] for cell in self._tables[second].cells if cell[1] == "row"}:
            raise ValueError(f"{first!r} and {second!r} do not have the same rows")
        pairs: list[tuple[Cell, Cell]] = [
            ((first, "row", row), (second, "row", row)) for row in rows
        ]
        pairs.append(((first, "total"), (second, "total")))
        relations: list[Relation[Cell]] = [Relation(one, (other,)) for one, other in pairs]
        for relation in relations:
            if self._counts[relation.total] != self._counts[relation.parts[0]]:
                raise ValueError(f"{relation.total!r} and {relation.parts[0]!r} differ")
        self._relations += relations
        self._suppressed = None

    def _protected(self) -> set[Cell]:
        """The suppressed cells, worked out once (until a table is added)."""
        if self._grand is None:
            raise ValueError("the publication has no grand total")
        if self._suppressed is None:
            if self._withheld():
                self._suppressed = set(self._counts)
            else:
                self._suppressed = protect(self._counts, self._relations, self.threshold)
        return self._suppressed

    def _withheld(self) -> bool:
        """Whether the grand total is under the threshold, so that every table is hidden."""
        return self._grand is not None and self._counts[self._grand] < self.threshold

    def publish(self) -> dict[str, Any]:
        """The protected tables, JSON-ready (see the class docstring for the shape)."""
        hidden = self._protected()

        def shown(cell: Cell) -> int | None:
            count = self._counts[cell]
            return None if cell in hidden or count == 0 else count

        def flat(cells: list[tuple[str, Cell]]) -> dict[str, int]:
            values = {key: shown(cell) for key, cell in cells}
            return {key: n for key, n in sorted(values.items()) if n is not None}

        def nested(cells: list[tuple[str, str, Cell]]) -> dict[str, dict[str, int]]:
            out: dict[str, dict[str, int]] = {}
            for row, col, cell in sorted(cells):
                if (n := shown(cell)) is not None:
                    out.setdefault(row, {})[col] = n
            return out

        published: dict[str, Any] = {}
        for table in self._tables.values():
            cells = table.cells
            if table.kind == "total":
                published[table.name] = shown(cells[0])
            elif table.kind == "two_way":
                published[table.name] = nested([(c[1], c[2], c) for c in cells])
            elif table.kind == "cross":
                published[table.name] = {
                    "cells": nested([(c[2], c[3], c) for c in cells if c[1] == "cell"]),
                    "rows": flat([(c[2], c) for c in cells if c[1] == "row"]),
                    "cols": flat([(c[2], c) for c in cells if c[1] == "col"]),
                    "total": shown((table.name, "total")),
                }
            else:
                published[table.name] = flat([(c[1], c) for c in cells])
        return published

    def hidden(self) -> dict[str, Any]:
        """Which cells each table hides, never their counts: JSON-ready, one entry a table.

        A hidden cell is a non-zero count that :meth:`publish` leaves out, so that a reader
        can tell it from a zero (which the disclosure check already takes as known). The
        entries follow the tables' shapes: ``total`` is ``true`` or ``false``; ``one_way``
        and ``independent`` a sorted list of keys; ``two_way`` a sorted list of
        ``[row, col]``; ``cross`` ``{"cells": [[row, col]], "rows": [...], "cols": [...],
        "total": bool}``. When the grand total is under the threshold every table is
        ``"all"``: each of its cells is hidden, and which are zero is not said either.
        """
        suppressed = self._protected()
        withheld = self._withheld()
        out: dict[str, Any] = {}
        for table in self._tables.values():
            cells = [c for c in table.cells if c in suppressed and self._counts[c] > 0]
            if table.kind == "total":
                out[table.name] = bool(cells)
            elif withheld and cells:
                out[table.name] = "all"
            elif table.kind == "two_way":
                out[table.name] = sorted([c[1], c[2]] for c in cells)
            elif table.kind == "cross":
                out[table.name] = {
                    "cells": sorted([c[2], c[3]] for c in cells if c[1] == "cell"),
                    "rows": sorted(c[2] for c in cells if c[1] == "row"),
                    "cols": sorted(c[2] for c in cells if c[1] == "col"),
                    "total": any(c[1] == "total" for c in cells),
                }
            else:
                out[table.name] = sorted(c[1] for c in cells)
        return out

    def _add(
        self, name: str, kind: Kind, cells: dict[Cell, int], relations: list[Relation[Cell]]
    ) -> None:
        """Check a table and its relations, then add them."""
        if name in self._tables:
            raise ValueError(f"table {name!r} is already in the publication")
        for cell, count in cells.items():
            if not isinstance(count, int) or count < 0:
                raise ValueError(f"{cell!r} must be a non-negative integer, not {count!r}")
        counts = {**self._counts, **cells}
        for relation in relations:
            found = sum(counts[part] for part in relation.parts)
            if found != counts[relation.total]:
                raise ValueError(f"{relation.total!r} is {counts[relation.total]}, not {found}")
        self._counts = counts
        self._relations += relations
        self._tables[name] = _Table(name, kind, tuple(cells))
        self._suppressed = None
