"""Disclosure control: small cells hidden, and no hidden cell derivable from what is published."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from regional.disclosure import Publication

Path = tuple[str, ...]
Relations = list[tuple[Path, list[Path]]]


def lookup(published: dict[str, Any], path: Path) -> int | None:
    """The published value at ``path`` (table, then keys), ``None`` when absent."""
    value: Any = published
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    assert value is None or isinstance(value, int)
    return value


def scalars(value: Any) -> list[Any]:
    """Every value in a JSON-like structure that is neither a dict nor a list."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [inner for item in value for inner in scalars(item)]
    return [value]


def leaves(value: Any, path: Path = ()) -> list[tuple[Path, int]]:
    """Every published number with its path."""
    if isinstance(value, dict):
        return [leaf for key, inner in value.items() for leaf in leaves(inner, (*path, key))]
    return [] if value is None else [(path, value)]


def determined(truth: dict[Path, int], relations: Relations, published: dict[str, Any]) -> list:
    """The hidden non-zero cells whose minimum equals their maximum over the integer solutions.

    The attacker's system: published values and zeros are known, hidden cells are integers
    of at least 1, and every relation holds.
    """
    hidden = [path for path, n in truth.items() if n > 0 and lookup(published, path) is None]
    column = {path: i for i, path in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in relations:
        row, known = np.zeros(len(hidden)), 0
        for sign, path in ((1, total), *((-1, part) for part in parts)):
            if path in column:
                row[column[path]] += sign
            else:
                known -= sign * (lookup(published, path) or 0)
        if row.any():
            rows.append(row)
            rhs.append(known)
        else:
            assert known == 0, f"published values break {total} = sum({parts})"
    truth_vector = np.array([truth[path] for path in hidden])
    if rows:
        assert np.array_equal(np.array(rows) @ truth_vector, np.array(rhs))
    found = []
    for i, path in enumerate(hidden):
        extremes = []
        for sense in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[i] = sense
            result = milp(
                objective,
                constraints=[LinearConstraint(np.array(rows), rhs, rhs)] if rows else [],
                integrality=np.ones(len(hidden)),
                bounds=Bounds(1, np.inf),
            )
            if result.status == 0:
                extremes.append(round(result.x[i]))
            else:  # the true counts are a solution, so the problem is unbounded
                assert sense == -1.0 and result.status in (3, 4), result.message
                extremes.append(None)
        if extremes[0] == extremes[1]:
            found.append(path)
    return found


# --- the checker is not vacuous -----------------------------------------------------------


def test_checker_finds_a_cell_derivable_from_the_total() -> None:
    truth = {("total",): 13, ("t", "a"): 10, ("t", "b"): 3}
    relations: Relations = [(("total",), [("t", "a"), ("t", "b")])]
    primary_only = {"total": 13, "t": {"a": 10}}
    assert determined(truth, relations, primary_only) == [("t", "b")]
    assert determined(truth, relations, {"total": 13, "t": {}}) == []


def test_checker_uses_that_hidden_cells_are_at_least_one() -> None:
    # A 2x2 block of ones under published margins: moving one unit round the cycle would need
    # a zero, so every hidden cell is determined although none sits alone in a relation.
    truth = {("m", r, c): 1 for r in "ab" for c in "xy"}
    truth |= {("m", "c", c): 10 for c in "xy"}
    truth |= {("r", "a"): 2, ("r", "b"): 2, ("r", "c"): 20, ("c", "x"): 12, ("c", "y"): 12}
    relations: Relations = [(("r", r), [("m", r, c) for c in "xy"]) for r in "abc"]
    relations += [(("k", c), [("m", r, c) for r in "abc"]) for c in "xy"]
    published = {"m": {"c": {"x": 10, "y": 10}}, "r": {"a": 2, "b": 2, "c": 20}}
    published["k"] = {"x": 12, "y": 12}
    assert sorted(determined(truth, relations, published)) == sorted(
        ("m", r, c) for r in "ab" for c in "xy"
    )


# --- examples ------------------------------------------------------------------------------


def test_a_single_small_cell_gets_the_smallest_complement() -> None:
    pub = Publication(threshold=5)
    pub.total("total", 30)
    pub.one_way("by_category", {"mre": 3, "migrant": 12, "refugee": 15})
    assert pub.publish() == {"total": 30, "by_category": {"refugee": 15}}


def test_women_are_not_derivable_from_the_total_and_the_men() -> None:
    pub = Publication()
    pub.total("total", 8)
    pub.one_way("by_sex", {"m": 6, "f": 2})
    assert pub.publish() == {"total": 8, "by_sex": {}}


def test_zero_cells_are_absent_and_need_no_complement() -> None:
    pub = Publication()
    pub.total("total", 20)
    pub.one_way("by_office", {"Agadir": 0, "Taliouine": 10, "Tiznit": 10})
    assert pub.publish() == {"total": 20, "by_office": {"Taliouine": 10, "Tiznit": 10}}


def test_a_small_grand_total_publishes_an_empty_structure() -> None:
    pub = Publication()
    pub.total("total", 4)
    pub.one_way("by_sex", {"f": 4})
    pub.two_way("by_sex_sex", {("f", "f"): 4}, rows="by_sex", cols="by_sex")
    pub.independent("by_need", {"health": 9})
    pub.cross("by_referral_outcome", {("health", "done"): 7})
    assert pub.publish() == {
        "total": None,
        "by_sex": {},
        "by_sex_sex": {},
        "by_need": {},
        "by_referral_outcome": {"cells": {}, "rows": {}, "cols": {}, "total": None},
    }


def test_independent_tables_only_get_primary_suppression() -> None:
    pub = Publication()
    pub.total("total", 20)
    pub.independent("by_need", {"health": 3, "papers": 7, "work": 25})
    assert pub.publish()["by_need"] == {"papers": 7, "work": 25}


def test_complements_are_interior_cells_before_margins() -> None:
    pub = Publication()
    pub.total("total", 50)
    pub.one_way("by_office", {"a": 25, "b": 25})
    pub.one_way("by_category", {"x": 23, "y": 27})
    interior = {("a", "x"): 3, ("a", "y"): 22, ("b", "x"): 20, ("b", "y"): 5}
    pub.two_way("by_office_category", interior, rows="by_office", cols="by_category")
    published = pub.publish()
    assert published["by_office_category"] == {}
    assert published["by_office"] == {"a": 25, "b": 25}
    assert published["by_category"] == {"x": 23, "y": 27}


def test_cross_table_shape() -> None:
    pub = Publication()
    pub.total("total", 40)
    counts = {("health", "done"): 10, ("health", "sent"): 6, ("papers", "done"): 7}
    pub.cross("by_referral_outcome", {**counts, ("papers", "sent"): 8, ("papers", "gone"): 0})
    published = pub.publish()
    assert published["by_referral_outcome"] == {
        "cells": {"health": {"done": 10, "sent": 6}, "papers": {"done": 7, "sent": 8}},
        "rows": {"health": 16, "papers": 15},
        "cols": {"done": 17, "sent": 14},
        "total": 31,
    }
    assert json.loads(json.dumps(published)) == published


def test_hidden_lists_the_suppressed_keys_of_each_table_and_no_count() -> None:
    pub = Publication()
    pub.total("total", 40)
    pub.one_way("by_office", {"a": 20, "b": 20, "c": 0})
    pub.one_way("by_category", {"x": 37, "y": 3})
    interior = {("a", "x"): 17, ("a", "y"): 3, ("b", "x"): 20}
    pub.two_way("by_office_category", interior, rows="by_office", cols="by_category")
    pub.independent("by_need", {"health": 3, "work": 9})
    done, sent = ("health", "done"), ("health", "sent")
    counts = {done: 10, sent: 3, ("papers", "done"): 7, ("papers", "sent"): 8}
    pub.cross("by_referral_outcome", counts)
    assert pub.publish()["by_office_category"] == {"b": {"x": 20}}
    # zero cells (the office c) are no hidden cells: a reader tells them apart
    assert pub.hidden() == {
        "total": False,
        "by_office": [],
        "by_category": ["x", "y"],
        "by_office_category": [["a", "x"], ["a", "y"]],
        "by_need": ["health"],
        "by_referral_outcome": {
            "cells": [[*done], [*sent], ["papers", "done"], ["papers", "sent"]],
            "rows": [],
            "cols": [],
            "total": False,
        },
    }


def test_under_the_threshold_every_table_with_a_count_is_hidden_whole() -> None:
    pub = Publication()
    pub.total("total", 3)
    pub.one_way("by_sex", {"f": 3})  # which keys are zero would tell that all 3 are women
    pub.independent("by_need", {})
    pub.cross("by_referral_outcome", {("health", "done"): 2})
    assert pub.hidden() == {
        "total": True,
        "by_sex": "all",
        "by_need": [],
        "by_referral_outcome": "all",
    }
    empty = Publication()
    empty.total("total", 0)
    empty.one_way("by_sex", {})
    assert empty.hidden() == {"total": False, "by_sex": []}


def test_inconsistent_counts_are_refused_and_leave_the_publication_unchanged() -> None:
    pub = Publication()
    pub.total("total", 10)
    with pytest.raises(ValueError, match="total"):
        pub.one_way("by_sex", {"f": 6, "m": 5})
    pub.one_way("by_sex", {"f": 5, "m": 5})
    pub.one_way("by_category", {"mre": 10})
    with pytest.raises(ValueError, match="not keys"):
        pub.two_way("bad", {("x", "mre"): 10}, rows="by_sex", cols="by_category")
    with pytest.raises(ValueError, match="non-negative"):
        pub.independent("by_need", {"health": -1})
    assert pub.publish() == {"total": 10, "by_sex": {"f": 5, "m": 5}, "by_category": {"mre": 10}}


# --- property: whatever is published, no hidden cell can be derived --------------------------


@st.composite
def microdata(draw: st.DrawFn) -> tuple[list[tuple[str, ...]], list[tuple[str, str]], list[str]]:
    """Visitors (office, category, sex), referrals (category, outcome) and needs."""
    sizes = [draw(st.integers(1, n)) for n in (5, 4, 3)]
    visitor = st.tuples(
        *(st.sampled_from([f"{d}{i}" for i in range(n)]) for d, n in zip("ocs", sizes, strict=True))
    )
    visitors = draw(st.lists(visitor, max_size=90))
    referral = st.tuples(
        st.sampled_from(["c0", "c1", "c2"]), st.sampled_from(["done", "sent", "no"])
    )
    referrals = draw(st.lists(referral, max_size=40))
    needs = draw(st.lists(st.sampled_from(["health", "papers", "work"]), max_size=30))
    return visitors, referrals, needs


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(microdata())
def test_no_hidden_cell_is_determined(
    data: tuple[list[tuple[str, ...]], list[tuple[str, str]], list[str]],
) -> None:
    visitors, referrals, needs = data
    names = ["by_office", "by_category", "by_sex"]
    margins = [Counter(v[axis] for v in visitors) for axis in range(3)]
    pairs = {"by_office_category": (0, 1), "by_category_sex": (1, 2)}
    pub = Publication(threshold=5)
    pub.total("total", len(visitors))
    for name, counts in zip(names, margins, strict=True):
        pub.one_way(name, counts)
    truth: dict[Path, int] = {("total",): len(visitors)}
    relations: Relations = []
    for name, counts in zip(names, margins, strict=True):
        truth |= {(name, key): n for key, n in counts.items()}
        relations.append((("total",), [(name, key) for key in counts]))
    for name, (r, c) in pairs.items():
        interior = Counter((v[r], v[c]) for v in visitors)
        pub.two_way(name, interior, rows=names[r], cols=names[c])
        truth |= {(name, *key): n for key, n in interior.items()}
        for axis, margin in ((0, names[r]), (1, names[c])):
            for key in margins[(r, c)[axis]]:
                parts = [(name, *cell) for cell in interior if cell[axis] == key]
                relations.append(((margin, key), parts))
    cross = Counter(referrals)
    pub.cross("by_outcome", cross)
    truth |= {("by_outcome", "cells", *key): n for key, n in cross.items()}
    truth[("by_outcome", "total")] = len(referrals)
    for axis, kind in ((0, "rows"), (1, "cols")):
        keys = Counter(key[axis] for key in referrals)
        truth |= {("by_outcome", kind, key): n for key, n in keys.items()}
        relations.append((("by_outcome", "total"), [("by_outcome", kind, key) for key in keys]))
        for key in keys:
            parts = [("by_outcome", "cells", *cell) for cell in cross if cell[axis] == key]
            relations.append((("by_outcome", kind, key), parts))
    pub.independent("by_need", Counter(needs))

    published = pub.publish()
    hidden = pub.hidden()

    assert json.loads(json.dumps(published)) == published
    if len(visitors) < 5:
        assert leaves(published) == []
        return
    # hidden names exactly the non-zero cells left out, and holds no number
    said = {("total",)} if hidden["total"] else set()
    for name, keys in hidden.items():
        if name == "by_outcome":
            said |= {(name, "cells", *cell) for cell in keys["cells"]}
            said |= {(name, kind, key) for kind in ("rows", "cols") for key in keys[kind]}
            said |= {(name, "total")} if keys["total"] else set()
        elif name in pairs:
            said |= {(name, *cell) for cell in keys}
        elif name != "total":
            said |= {(name, key) for key in keys}
    needs_hidden = {("by_need", k) for k, n in Counter(needs).items() if 0 < n < 5}
    left_out = {path for path, n in truth.items() if n and lookup(published, path) is None}
    assert said == left_out | needs_hidden
    assert set(map(type, scalars(hidden))) <= {str, bool}
    assert published["by_need"] == {k: n for k, n in Counter(needs).items() if n >= 5}
    for path, value in leaves({k: v for k, v in published.items() if k != "by_need"}):
        assert truth.get(path) == value and value >= 5, path
    assert determined(truth, relations, published) == []
