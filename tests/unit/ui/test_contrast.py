"""Every text of every window is at least 4.5:1 against what it is drawn on (WCAG 2.1,
success criterion 1.4.3), computed from the style sheets and the palette.

A style sheet rule's text colour is judged against its own background, or, when it has
none, against every surface text sits on in that window: the window's background, the
palette's window and base colours, and the backgrounds the sheet gives containers (a panel,
a button, a list). The palette's own pairs are judged too, a disabled control's words
included (WCAG exempts them; an officer with low vision still reads them). Exempt, as WCAG
says: a style sheet's colours for a disabled state (the kiosk's pale "no more pages"
arrows), and a ``QFrame``'s colour, which draws a line, not words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.styles import LATE_COLOR, palette, style_sheet

MINIMUM = 4.5
SHEETS = ("desk", "kiosk", "display")
ROOT = {"desk": None, "kiosk": "QWidget#kiosk", "display": "QWidget#display"}
"""The selector of each window's own background (the desk has the palette's)."""

Role = QPalette.ColorRole
Group = QPalette.ColorGroup
PALETTE_PAIRS = [
    ((Group.Active, Role.WindowText), (Group.Active, Role.Window)),
    ((Group.Active, Role.Text), (Group.Active, Role.Base)),
    ((Group.Active, Role.Text), (Group.Active, Role.AlternateBase)),
    ((Group.Active, Role.ButtonText), (Group.Active, Role.Button)),
    ((Group.Active, Role.HighlightedText), (Group.Active, Role.Highlight)),
    ((Group.Active, Role.PlaceholderText), (Group.Active, Role.Base)),
    ((Group.Active, Role.ToolTipText), (Group.Active, Role.ToolTipBase)),
    ((Group.Active, Role.Link), (Group.Active, Role.Base)),
    ((Group.Active, Role.LinkVisited), (Group.Active, Role.Base)),
    ((Group.Inactive, Role.HighlightedText), (Group.Inactive, Role.Highlight)),
    ((Group.Disabled, Role.WindowText), (Group.Disabled, Role.Window)),
    ((Group.Disabled, Role.Text), (Group.Disabled, Role.Base)),
    ((Group.Disabled, Role.ButtonText), (Group.Disabled, Role.Button)),
    ((Group.Disabled, Role.PlaceholderText), (Group.Disabled, Role.Base)),
    # a line of a list that is disabled in a list that is not (a step done, a referral
    # closed; "Rien ici." was one, at 1.86:1)
    ((Group.Disabled, Role.Text), (Group.Active, Role.Base)),
    ((Group.Disabled, Role.Text), (Group.Active, Role.AlternateBase)),
]


@dataclass(frozen=True)
class Rule:
    """One selector of a style sheet with the colours it sets."""

    selector: str
    color: str | None
    background: str | None


def rules(sheet: str) -> list[Rule]:
    """Every selector of ``sheet`` with its ``color`` and ``background`` (last one wins)."""
    text = re.sub(r"/\*.*?\*/", "", sheet, flags=re.S)
    found = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        values: dict[str, str] = {}
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            values[name.strip()] = value.strip()
        color = values.get("color")
        background = values.get("background", values.get("background-color"))
        for selector in selectors.split(","):
            found.append(Rule(" ".join(selector.split()), color, background))
    return found


def luminance(color: QColor) -> float:
    """The relative luminance of ``color`` (WCAG 2.1)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(color.redF())
        + 0.7152 * linear(color.greenF())
        + 0.0722 * linear(color.blueF())
    )


def over(color: QColor, background: QColor) -> QColor:
    """``color`` as drawn over an opaque ``background`` (a placeholder is translucent)."""
    alpha = color.alphaF()
    return QColor.fromRgbF(
        *(
            alpha * mine + (1 - alpha) * theirs
            for mine, theirs in zip(
                (color.redF(), color.greenF(), color.blueF()),
                (background.redF(), background.greenF(), background.blueF()),
                strict=True,
            )
        )
    )


def ratio(text: QColor | str, background: QColor | str) -> float:
    """The contrast ratio of ``text`` drawn on ``background``."""
    back = QColor(background)
    front = over(QColor(text), back)
    light, dark = sorted((luminance(front), luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def exempt(rule: Rule) -> bool:
    """A disabled state's colours, or a frame's (a line)."""
    return ":disabled" in rule.selector or rule.selector.split("#")[0] == "QFrame"


def opaque(value: str | None) -> bool:
    return value is not None and QColor(value).isValid() and QColor(value).alpha() == 255


STATE = re.compile(r"(?<!:):(?!:)[a-z-]+")


def own_color(rule: Rule, found: list[Rule]) -> str | None:
    """The text colour of ``rule``: its own, or for a state (pressed, checked) the colour
    its widget has in every state."""
    if rule.color is not None:
        return rule.color
    plain = STATE.sub("", rule.selector)
    if plain == rule.selector:
        return None
    return next((r.color for r in found if r.selector == plain and r.color), None)


def surfaces(name: str, found: list[Rule], colors: QPalette) -> list[str]:
    """What text is drawn on in window ``name``: its background, the palette's, and the
    backgrounds of the containers the sheet paints (not a part of one, as a bar's chunk,
    nor a button whose words have their own colour)."""
    root = ROOT[name]
    window = (
        next((r.background for r in found if r.selector == root and r.background), None)
        or colors.color(Role.Window).name()
    )
    result = [window, colors.color(Role.Base).name()] if root is None else [window]
    result += [
        str(rule.background)
        for rule in found
        if opaque(rule.background)
        and own_color(rule, found) is None
        and "::" not in rule.selector
        and not exempt(rule)
    ]
    return list(dict.fromkeys(result))


def pairs(name: str, colors: QPalette) -> list[tuple[str, str, str]]:
    """(where, text colour, background) for every text of window ``name``'s style sheet."""
    found = rules(style_sheet(name))
    under = surfaces(name, found, colors)
    result = []
    for rule in found:
        color = own_color(rule, found)
        if exempt(rule):
            continue
        if color is not None and opaque(rule.background):
            result.append((rule.selector, color, str(rule.background)))
        elif color is not None:
            result += [(rule.selector, color, surface) for surface in under]
        elif opaque(rule.background) and "::" not in rule.selector and rule.selector != ROOT[name]:
            # a container: the palette's words on it (a bar's chunk bears none; a window of
            # its own colours gives each of its texts one)
            for role in (Role.WindowText, Role.Text, Role.ButtonText):
                text = colors.color(role).name()
                result.append((f"{rule.selector} ({role.name})", text, str(rule.background)))
    return result


@pytest.mark.parametrize("name", SHEETS)
def test_every_text_of_a_style_sheet_is_readable(qapp: QApplication, name: str) -> None:
    found = pairs(name, palette())
    assert found, "no colour found: the parser is broken"
    weak = [
        f"{where}: {text} on {background} is {ratio(text, background):.2f}:1"
        for where, text, background in found
        if ratio(text, background) < MINIMUM
    ]
    assert not weak, "\n".join(weak)


def test_every_text_of_the_palette_is_readable(qapp: QApplication) -> None:
    colors = palette()
    weak = []
    for text, background in PALETTE_PAIRS:
        value = ratio(colors.color(*text), colors.color(*background))
        if value < MINIMUM:
            weak.append(
                f"{text[0].name} {text[1].name} on {background[0].name} {background[1].name}:"
                f" {value:.2f}:1"
            )
    assert not weak, "\n".join(weak)


def test_a_late_line_in_a_list_is_readable(qapp: QApplication) -> None:
    colors = palette()
    for group in (Group.Active, Group.Inactive):  # chosen, it is drawn as any chosen line
        assert ratio(LATE_COLOR, colors.color(group, Role.Base)) >= MINIMUM
        assert ratio(LATE_COLOR, colors.color(group, Role.AlternateBase)) >= MINIMUM


def test_the_check_tells_a_pale_text_from_a_readable_one() -> None:
    """The figures themselves: black on white is 21:1, Fusion's disabled grey 1.9:1 (the
    "Rien ici." the follow-up page drew), and a rule without its own background is judged
    on every surface of its window."""
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#bebebe", "#ffffff") == pytest.approx(1.86, abs=0.01)
    assert ratio(QColor(0, 0, 0, 128), "#ffffff") < MINIMUM  # Fusion's placeholder
    sheet = "QLabel#a { color: #777777; }\nQFrame#b { background: #ffffff; }"
    found = rules(sheet)
    assert [(r.selector, r.color, r.background) for r in found] == [
        ("QLabel#a", "#777777", None),
        ("QFrame#b", None, "#ffffff"),
    ]
    assert ratio("#777777", "#ffffff") < MINIMUM
