"""The errors both sides raise about what they exchange, kept apart from the HTTP client and
from the cryptography, so that commands load without either."""

from __future__ import annotations


class BundleError(Exception):
    """The file is not a bundle, is for another office, or was changed or damaged."""
