"""Qt style sheets shipped as package data (resources/styles/*.qss)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


@cache
def style_sheet(name: str) -> str:
    """The style sheet ``resources/styles/<name>.qss`` (read once per process)."""
    return (resources.files("resources") / "styles" / f"{name}.qss").read_text(encoding="utf-8")


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (the style sheets select widgets by name)."""
    widget.setObjectName(name)
    return widget
