"""What the core asks of the windows: which to open, for which office, on which screens.

``baom run`` and ``baom demo`` build a :class:`WindowRequest` and hand it to the
:data:`WindowOpener` that ``ui.main`` gives the command line, so that the core never imports Qt.

The kiosk takes a screen alone, full screen: no other window of the process may be there,
where a visitor could touch the desk's login or an open case (:func:`place_windows`). Each
window's screen is its ``--<window>-screen`` option (saved as the machine setting
``screen.<window>``), else that setting, else ``--screen``, else chosen here: the desk on the
primary screen, the kiosk on another one, the display on one of its own if any is left.
``--side-by-side`` (the demo) lays every window side by side on one screen, none full screen.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kiosk.office import OfficeContext
from kiosk.settings import SettingError

WINDOWS = ("desk", "kiosk", "display")
AUTOMATIC = -1
"""The value of a ``screen.<window>`` setting that lets :func:`place_windows` choose."""


class ScreenError(SettingError):
    """The screens asked for would put a window on the kiosk's screen; the message says
    which and what to do."""


@dataclass(frozen=True)
class WindowRequest:
    """Which windows to open, for which office, and on which screens."""

    context: OfficeContext
    windows: tuple[str, ...]
    screens: Mapping[str, int | None]
    smoke: bool
    demo_login: tuple[str, str] | None = None
    side_by_side: bool = False


WindowOpener = Callable[[WindowRequest], int]


@dataclass(frozen=True)
class Placement:
    """Where each window goes: its screen's index, whether full screen, and what was said."""

    screens: dict[str, int]
    full_screen: frozenset[str] = frozenset()
    side_by_side: bool = False
    warnings: tuple[str, ...] = field(default=())


def _listed(names: list[str]) -> str:
    words = [f"the {name}" for name in names]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def place_windows(
    windows: tuple[str, ...],
    wanted: Mapping[str, int | None],
    count: int,
    primary: int = 0,
    side_by_side: bool = False,
) -> Placement:
    """Each of ``windows`` on one of ``count`` screens (``primary`` is the system's main one).

    A screen ``wanted`` that does not exist is a warning, and the window is placed as if
    none was chosen. :class:`ScreenError` when a window would share the kiosk's screen.
    """
    warnings: list[str] = []
    chosen: dict[str, int] = {}
    for name in windows:
        index = wanted.get(name)
        if index is None or index == AUTOMATIC:
            continue
        if 0 <= index < count:
            chosen[name] = index
        else:
            warnings.append(f"there is no screen {index} for the {name} (screens 0 to {count - 1})")
    if side_by_side:
        screen = next((chosen[name] for name in windows if name in chosen), primary)
        return Placement(dict.fromkeys(windows, screen), frozenset(), True, tuple(warnings))
    others = [index for index in range(count) if index != primary]
    for name in (window for window in WINDOWS if window in windows and window not in chosen):
        kiosk, used = chosen.get("kiosk"), set(chosen.values())
        if name == "desk":  # the primary screen, unless the kiosk is there
            order = [primary, *others]
            free = [index for index in order if index != kiosk]
        else:  # a screen nobody uses; the display may share one, but not the kiosk's
            order = [*others, primary]
            free = [index for index in order if index not in used]
            if name == "display" and not free:
                free = [index for index in order if index != kiosk]
        chosen[name] = free[0] if free else order[0]  # on the kiosk's screen: refused below
    if "kiosk" in chosen:
        screen = chosen["kiosk"]
        with_kiosk = [name for name in windows if name != "kiosk" and chosen[name] == screen]
        if with_kiosk:
            if count == 1:
                raise ScreenError(
                    f"this PC has one screen: the kiosk takes it alone, full screen, so "
                    f"{_listed(with_kiosk)} cannot open with it (a visitor could touch "
                    f"{'it' if len(with_kiosk) == 1 else 'them'}); open "
                    f"{'it' if len(with_kiosk) == 1 else 'them'} on another PC, or try the "
                    "windows with --side-by-side (not for visitors: the kiosk is then an "
                    "ordinary window)"
                )
            raise ScreenError(
                f"the kiosk takes screen {screen} alone, full screen: {_listed(with_kiosk)} "
                "cannot be there too (a visitor could touch it); give each window its own "
                f"screen with --desk-screen N, --kiosk-screen N, --display-screen N "
                f"(screens 0 to {count - 1}; saved for the next start)"
            )
    full = {"kiosk"} if "kiosk" in chosen else set()
    if "display" in chosen and list(chosen.values()).count(chosen["display"]) == 1:
        full.add("display")
    return Placement(
        {name: chosen[name] for name in windows}, frozenset(full), False, tuple(warnings)
    )


def add_run_options(run: argparse.ArgumentParser) -> None:
    """The screen options of ``baom run``."""
    for window in WINDOWS:
        run.add_argument(
            f"--{window}-screen",
            type=int,
            metavar="N",
            help=f"put the {window} on screen N (0 is the first; saved for the next start)",
        )
    run.add_argument(
        "--screen", type=int, metavar="N", help="screen of the windows without one of their own"
    )
    run.add_argument(
        "--side-by-side",
        action="store_true",
        help="every window side by side on one screen, none full screen (a trial, not for "
        "visitors)",
    )


def run_request(
    args: argparse.Namespace, context: OfficeContext, windows: tuple[str, ...]
) -> WindowRequest:
    """The request of ``baom run``: a window's screen given as an option is saved as the
    machine setting ``screen.<window>`` (opened now or not); a window takes its setting,
    else ``--screen``, else is placed by :func:`place_windows`."""
    for window in WINDOWS:
        given = getattr(args, f"{window}_screen")
        if given is not None:
            context.settings.set(context.system, f"screen.{window}", str(given))
    screens: dict[str, int | None] = {}
    for window in windows:
        saved = int(context.settings.get(f"screen.{window}"))
        screens[window] = saved if saved != AUTOMATIC else args.screen
    return WindowRequest(context, windows, screens, args.smoke, side_by_side=args.side_by_side)
