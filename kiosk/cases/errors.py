"""The one base of every refusal of the officer's work, so that callers can catch them all."""


class CaseWorkError(Exception):
    """A request on a case, a person or a referral that cannot be met; the message says why."""
