"""The ``baom`` command: the core's command line, with the windows plugged in."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.cli import WindowRequest
from kiosk.cli import main as cli_main


def open_windows(request: WindowRequest) -> int:
    """Open the requested windows (imports Qt only now, so headless commands stay light)."""
    from ui.app import run_windows

    return run_windows(request)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``baom`` console script."""
    return cli_main(argv, open_windows=open_windows)


if __name__ == "__main__":
    raise SystemExit(main())
