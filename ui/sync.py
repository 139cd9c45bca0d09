"""Sync in the desk: rounds in the background on the schedule, and the status bar's text.

:class:`SyncRunner` runs every round on a worker thread of its own (a one-worker
:class:`~ui.tasks.Tasks`, apart from the database worker, so that a slow server never
delays the desk's own work) and never blocks the GUI thread. A timer asks the worker
every ``tick_ms`` whether a round is due (:mod:`kiosk.sync.schedule`); "Sync now" and
:meth:`SyncRunner.request_sync_soon` (a referral was just made) run one at once.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from ui.tasks import Tasks

log = logging.getLogger(__name__)

TICK_MS = 15_000
ERROR_KEYS = {
    "revoked": "desk.sync_revoked",
    "unauthorized": "desk.sync_error_unauthorized",
    "unavailable": "desk.sync_error_unavailable",
    "protocol": "desk.sync_error_protocol",
}
"""The plain sentence shown for each kind of failure (other kinds: ``desk.sync_error_other``)."""


def _last_success(moment: str, pending: int, tr: Translator, zone: str, now: datetime) -> str:
    """Today "Synced at 14:05", another day "Synced on 28/11 at 14:05" (in office time)."""
    try:
        office_zone = ZoneInfo(zone)
        local = datetime.fromisoformat(moment).astimezone(office_zone)
    except (ValueError, KeyError):
        return tr("desk.sync_last_success", when=moment, pending=pending)
    time = local.strftime("%H:%M")
    if local.date() == now.astimezone(office_zone).date():
        return tr("desk.sync_last_success_today", time=time, pending=pending)
    return tr("desk.sync_last_success_on", day=local.strftime("%d/%m"), time=time, pending=pending)


def _replaced_on(error: str) -> str:
    """The day a replaced PC was replaced, as the client's message names it (``YYYY-MM-DD``),
    written ``DD/MM/YYYY``; ``?`` when it does not say."""
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", error)
    return f"{found[3]}/{found[2]}/{found[1]}" if found else "?"


def status_text(
    status: dict[str, Any],
    tr: Translator,
    zone: str = "Africa/Casablanca",
    now: datetime | None = None,
) -> str:
    """The status bar's sync text in plain words: the last error first (what the officer must
    know, and what stays visible when the bar is short), then the last success and how many
    records wait, then how many the region refused."""
    if not status.get("enrolled"):
        return tr("desk.sync_not_enrolled")
    if status.get("error_kind") == "revoked":
        return tr("desk.sync_revoked")
    if status.get("error_kind") == "replaced":
        return tr("desk.sync_replaced", date=_replaced_on(status.get("last_error", "")))
    parts = []
    if status.get("last_error"):
        parts.append(tr(ERROR_KEYS.get(status.get("error_kind", ""), "desk.sync_error_other")))
    pending = status.get("pending", 0)
    if status.get("last_success"):
        moment = now or datetime.now(UTC)
        parts.append(_last_success(status["last_success"], pending, tr, zone, moment))
    else:
        parts.append(tr("desk.sync_never_pending", pending=pending))
    if status.get("quarantined"):
        parts.append(tr("desk.sync_quarantined", count=status["quarantined"]))
    return " · ".join(parts)


def _round_if_due(context: OfficeContext, force: bool) -> dict[str, Any]:
    """On the worker: run a round when due (or forced), then read the status.

    The HTTP client and the sync's tables load here, on the worker, the first time: not at
    start-up.
    """
    from kiosk.sync import rounds, state

    if force or rounds.due(context.store):
        interval = context.settings.minutes("sync.interval_minutes")
        rounds.sync_round(context.store, context.office_id, interval)
    return state.status(context.store)


class SyncRunner(QObject):
    """Runs sync rounds in the background for one office, and tells how sync stands.

    Signals:
        status_changed(dict): the sync status after a round or a refresh (see
            ``kiosk.sync.state.status``); format it with :func:`status_text`.
        busy_changed(bool): a round (or a look) started (True) or ended (False).
    """

    status_changed = Signal(dict)
    busy_changed = Signal(bool)

    def __init__(
        self,
        context: OfficeContext,
        tasks: Tasks,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._tasks = tasks
        self._busy = False
        self._force_waiting = False
        self.last_status: dict[str, Any] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.on_tick)

    def start(self) -> None:
        """Follow the schedule from now on (a first look at once)."""
        self._timer.start()
        self._run(force=False)

    def stop(self) -> None:
        """Stop the timer (at exit; the application stops the workers)."""
        self._timer.stop()

    @property
    def busy(self) -> bool:
        """Whether a round is running."""
        return self._busy

    def sync_now(self) -> None:
        """Run a round now, whatever the schedule says ("Sync now")."""
        self._run(force=True)

    def request_sync_soon(self) -> None:
        """Something worth sending at once was written (a referral): sync as soon as possible."""
        self._run(force=True)

    def on_tick(self) -> None:
        """The timer: run a round if one is due."""
        self._run(force=False)

    def _run(self, force: bool) -> None:
        # One round at a time; one asked meanwhile runs after it (forced if any ask was).
        if self._busy:
            force = self._force_waiting = force or self._force_waiting
        else:
            self._busy = True
            self.busy_changed.emit(True)
        self._tasks.run_outside(
            partial(_round_if_due, self._context, force),
            self.on_round_finished,
            self.on_round_failed,
            latest="sync round",
        )

    def _ended(self) -> None:
        self._busy = self._force_waiting = False
        self.busy_changed.emit(False)

    def on_round_finished(self, status: dict[str, Any]) -> None:
        """The last round asked for (or a look) ended: publish the status."""
        self._ended()
        self.last_status = status
        self.status_changed.emit(status)

    def on_round_failed(self, error: BaseException) -> None:
        """An unexpected error (not a server refusal, which a round records itself)."""
        self._ended()
        log.error("a sync round failed", exc_info=error)
        status = {**self.last_status, "last_error": str(error), "error_kind": "error"}
        self.last_status = status
        self.status_changed.emit(status)
