"""What an office and the regional server share: the sync wire format, the USB bundle format,
the privacy contract (the data inventory, clear parts, sealed copies, content hashes) and the
reading and cleaning of HSDS directory packages.

Both sides import it; it imports neither of them (no ``kiosk``, ``db``, ``ui``, ``printing``
or ``regional``, no Qt, no ORM): import-linter checks it (``pyproject.toml``).
"""
