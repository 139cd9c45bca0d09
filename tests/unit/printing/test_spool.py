"""The print spool against fault printers on loopback: every job ends printed exactly once
or in may_have_printed, nothing is lost, and the caller never waits for the printer."""

from __future__ import annotations

import socket
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from db.base import utcnow
from db.print_spool import PrintJob, PrintJobState
from kiosk.office import OfficeContext
from printing.errors import SpoolError
from printing.printer import PrinterConfig
from printing.spool import PrintSpool
from printing.spool_views import JobView, SpoolPolicy, current_owner
from printing.status import PRINTER_STATUS
from printing.worker import SpoolWorker
from tests.helpers.printers import LoopbackPrinter, free_port, loopback_printer

FAST = SpoolPolicy(timeout_s=0.5, first_retry_s=0.1, max_retry_s=0.3, lease_margin_s=0.2)
CHUNKS = (b"\x1b@" + bytes(range(256)) * 120, b"\x1dv0" + b"\x00" * 30000, b"\x1bd\x06\x1dV\x00")
JOB_BYTES = b"".join(CHUNKS)
SENT = JOB_BYTES + PRINTER_STATUS  # the job, then "are you there?" (its answer confirms it)


def _spool(office: OfficeContext) -> PrintSpool:
    return PrintSpool(office.store, office.office_id, FAST)


def _submit(spool: PrintSpool, office: OfficeContext, uri: str) -> JobView:
    return spool.submit(office.system, "test", "test page", PrinterConfig(uri), CHUNKS)


def _wait_for_state(
    spool: PrintSpool, job_id: uuid.UUID, states: set[PrintJobState], timeout: float = 10
) -> JobView:
    deadline = time.monotonic() + timeout
    while True:
        job = spool.job(job_id)
        if job.state in states or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_a_job_prints_exactly_once_on_a_good_printer(office: OfficeContext) -> None:
    spool = _spool(office)
    with loopback_printer() as printer:
        job = _submit(spool, office, printer.uri)
        assert job.state is PrintJobState.QUEUED
        done = spool.attempt(job.id)
        assert spool.attempt(job.id) is None  # already printed: not sent again
        jobs = printer.wait_for_jobs(1)
    assert done is not None and done.state is PrintJobState.PRINTED
    assert done.printed_at is not None and done.error == ""
    assert jobs == [SENT]


def test_a_printer_that_takes_the_job_into_its_window_but_never_reads_is_not_printed(
    office: OfficeContext,
) -> None:
    # Issue #13, item 4: its TCP window takes the whole job, so every byte is acknowledged,
    # yet the printer read none of it and never answers: sent, not confirmed.
    spool = _spool(office)
    with loopback_printer("hang", receive_buffer=4 * 1024 * 1024) as printer:
        job = _submit(spool, office, printer.uri)
        tried = spool.attempt(job.id)
    assert tried is not None and tried.state.value == "sent_unconfirmed"
    assert tried.printed_at is None
    assert printer.uri in tried.error and "did not confirm" in tried.error
    assert spool.due() == []  # never sent again without an officer deciding


def test_a_printer_that_reads_but_never_answers_is_sent_not_confirmed(
    office: OfficeContext,
) -> None:
    spool = _spool(office)
    with loopback_printer(answers={}) as printer:
        job = _submit(spool, office, printer.uri)
        tried = spool.attempt(job.id)
        jobs = printer.wait_for_jobs(1)
    assert tried is not None and tried.state.value == "sent_unconfirmed"
    assert jobs[0].startswith(JOB_BYTES)  # it all went out; only the answer is missing


def test_a_printer_that_refuses_connections_keeps_the_job_queued(office: OfficeContext) -> None:
    spool = _spool(office)
    uri = f"tcp://127.0.0.1:{free_port()}"
    job = _submit(spool, office, uri)
    tried = spool.attempt(job.id)
    assert tried is not None and tried.state is PrintJobState.QUEUED
    assert uri in tried.error and "refused the connection" in tried.error
    assert tried.attempts == 1 and tried.next_attempt_at > utcnow()
    assert spool.due() == []  # not before its retry time


@pytest.mark.parametrize("mode", ["hang", "close"])
def test_a_printer_that_stops_mid_job_leaves_it_may_have_printed(
    office: OfficeContext, mode: str
) -> None:
    spool = _spool(office)
    with loopback_printer(mode) as printer:
        job = _submit(spool, office, printer.uri)
        tried = spool.attempt(job.id)
    assert tried is not None and tried.state is PrintJobState.MAY_HAVE_PRINTED
    assert printer.uri in tried.error and "check whether it printed" in tried.error
    assert spool.due() == []  # never sent again without an officer deciding
    assert printer.connections == 1


def test_a_printer_that_comes_back_gets_the_job_once(office: OfficeContext) -> None:
    spool = _spool(office)
    port = free_port()
    job = _submit(spool, office, f"tcp://127.0.0.1:{port}")
    worker = SpoolWorker(spool, poll_s=0.1)
    worker.start()
    try:
        time.sleep(0.6)  # a few refused attempts
        assert spool.job(job.id).attempts >= 2
        printer = LoopbackPrinter(port=port)
        try:
            done = _wait_for_state(spool, job.id, {PrintJobState.PRINTED})
            time.sleep(0.3)  # would a second copy follow?
            jobs = printer.wait_for_jobs(1)
        finally:
            printer.close()
    finally:
        worker.stop(2)
    assert done.state is PrintJobState.PRINTED
    assert jobs == [SENT]


def test_submitting_never_waits_for_a_hanging_printer(office: OfficeContext) -> None:
    spool = _spool(office)
    with loopback_printer("hang") as printer:
        worker = SpoolWorker(spool, poll_s=0.1)
        worker.start()
        try:
            first = _submit(spool, office, printer.uri)
            worker.wake()
            time.sleep(0.1)  # the worker is now stuck on the printer
            started = time.monotonic()
            second = _submit(spool, office, printer.uri)
            worker.wake()
            assert time.monotonic() - started < 0.2
            states = {PrintJobState.MAY_HAVE_PRINTED}
            assert _wait_for_state(spool, first.id, states).state in states
            assert _wait_for_state(spool, second.id, states).state in states
        finally:
            worker.stop(2)


def _leave_sending(
    office: OfficeContext, job_id: uuid.UUID, started: bool, lease_s: float = -1, owner: str = ""
) -> None:
    with office.store.session() as session:
        session.execute(
            update(PrintJob)
            .where(PrintJob.id == job_id)
            .values(
                state=PrintJobState.SENDING,
                started=started,
                owner=owner,
                lease_until=utcnow() + timedelta(seconds=lease_s),
            )
        )
        session.commit()


def test_a_job_left_sending_by_a_stopped_process_is_recovered(office: OfficeContext) -> None:
    spool = _spool(office)
    untouched = _submit(spool, office, "tcp://127.0.0.1:1")
    doubtful = _submit(spool, office, "tcp://127.0.0.1:1")
    _leave_sending(office, untouched.id, started=False)
    _leave_sending(office, doubtful.id, started=True)
    assert spool.recover() == 2
    assert spool.job(untouched.id).state is PrintJobState.QUEUED
    recovered = spool.job(doubtful.id)
    assert recovered.state is PrintJobState.MAY_HAVE_PRINTED
    assert "stopped while sending" in recovered.error


def test_a_job_of_a_process_that_died_is_recovered_before_its_lease_ends(
    office: OfficeContext,
) -> None:
    spool = _spool(office)
    dead, alive = (
        _submit(spool, office, "tcp://127.0.0.1:1"),
        _submit(spool, office, "tcp://127.0.0.1:1"),
    )
    gone = f"{socket.gethostname()}:{2**22 + 12345}"  # beyond Linux's largest process id
    _leave_sending(office, dead.id, started=True, lease_s=600, owner=gone)
    _leave_sending(office, alive.id, started=True, lease_s=600, owner=current_owner())
    assert spool.recover() == 1
    assert spool.job(dead.id).state is PrintJobState.MAY_HAVE_PRINTED
    assert spool.job(alive.id).state is PrintJobState.SENDING


def test_only_one_spool_sends_a_job_that_two_processes_see(office: OfficeContext) -> None:
    first, second = _spool(office), _spool(office)
    with loopback_printer() as printer:
        job = _submit(first, office, printer.uri)
        claimed = first._claim(job.id)
        assert claimed is not None
        assert second.attempt(job.id) is None
        assert second.due() == []


def test_an_officer_resolves_a_doubtful_job(office: OfficeContext) -> None:
    spool = _spool(office)
    with loopback_printer("close") as broken:
        reprinted = _submit(spool, office, broken.uri)
        seen = _submit(spool, office, broken.uri)
        spool.attempt(reprinted.id)
        spool.attempt(seen.id)
    with loopback_printer() as printer:
        again = spool.retry(office.system, reprinted.id, printer.uri)
        assert again.state is PrintJobState.QUEUED and again.printer == printer.uri
        done = spool.attempt(reprinted.id)
        assert printer.wait_for_jobs(1) == [SENT]
    assert done is not None and done.state is PrintJobState.PRINTED
    marked = spool.mark_printed(office.system, seen.id)
    assert marked.state is PrintJobState.PRINTED and spool.due() == []
    with pytest.raises(SpoolError, match="is printed: it cannot be marked printed"):
        spool.mark_printed(office.system, seen.id)
    with pytest.raises(SpoolError, match="is printed: it cannot be cancelled"):
        spool.cancel(office.system, reprinted.id)


def test_cancelled_jobs_are_never_sent_and_unknown_jobs_are_named(office: OfficeContext) -> None:
    spool = _spool(office)
    job = _submit(spool, office, "tcp://127.0.0.1:1")
    assert spool.cancel(office.system, job.id).state is PrintJobState.CANCELLED
    assert spool.due() == [] and spool.attempt(job.id) is None
    with pytest.raises(SpoolError, match="there is no print job"):
        spool.job(uuid.uuid4())
    with pytest.raises(SpoolError, match="not a print job id"):
        spool.cancel(office.system, "A014")


def test_a_wrong_configuration_fails_without_retrying(office: OfficeContext) -> None:
    spool = _spool(office)
    job = _submit(spool, office, "usb:04b8")  # no product id
    tried = spool.attempt(job.id)
    assert tried is not None and tried.state is PrintJobState.FAILED
    assert "usb:04b8" in tried.error and "usb:VID:PID" in tried.error
    assert [listed.id for listed in spool.jobs()] == [job.id]
