"""What the core asks of the windows: which to open, for which office, and how.

``baom run`` and ``baom demo`` build a :class:`WindowRequest` and hand it to the
:data:`WindowOpener` that ``ui.main`` gives the command line, so that the core never imports Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.office import OfficeContext

WINDOWS = ("desk", "kiosk", "display")


@dataclass(frozen=True)
class WindowRequest:
    """Which windows to open, for which office, and how."""

    context: OfficeContext
    windows: tuple[str, ...]
    screen: int | None
    smoke: bool
    demo_login: tuple[str, str] | None = None


WindowOpener = Callable[[WindowRequest], int]
