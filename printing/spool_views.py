"""Plain views of the print spool: job views, the spool's timings, who sends a job.

Windows and commands get :class:`JobView` objects, never rows, so any thread may hold them.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from db.print_spool import PrintJob, PrintJobState


def current_owner() -> str:
    """This process, as the owner of the jobs it sends."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_is_gone(owner: str) -> bool:
    """Whether the process that claimed a job has ended (known on this host, on POSIX)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or os.name != "posix":
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class SpoolPolicy:
    """Timings of the spool: printer timeout, retry backoff, and the margin of a lease."""

    timeout_s: float = 10.0
    first_retry_s: float = 2.0
    max_retry_s: float = 60.0
    lease_margin_s: float = 5.0

    def backoff(self, attempts: int) -> timedelta:
        """Wait before the next attempt: doubling from the first retry, up to the longest."""
        seconds = self.first_retry_s * 2 ** max(0, attempts - 1)
        return timedelta(seconds=min(self.max_retry_s, seconds))


@dataclass(frozen=True)
class JobView:
    """A print job as it was when read (no bytes): safe to hand to any thread."""

    id: uuid.UUID
    kind: str
    summary: str
    printer: str
    state: PrintJobState
    attempts: int
    error: str
    created_at: datetime
    next_attempt_at: datetime
    printed_at: datetime | None

    @classmethod
    def of(cls, job: PrintJob) -> JobView:
        """The view of a job row."""
        return cls(
            id=job.id,
            kind=job.kind,
            summary=job.summary,
            printer=job.printer_uri,
            state=job.state,
            attempts=job.attempts,
            error=job.last_error,
            created_at=job.created_at,
            next_attempt_at=job.next_attempt_at,
            printed_at=job.printed_at,
        )

    def as_json(self) -> dict[str, Any]:
        """The job as ``baom print spool --json`` shows it."""
        return {
            "job_id": str(self.id),
            "kind": self.kind,
            "summary": self.summary,
            "printer": self.printer,
            "state": self.state.value,
            "attempts": self.attempts,
            "error": self.error,
            "created_at": self.created_at.isoformat(),
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "printed_at": None if self.printed_at is None else self.printed_at.isoformat(),
        }
