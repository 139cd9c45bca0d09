"""The errors of sync, kept apart from the HTTP client so that commands load without it."""

from __future__ import annotations

from datetime import timedelta

from kiosk.i18n import Refusal

REVOKED_MESSAGE = "This office's access was revoked by the region: call the regional administrator"


class SyncError(Exception):
    """A sync request failed; ``kind`` says whether it will heal by itself."""

    kind = "error"

    def __init__(self, message: str, retry_after: timedelta | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotEnrolled(SyncError):
    """The office has not enrolled with a regional server yet."""

    kind = "not_enrolled"


class OfficeRevoked(SyncError):
    """The region revoked this office's access (HTTP 401 ``office_revoked``)."""

    kind = "revoked"


class MachineReplaced(SyncError):
    """The region replaced this PC by another PC of the office (HTTP 401
    ``machine_replaced``): it no longer syncs, and retrying will not change that."""

    kind = "replaced"


class Unauthorized(SyncError):
    """The server refused the office's token or enrolment code."""

    kind = "unauthorized"


class ServerUnavailable(SyncError):
    """The server cannot be reached or answered with an error: retried later, nothing lost."""

    kind = "unavailable"


class ProtocolError(SyncError):
    """The server's answer was not what the wire format says."""

    kind = "protocol"


class ReviewError(Refusal):
    """A supervisor's review of a conflict or a quarantined envelope was refused
    (``error.sync_review.*``)."""

    catalog_prefix = "error.sync_review"
