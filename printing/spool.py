"""The print spool: jobs that survive a printer that is off and an application restart.

A job is queued → sending → printed (the printer confirmed it, or a file or a system queue
took it all), or sent_unconfirmed (every byte left but the printer did not confirm: an officer
decides, as for may_have_printed), or back to queued with its error and a later retry
time (the printer was unreachable: nothing left, trying again is safe), or failed (the
configuration is wrong: retrying cannot help), or may_have_printed (bytes left before the
connection broke: an officer decides, reprint or mark printed). Nothing prints twice
silently. Several processes may share one spool: a job is claimed by one atomic update.
A process that dies while sending leaves a lease that runs out; :meth:`PrintSpool.recover`
then puts the job back in the queue, or in may_have_printed if bytes may have left.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import defer

from db.base import utcnow
from db.print_spool import PrintJob, PrintJobState
from db.store import Store
from db.uow import Actor
from kiosk.accounts import Permission, require
from printing.errors import MaybeSent, NothingSent, PrinterConfigError, SpoolError
from printing.escpos_out import chunk_ends, send, split_chunks
from printing.printer import PrinterConfig, parse_uri
from printing.spool_views import JobView, SpoolPolicy, current_owner, owner_is_gone

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class PrintSpool:
    """The print jobs of one office database."""

    def __init__(
        self,
        store: Store,
        office_id: uuid.UUID,
        policy: SpoolPolicy | None = None,
        now: Clock = utcnow,
    ) -> None:
        self.store = store
        self.office_id = office_id
        self.policy = policy or SpoolPolicy()
        self.now = now

    def submit(
        self,
        actor: Actor,
        kind: str,
        summary: str,
        printer: PrinterConfig,
        chunks: Sequence[bytes],
        problem: str = "",
    ) -> JobView:
        """Queue a job (its ESC/POS bytes, fragment by fragment); audited as a print.

        With a ``problem`` (no printer, or one that cannot be used) the job is listed as
        failed, with its picture, for the officer to print elsewhere or again."""
        with self.store.unit_of_work(actor) as uow:
            job = uow.add(
                PrintJob(
                    office_id=self.office_id,
                    created_at=self.now(),
                    updated_at=self.now(),
                    kind=kind,
                    summary=summary,
                    printer_uri=printer.uri,
                    profile=printer.profile,
                    width=printer.width,
                    pause_ms=printer.fragment_pause_ms,
                    data=b"".join(chunks),
                    chunk_ends=json.dumps(chunk_ends(chunks)),
                    state=PrintJobState.FAILED if problem else PrintJobState.QUEUED,
                    last_error=problem,
                    next_attempt_at=self.now(),
                )
            )
            uow.audit("print", detail=f"{summary} on {printer.uri}"[:200])
            uow.session.flush()
            view = JobView.of(job)
        return view

    def jobs(self, limit: int = 200) -> list[JobView]:
        """The newest jobs first, after recovering those whose sender stopped."""
        self.recover()
        with self.store.session() as session:
            rows = session.scalars(
                select(PrintJob)
                .options(defer(PrintJob.data))  # the bytes stay on disk: a listing needs none
                .where(PrintJob.office_id == self.office_id)
                .order_by(PrintJob.created_at.desc())
                .limit(limit)
            ).all()
            return [JobView.of(row) for row in rows]

    def job(self, job_id: uuid.UUID | str) -> JobView:
        """One job, or :class:`SpoolError` when there is no such job."""
        with self.store.session() as session:
            return JobView.of(self._find(session, job_id))

    def job_bytes(self, job_id: uuid.UUID | str) -> bytes:
        """The ESC/POS bytes of a job (for a preview of what it prints)."""
        with self.store.session() as session:
            return bytes(self._find(session, job_id).data)

    def recover(self) -> int:
        """Resolve jobs whose sending process stopped (it is gone, or its lease ran out);
        returns how many."""
        now = self.now()
        with self.store.session() as session:
            sending = session.scalars(
                select(PrintJob)
                .options(defer(PrintJob.data))
                .where(PrintJob.state == PrintJobState.SENDING)
            ).all()
            stale = [
                job
                for job in sending
                if (job.lease_until is not None and job.lease_until < now)
                or owner_is_gone(job.owner)
            ]
            for job in stale:
                if job.started:
                    job.state = PrintJobState.MAY_HAVE_PRINTED
                    job.last_error = (
                        "the application stopped while sending this job to the printer "
                        f"{job.printer_uri}: check whether it printed"
                    )
                else:
                    job.state = PrintJobState.QUEUED
                    job.next_attempt_at = now
                job.lease_until = None
                job.updated_at = now
            session.commit()
            return len(stale)

    def retry(
        self, actor: Actor, job_id: uuid.UUID | str, printer_uri: str | None = None
    ) -> JobView:
        """Queue a job again now (a reprint, after a failure or a doubtful send)."""
        if printer_uri is not None:
            parse_uri(printer_uri)
        allowed = set(PrintJobState) - {PrintJobState.SENDING}
        changes: dict[str, Any] = {"attempts": 0, "next_attempt_at": self.now(), "last_error": ""}
        if printer_uri is not None:
            changes["printer_uri"] = printer_uri
        return self._change(actor, job_id, allowed, PrintJobState.QUEUED, "reprint", changes)

    def cancel(self, actor: Actor, job_id: uuid.UUID | str) -> JobView:
        """Give up a job that has not printed (it will never be sent)."""
        allowed = {
            PrintJobState.QUEUED,
            PrintJobState.FAILED,
            PrintJobState.MAY_HAVE_PRINTED,
            PrintJobState.SENT_UNCONFIRMED,
        }
        return self._change(actor, job_id, allowed, PrintJobState.CANCELLED, "cancel print", {})

    def mark_printed(self, actor: Actor, job_id: uuid.UUID | str) -> JobView:
        """Record that a doubtful or failed job did print (the officer saw the paper)."""
        allowed = {
            PrintJobState.MAY_HAVE_PRINTED,
            PrintJobState.SENT_UNCONFIRMED,
            PrintJobState.FAILED,
            PrintJobState.QUEUED,
        }
        changes = {"printed_at": self.now()}
        return self._change(actor, job_id, allowed, PrintJobState.PRINTED, "mark printed", changes)

    def printed_elsewhere(self, actor: Actor, job_id: uuid.UUID | str, where: str) -> JobView:
        """Record that the job was printed on another printer (A4 through the computer's
        printers): it is printed, and never sent to its own printer any more."""
        require(actor, Permission.SERVE_VISITORS)
        self.recover()
        with self.store.unit_of_work(actor) as uow:
            job = self._find(uow.session, job_id)
            if job.state not in (PrintJobState.PRINTED, PrintJobState.SENDING):
                job.state = PrintJobState.PRINTED
                job.printed_at = self.now()
                job.last_error = ""
                job.updated_at = self.now()
            uow.audit("print elsewhere", detail=f"{job.summary} ({job.id}) on {where}"[:200])
            uow.session.flush()
            view = JobView.of(job)
        return view

    def saved_as(self, actor: Actor, job_id: uuid.UUID | str, path: str) -> None:
        """Record (audit) that the job's picture was saved to a file ``path``."""
        require(actor, Permission.SERVE_VISITORS)
        with self.store.unit_of_work(actor) as uow:
            job = self._find(uow.session, job_id)
            uow.audit("save print as file", detail=f"{job.summary} ({job.id}) to {path}"[:200])

    def due(self) -> list[uuid.UUID]:
        """The queued jobs whose retry time has come, oldest first."""
        with self.store.session() as session:
            return list(
                session.scalars(
                    select(PrintJob.id)
                    .where(
                        PrintJob.office_id == self.office_id,
                        PrintJob.state == PrintJobState.QUEUED,
                        PrintJob.next_attempt_at <= self.now(),
                    )
                    .order_by(PrintJob.created_at)
                )
            )

    def next_due_at(self) -> datetime | None:
        """When the next queued job becomes due, if any job is queued."""
        with self.store.session() as session:
            return session.scalar(
                select(PrintJob.next_attempt_at)
                .where(PrintJob.office_id == self.office_id, PrintJob.state == PrintJobState.QUEUED)
                .order_by(PrintJob.next_attempt_at)
                .limit(1)
            )

    def send_due(self) -> int:
        """Try every due job once; returns how many were tried."""
        tried = 0
        for job_id in self.due():
            if self.attempt(job_id) is not None:
                tried += 1
        return tried

    def attempt(self, job_id: uuid.UUID) -> JobView | None:
        """Claim a queued job and send it once; ``None`` when another sender has it."""
        job = self._claim(job_id)
        if job is None:
            return None
        chunks = split_chunks(job.data, json.loads(job.chunk_ends))
        try:
            target = parse_uri(job.printer_uri)
            delivery = send(
                target,
                chunks,
                profile=job.profile,
                width=job.width,
                timeout=self.policy.timeout_s,
                pause_s=job.pause_ms / 1000,
                before_first_byte=lambda: self._mark_started(job.id),
                name=f"{job.created_at:%Y-%m-%d_%H%M%S}_{job.summary}_{str(job.id)[-6:]}",
            )
        except NothingSent as error:
            delay = self.policy.backoff(job.attempts)
            return self._finish(job.id, PrintJobState.QUEUED, str(error), retry_in=delay)
        except MaybeSent as error:
            return self._finish(job.id, PrintJobState.MAY_HAVE_PRINTED, str(error))
        except PrinterConfigError as error:
            return self._finish(job.id, PrintJobState.FAILED, str(error))
        except Exception as error:
            log.exception("print job %s failed unexpectedly", job.id)
            state = self._unexpected_state(job.id)
            return self._finish(job.id, state, f"printing to {job.printer_uri} failed: {error}")
        if not delivery.confirmed:
            return self._finish(
                job.id,
                PrintJobState.SENT_UNCONFIRMED,
                f"the printer {job.printer_uri} took the job but did not confirm it "
                f"({delivery.detail}): check whether it printed",
            )
        return self._finish(job.id, PrintJobState.PRINTED, "")

    def _claim(self, job_id: uuid.UUID) -> PrintJob | None:
        now = self.now()
        with self.store.session() as session:
            job = session.get(PrintJob, job_id)
            if job is None or job.state is not PrintJobState.QUEUED:
                return None
            chunks = len(json.loads(job.chunk_ends))
            # connecting, each chunk, the wait until taken and the printer's answer
            lease = self.policy.timeout_s * (chunks + 3) + job.pause_ms / 1000 * chunks
            claimed = session.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id, PrintJob.state == PrintJobState.QUEUED)
                .values(
                    state=PrintJobState.SENDING,
                    attempts=PrintJob.attempts + 1,
                    started=False,
                    owner=current_owner(),
                    lease_until=now + timedelta(seconds=lease + self.policy.lease_margin_s),
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return None
            session.refresh(job)
            session.expunge(job)
            return job

    def _mark_started(self, job_id: uuid.UUID) -> None:
        with self.store.session() as session:
            session.execute(update(PrintJob).where(PrintJob.id == job_id).values(started=True))
            session.commit()

    def _unexpected_state(self, job_id: uuid.UUID) -> PrintJobState:
        with self.store.session() as session:
            started = session.scalar(select(PrintJob.started).where(PrintJob.id == job_id))
        return PrintJobState.MAY_HAVE_PRINTED if started else PrintJobState.FAILED

    def _finish(
        self,
        job_id: uuid.UUID,
        state: PrintJobState,
        error: str,
        retry_in: timedelta | None = None,
    ) -> JobView:
        now = self.now()
        with self.store.session() as session:
            job = session.get(PrintJob, job_id)
            assert job is not None
            job.state = state
            job.last_error = error
            job.lease_until = None
            job.updated_at = now
            if retry_in is not None:
                job.next_attempt_at = now + retry_in
            if state is PrintJobState.PRINTED:
                job.printed_at = now
            session.commit()
            return JobView.of(job)

    def _change(
        self,
        actor: Actor,
        job_id: uuid.UUID | str,
        allowed: set[PrintJobState],
        state: PrintJobState,
        action: str,
        changes: dict[str, Any],
    ) -> JobView:
        require(actor, Permission.SERVE_VISITORS)
        self.recover()
        with self.store.unit_of_work(actor) as uow:
            job = self._find(uow.session, job_id)
            if job.state not in allowed:
                raise SpoolError(
                    f"print job {job.id} is {job.state.value.replace('_', ' ')}: "
                    f"it cannot be {_PAST[state]}"
                )
            job.state = state
            job.updated_at = self.now()
            for name, value in changes.items():
                setattr(job, name, value)
            uow.audit(action, detail=f"{job.summary} ({job.id})"[:200])
            uow.session.flush()
            view = JobView.of(job)
        return view

    def _find(self, session: Any, job_id: uuid.UUID | str) -> PrintJob:
        try:
            key = job_id if isinstance(job_id, uuid.UUID) else uuid.UUID(str(job_id).strip())
        except ValueError:
            raise SpoolError(f"{job_id!r} is not a print job id") from None
        job = session.get(PrintJob, key)
        if job is None or job.office_id != self.office_id:
            raise SpoolError(f"there is no print job {job_id}")
        return job  # type: ignore[no-any-return]


_PAST = {
    PrintJobState.QUEUED: "printed again",
    PrintJobState.CANCELLED: "cancelled",
    PrintJobState.PRINTED: "marked printed",
}
