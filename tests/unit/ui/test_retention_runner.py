"""The desk runs the retention schedule once a day, on the database worker."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.models import AuditEntry
from kiosk.office import OfficeContext
from ui.retention import RetentionRunner
from ui.tasks import Tasks


def _runs(office: OfficeContext) -> int:
    with office.store.session() as session:
        counted = select(func.count()).where(AuditEntry.action == "retention_run")
        return session.scalar(counted) or 0


@pytest.mark.slow  # about 10 s: it waits for several of the runner's checks
def test_the_schedule_runs_once_a_day_whatever_the_checks(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    runner = RetentionRunner(office, tasks)
    runner.check()
    qtbot.waitUntil(lambda: _runs(office) == 1, timeout=10_000)
    with qtbot.waitSignal(tasks.executed, timeout=10_000, raising=False):
        runner.check()  # the same day: looks, and does not run again
    qtbot.wait(200)
    assert _runs(office) == 1
    runner.stop()
