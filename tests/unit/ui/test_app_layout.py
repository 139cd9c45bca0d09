"""``--side-by-side``: the windows' columns on one screen (``ui.app.side_by_side``)."""

from __future__ import annotations

from PySide6.QtCore import QRect

from ui.app import side_by_side


def test_columns_share_what_is_left_once_each_window_has_its_minimum_width() -> None:
    columns = side_by_side(QRect(0, 30, 1920, 1050), [518, 799, 539])
    assert [(c.x(), c.width()) for c in columns] == [(0, 539), (539, 820), (1359, 560)]
    assert {(c.y(), c.height()) for c in columns} == {(30, 1050)}


def test_on_a_small_screen_the_columns_overlap_evenly_and_stay_on_it() -> None:
    columns = side_by_side(QRect(0, 0, 1366, 768), [518, 799, 539])
    assert [c.x() for c in columns] == [0, 414, 827]
    assert columns[-1].right() == 1365 and all(c.width() >= 518 for c in columns)
