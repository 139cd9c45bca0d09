"""The ``baom-regional`` command: the regional server that BAOM offices sync with."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="baom-regional",
        description=(
            "BAOM regional server: office enrolment, sync, the counter-referral page for "
            "partner services and regional statistics. Its commands come with the sync work; "
            "this installation has none yet."
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``baom-regional`` console script."""
    parser = _parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
