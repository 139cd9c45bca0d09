"""The floor of start-up: what ``baom run --desk --kiosk --display --side-by-side --smoke``
cannot go below.

``python -m ui.startup_floor`` imports what the start cannot do without (PySide6's
QtWidgets, SQLAlchemy, Alembic, the SQLCipher driver), shows three empty top-level windows
(none full screen, as ``--side-by-side`` lays the real ones on one screen) and prints the
same JSON line as ``--smoke`` once the three are painted, timed the same way
(:mod:`ui.smoke`). ``baom bench startup`` runs it beside the real start and reports the
ratio of the two.
"""

from __future__ import annotations

import json
import sys

import alembic  # noqa: F401  (imported for its cost: the floor the start is measured against)
import sqlalchemy  # noqa: F401
import sqlcipher3  # noqa: F401
from PySide6.QtWidgets import QApplication, QWidget

from ui.smoke import PaintProbe, process_age_seconds, resident_mb

WINDOWS = ("desk", "kiosk", "display")


def main() -> int:
    """Show three empty windows, print the start-up figures once painted, and exit."""
    app = QApplication(sys.argv[:1])
    windows = {name: QWidget() for name in WINDOWS}
    probe = PaintProbe(windows, app)

    def report() -> None:
        rss = resident_mb()
        line = {
            "startup_ms": round(process_age_seconds() * 1000),
            "rss_mb": None if rss is None else round(rss, 1),
            "windows": list(windows),
        }
        print(json.dumps(line), flush=True)
        app.exit(0)

    probe.all_painted.connect(report)
    for name in reversed(WINDOWS):
        windows[name].show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
