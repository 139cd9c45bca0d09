"""Which screen each window takes (``kiosk.windows.place_windows``): the kiosk alone and
full screen on its own, the desk never inside it, the display full screen when alone."""

from __future__ import annotations

import pytest

from kiosk.windows import ScreenError, place_windows

ALL = ("desk", "kiosk", "display")
NONE: dict[str, int | None] = {}


def test_nothing_chosen_gives_each_window_its_own_screen_while_there_are_enough() -> None:
    three = place_windows(ALL, NONE, count=3)
    assert three.screens == {"desk": 0, "kiosk": 1, "display": 2}
    assert three.full_screen == frozenset({"kiosk", "display"})
    two = place_windows(ALL, NONE, count=2)
    assert two.screens == {"desk": 0, "kiosk": 1, "display": 0}  # the display with the desk
    assert two.full_screen == frozenset({"kiosk"})
    assert place_windows(("kiosk",), NONE, count=1).screens == {"kiosk": 0}
    assert place_windows(("desk", "display"), NONE, count=1).full_screen == frozenset()
    assert place_windows(("display",), NONE, count=1).full_screen == frozenset({"display"})


def test_the_primary_screen_is_the_desk_s_when_it_is_not_the_first() -> None:
    placed = place_windows(ALL, NONE, count=2, primary=1)
    assert placed.screens == {"desk": 1, "kiosk": 0, "display": 1}


def test_chosen_screens_are_kept_and_the_others_go_around_them() -> None:
    placed = place_windows(ALL, {"kiosk": 0}, count=2)
    assert placed.screens == {"desk": 1, "kiosk": 0, "display": 1}
    placed = place_windows(ALL, {"kiosk": 2, "desk": 1, "display": 0}, count=3)
    assert placed.screens == {"desk": 1, "kiosk": 2, "display": 0}


def test_the_desk_is_refused_on_the_kiosk_s_screen() -> None:
    with pytest.raises(ScreenError, match="the kiosk takes screen 1 alone") as refused:
        place_windows(ALL, {"desk": 1, "kiosk": 1}, count=2)
    assert "--desk-screen" in str(refused.value) and "--kiosk-screen" in str(refused.value)
    with pytest.raises(ScreenError, match="this PC has one screen"):
        place_windows(("desk", "kiosk"), NONE, count=1)
    with pytest.raises(ScreenError, match="the display"):
        place_windows(("kiosk", "display"), {"display": 0, "kiosk": 0}, count=2)


def test_a_screen_that_is_not_there_is_said_and_chosen_as_if_none_was() -> None:
    placed = place_windows(ALL, {"kiosk": 7}, count=2)
    assert placed.screens == {"desk": 0, "kiosk": 1, "display": 0}
    assert placed.warnings == ("there is no screen 7 for the kiosk (screens 0 to 1)",)


def test_side_by_side_puts_every_window_on_one_screen_and_none_full_screen() -> None:
    placed = place_windows(ALL, NONE, count=1, side_by_side=True)
    assert placed.screens == {"desk": 0, "kiosk": 0, "display": 0}
    assert placed.full_screen == frozenset() and placed.side_by_side
    assert place_windows(ALL, {"desk": 1}, count=2, side_by_side=True).screens["kiosk"] == 1
