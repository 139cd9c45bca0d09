"""The one base of every refusal of the officer's work, so that callers can catch them all."""

from __future__ import annotations


class CaseWorkError(Exception):
    """A request on a case, a person or a referral that cannot be met.

    The message says why in plain English (the command line); ``message_key`` and
    ``params`` say the same through the catalog (``error.cases.*``), for the desk.
    """

    def __init__(self, message: str, key: str, **params: object) -> None:
        super().__init__(message)
        self.message_key = f"error.cases.{key}"
        self.params = {name: str(value) for name, value in params.items()}
