"""Where the official HSDS schemas and examples used by the tests are."""

from __future__ import annotations

from pathlib import Path

HSDS = Path(__file__).resolve().parents[1] / "data" / "hsds"
"""The Open Referral HSDS 3.0 schemas and examples and a 1.1 sample (tests/data/hsds)."""
