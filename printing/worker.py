"""The spool's worker thread: sends due jobs in the background, so no caller ever waits.

A window submits a job to the spool (a quick database write) and calls :meth:`wake`; the
worker sends it, and retries later what could not be sent. It never touches a widget: the
windows read the spool's states (the change notification tells them when to look).
"""

from __future__ import annotations

import logging
import threading

from printing.spool import PrintSpool

log = logging.getLogger(__name__)


class SpoolWorker:
    """One background thread per process that sends the spool's due jobs."""

    def __init__(self, spool: PrintSpool, poll_s: float = 5.0) -> None:
        self.spool = spool
        self.poll_s = poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="print-spool", daemon=True)

    def start(self) -> None:
        """Start sending (jobs left by a stopped process are recovered first)."""
        self._thread.start()

    def wake(self) -> None:
        """Look for due jobs now (after a submit or a retry)."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the job being sent, waiting at most ``timeout`` seconds."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.spool.recover()
                self.spool.send_due()
                wait = self._seconds_to_next_job()
            except Exception:
                log.exception("the print spool worker hit an error; it goes on")
                wait = self.poll_s
            self._wake.wait(wait)
            self._wake.clear()

    def _seconds_to_next_job(self) -> float:
        due = self.spool.next_due_at()
        if due is None:
            return self.poll_s
        return max(0.05, min(self.poll_s, (due - self.spool.now()).total_seconds()))
