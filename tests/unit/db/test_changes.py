"""Change marks: which tables a piece of work wrote, and what another process wrote."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlalchemy import inspect, text

from db.changes import ChangeMarks, marked_tables, trigger_name
from db.models import Office, Setting
from kiosk.office import OfficeContext
from kiosk.paths import Paths


def test_every_table_has_its_three_triggers(office: OfficeContext) -> None:
    with office.store.engine.connect() as connection:
        tables = set(marked_tables(connection))
        assert set(inspect(connection).get_table_names()) - tables <= {
            "change_mark",
            "alembic_version",
            "hsds_fts_data",
            "hsds_fts_idx",
            "hsds_fts_content",
            "hsds_fts_docsize",
            "hsds_fts_config",
            "hsds_fts",
        }
        triggers = set(
            connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            .scalars()
            .all()
        )
    assert {"ticket", "person", "print_job", "hsds_service", "intake_draft"} <= tables
    expected = {
        trigger_name(table, op) for table in tables for op in ("insert", "update", "delete")
    }
    assert expected - triggers == set()


def test_work_reports_the_tables_it_wrote_and_nothing_else(office: OfficeContext) -> None:
    marks = ChangeMarks(office.store)
    marks.start()

    def write() -> None:
        with office.store.unit_of_work(office.system) as uow:
            uow.add(Setting(key="test.marks", value="1"))

    with marks.recording() as recorded:
        write()
    changes = recorded.changes
    assert changes.tables == {"setting", "outbox_envelope", "audit_entry"}
    assert changes.touches({"setting", "ticket"}) and not changes.touches({"ticket"})
    with marks.recording() as nothing:
        office.settings.all()
    assert not nothing.changes
    # this process's own work is not reported again as a change made elsewhere
    assert not marks.since_last_look()
    marks.close()


def test_a_unit_of_work_says_which_tables_it_wrote(office: OfficeContext) -> None:
    with office.store.unit_of_work(office.system) as uow:
        uow.add(Office(name="another"))
    assert uow.changes.tables == {"office", "outbox_envelope", "audit_entry"}


def test_a_commit_from_another_process_is_seen_with_its_tables(
    office: OfficeContext, paths: Paths
) -> None:
    marks = ChangeMarks(office.store)
    marks.start()
    assert not marks.since_last_look()

    writer = textwrap.dedent(
        f"""
        from db.models import Office
        from kiosk.office import open_office
        from kiosk.paths import Paths
        context = open_office(Paths.resolve({str(paths.data_dir)!r}, {str(paths.config_dir)!r}))
        with context.store.unit_of_work(context.system) as uow:
            uow.add(Office(name="written elsewhere"))
        context.close()
        """
    )
    subprocess.run([sys.executable, "-c", writer], check=True, timeout=60)

    assert marks.since_last_look().tables == {"office", "outbox_envelope", "audit_entry"}
    assert not marks.since_last_look()
    marks.close()


def test_a_bulk_statement_outside_a_unit_of_work_is_seen(office: OfficeContext) -> None:
    marks = ChangeMarks(office.store)
    marks.start()
    with office.store.engine.begin() as connection:
        connection.execute(text("DELETE FROM intake_draft"))
        connection.execute(text("UPDATE print_job SET attempts = attempts"))
    # an UPDATE or DELETE that touches no row changes nothing
    assert not marks.since_last_look()
    with office.store.engine.begin() as connection:
        connection.execute(text("UPDATE office SET name = name"))
    assert marks.since_last_look().tables == {"office"}
    marks.close()


def test_the_tables_written_before_an_error_are_still_told(office: OfficeContext) -> None:
    marks = ChangeMarks(office.store)
    try:
        with marks.recording() as recorded:
            with office.store.unit_of_work(office.system) as uow:
                uow.add(Setting(key="test.half", value="1"))
            raise RuntimeError("the second half failed")
    except RuntimeError:
        pass
    assert recorded.changes.touches({"setting"})
    marks.close()
