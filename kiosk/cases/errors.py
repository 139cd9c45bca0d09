"""The one base of every refusal of the officer's work, so that callers can catch them all."""

from __future__ import annotations

from kiosk.i18n import Refusal


class CaseWorkError(Refusal):
    """A request on a case, a person or a referral that cannot be met (``error.cases.*``)."""

    catalog_prefix = "error.cases"
