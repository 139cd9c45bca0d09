"""Qt style sheets shipped as package data (resources/styles/*.qss), the desk's text size,
and the palette every window is drawn with.

Colours are chosen for low vision: every text is at least 4.5:1 against what it is drawn
on (WCAG 2.1, 1.4.3), the palette's included; ``tests/unit/ui/test_contrast.py`` computes
every pair from the style sheets and :func:`palette`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TypeVar

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

W = TypeVar("W", bound=QWidget)

LATE_COLOR = "#8a1c14"
"""A late step or referral in a list (the refusals' red of desk.qss)."""
BASE_POINT_SIZE = 11
"""The interface's text size at 100 % (``ui.fonts.application_font``)."""
TEXT_SIZES = (90, 100, 110, 125, 150)
"""The desk's text sizes an officer chooses from, in per cent (``desk.text_size``)."""
FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)pt")

COLORS: dict[tuple[QPalette.ColorGroup | None, QPalette.ColorRole], str] = {
    (None, QPalette.ColorRole.Window): "#efefef",
    (None, QPalette.ColorRole.WindowText): "#000000",
    (None, QPalette.ColorRole.Base): "#ffffff",
    (None, QPalette.ColorRole.AlternateBase): "#f7f7f7",
    (None, QPalette.ColorRole.Text): "#000000",
    (None, QPalette.ColorRole.Button): "#efefef",
    (None, QPalette.ColorRole.ButtonText): "#000000",
    (None, QPalette.ColorRole.ToolTipBase): "#ffffdc",
    (None, QPalette.ColorRole.ToolTipText): "#000000",
    (None, QPalette.ColorRole.Link): "#0b57a4",
    (None, QPalette.ColorRole.LinkVisited): "#6a1b9a",
    # Fusion's #308cc6 under white text is 3.7:1; the desk's own blue is 8.8:1
    (None, QPalette.ColorRole.Highlight): "#1f4e79",
    (None, QPalette.ColorRole.HighlightedText): "#ffffff",
    # Fusion's is black at half opacity, #808080 on white (3.9:1)
    (None, QPalette.ColorRole.PlaceholderText): "#5f5f5f",
    # Fusion's disabled text is #bebebe, 1.9:1 on white: a disabled button's words, a line
    # done in a list, had to be guessed. Still paler than the rest, but readable.
    (QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText): "#5f5f5f",
    (QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text): "#5f5f5f",
    (QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText): "#5f5f5f",
    (QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base): "#efefef",
    (QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight): "#5f5f5f",
    (QPalette.ColorGroup.Disabled, QPalette.ColorRole.HighlightedText): "#ffffff",
    (QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText): "#5f5f5f",
}
"""The palette's colours that differ from Fusion's or that a text is drawn with: a role
alone is for every state, with a group for that state only."""


@cache
def style_sheet(name: str) -> str:
    """The style sheet ``resources/styles/<name>.qss`` (read once per process)."""
    return (resources.files("resources") / "styles" / f"{name}.qss").read_text(encoding="utf-8")


def scaled_style_sheet(name: str, percent: int) -> str:
    """The style sheet ``name`` with every text ``percent`` % of its size, the texts it does
    not size included (Qt's dialogs opened from the window too)."""
    factor = percent / 100

    def scaled(match: re.Match[str]) -> str:
        return f"font-size: {round(float(match[1]) * factor, 1):g}pt"

    base = f"QWidget {{ font-size: {round(BASE_POINT_SIZE * factor, 1):g}pt; }}\n"
    return base + FONT_SIZE.sub(scaled, style_sheet(name))


def text_scale(widget: QWidget) -> float:
    """How much larger than at 100 % ``widget``'s text is drawn (the desk's text size): a
    size in pixels made for 100 % is multiplied by it."""
    return widget.font().pointSizeF() / BASE_POINT_SIZE


def palette() -> QPalette:
    """The palette of every window: Fusion's, with the colours of :data:`COLORS`."""
    result = QPalette(QApplication.style().standardPalette())
    for (group, role), color in COLORS.items():
        if group is None:
            result.setColor(role, QColor(color))
        else:
            result.setColor(group, role, QColor(color))
    return result


def install_style(app: QApplication) -> None:
    """Draw every window with Fusion (the same on every PC) and :func:`palette`."""
    app.setStyle("Fusion")
    app.setPalette(palette())


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (the style sheets select widgets by name)."""
    widget.setObjectName(name)
    return widget
