"""Backups that are tested: taken, rotated, copied to a second folder, checked, restored.

Everything runs on the real encrypted database and through the real ``baom backup``
commands (``kiosk.cli.main``).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import select

from db.models import AuditEntry
from db.store import open_read_only
from db.uow import Actor
from kiosk import backups
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cli import main
from kiosk.office import OfficeContext, open_office
from kiosk.paths import Paths
from kiosk.security import load_key
from kiosk.settings import SettingError
from tests.conftest import OFFICER
from tests.helpers.bytes import files_containing
from tests.helpers.intake import answers

NAME = ("Zoubida", "Benhaddou")


def baom(paths: Paths, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``baom --data-dir … ARGS`` in this process: exit code, stdout, stderr."""
    code = main(["--data-dir", str(paths.data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _with_people(office: OfficeContext) -> None:
    submit_intake(office.store, office.system, IntakeRequest(answers()))
    given, family = NAME
    submit_intake(
        office.store,
        office.system,
        IntakeRequest(answers(person__given_name=given, person__family_name=family)),
    )


def canonical_dump(path: Path, key: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, read from the file ``path`` without writing to it."""
    connection = open_read_only(path, key)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


def _audited(paths: Paths) -> list[str]:
    context = open_office(paths)
    try:
        with context.store.session() as session:
            return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.at)))
    finally:
        context.close()


def _damage(path: Path) -> None:
    """Overwrite pages in the middle of the file and the first page with random bytes."""
    data = bytearray(path.read_bytes())
    page = 4096
    for number in (0, len(data) // page // 2):
        data[number * page : (number + 1) * page] = secrets.token_bytes(page)
    path.write_bytes(bytes(data))


def test_the_restore_drill_gives_back_every_row_of_every_table(
    office: OfficeContext, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = office.paths
    _with_people(office)
    office.close()
    key = load_key(paths.key_file, paths.database)
    code, out, _ = baom(paths, capsys, "backup", "now", "--json")
    assert code == 0
    backup = Path(json.loads(out)["file"])
    before = canonical_dump(backup, key)
    assert len(before["person"]) == 2

    _damage(paths.database)
    for suffix in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
    code, _, err = baom(paths, capsys, "user", "list")
    assert code == 1 and "key is wrong or the file is damaged" in err
    damaged = paths.database.read_bytes()

    code, out, err = baom(paths, capsys, "backup", "restore", str(backup), "--json")
    assert (code, err) == (0, "")
    restored = json.loads(out)
    assert Path(restored["safety_copy"]).read_bytes() == damaged, "the damaged file is kept"

    after = canonical_dump(paths.database, key)
    new_audit = set(after["audit_entry"]) - set(before["audit_entry"])
    assert [row for row in new_audit if "backup_restore" in row]
    assert len(new_audit) == 1, "the restore itself is the only new audit entry"
    new_envelopes = set(after["outbox_envelope"]) - set(before["outbox_envelope"])
    assert len(new_envelopes) == 1, "the restore's audit entry syncs like any other"
    for table in before.keys() - {"audit_entry", "outbox_envelope", "change_mark"}:
        assert after[table] == before[table], table
    assert set(before["audit_entry"]) <= set(after["audit_entry"])
    assert set(before["outbox_envelope"]) <= set(after["outbox_envelope"])


def test_a_backup_taken_while_another_connection_writes_is_whole_and_a_prefix_of_the_writes(
    office: OfficeContext,
) -> None:
    key = load_key(office.paths.key_file, office.paths.database)
    connection = sqlcipher3.connect(str(office.paths.database), check_same_thread=False)
    connection.execute(f"PRAGMA key = \"x'{key}'\"")
    connection.execute("PRAGMA busy_timeout = 10000")
    connection.execute("CREATE TABLE drill_write (n INTEGER PRIMARY KEY, filler BLOB)")
    connection.commit()
    stop = threading.Event()
    written = [0]

    def write() -> None:
        while not stop.is_set():
            written[0] += 1
            connection.execute(
                "INSERT INTO drill_write VALUES (?, ?)", (written[0], secrets.token_bytes(3000))
            )
            connection.commit()
            stop.wait(0.002)  # as windows write: others (the backup's audit entry) get a turn

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = []
        while len(copies) < 3:
            if written[0] > 200 * (len(copies) + 1):
                copies.append(backups.take_backup(office, Actor.system).path)
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
        connection.close()

    for copy in copies:
        check = open_read_only(copy, key)
        try:
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            numbers = [row[0] for row in check.execute("SELECT n FROM drill_write ORDER BY n")]
        finally:
            check.close()
        assert numbers == list(range(1, len(numbers) + 1)), "a prefix of the writes"
        assert 0 < len(numbers) < written[0]


def test_a_backup_holds_no_clear_text_of_a_name_in_either_folder(
    office: OfficeContext, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    office.settings.set(office.system, "backups.second_folder", str(usb))
    _with_people(office)

    report = backups.take_backup(office, Actor.system)

    assert report.second_copy is not None and report.second_copy.parent == usb
    assert report.second_copy.read_bytes() == report.path.read_bytes()
    for text in (*NAME, "Aminata", "0612345678"):
        assert files_containing(text, [report.path, report.second_copy]) == []


def test_each_folder_keeps_the_newest_backups_keep_copies(
    office: OfficeContext, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    office.settings.set(office.system, "backups.second_folder", str(usb))
    office.settings.set(office.system, "backups.keep", "3")

    made = [backups.take_backup(office, Actor.system) for _ in range(5)]

    newest = [report.path.name for report in reversed(made[2:])]
    assert [b.path.name for b in backups.list_backups(office.paths.backups_dir)] == newest
    assert [b.path.name for b in backups.list_backups(usb)] == newest
    assert made[-1].removed == [made[1].path.name]


def test_a_missing_second_folder_is_reported_and_the_first_copy_is_made(
    office: OfficeContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "unplugged"
    office.settings.set(office.system, "backups.second_folder", str(usb))
    office.close()

    code, out, _ = baom(office.paths, capsys, "backup", "now")
    assert code == 0
    assert f"the second folder {usb} is not there" in out
    assert len(backups.list_backups(office.paths.backups_dir)) == 1

    code, out, _ = baom(office.paths, capsys, "backup", "list", "--json")
    listing = json.loads(out)
    assert code == 0 and listing["second_folder_present"] is False
    assert "is not there" in listing["status"]["second_error"]

    usb.mkdir()
    code, out, _ = baom(office.paths, capsys, "backup", "now", "--json")
    assert json.loads(out)["second_copy"].startswith(str(usb))
    assert backups.read_status(office.paths)["second_error"] is None


def test_a_failed_backup_is_recorded_and_listed(
    office: OfficeContext, capsys: pytest.CaptureFixture[str]
) -> None:
    office.close()
    assert not office.paths.backups_dir.exists()
    office.paths.backups_dir.write_text("not a folder")  # no backup can be written there

    code, out, err = baom(office.paths, capsys, "backup", "now")
    assert code == 1 and out == ""
    assert err.startswith("baom: the backup failed: ") and err.count("\n") == 1

    code, out, _ = baom(office.paths, capsys, "backup", "list")
    assert code == 1
    assert "LAST BACKUP FAILED" in out
    office.paths.backups_dir.unlink()
    again = open_office(office.paths)
    try:
        backups.take_backup(again, Actor.system)
    finally:
        again.close()
    assert backups.read_status(office.paths)["last_error"] is None


@pytest.mark.parametrize("value", ["usb", "backups/usb"])
def test_a_second_folder_must_be_a_full_path(office: OfficeContext, value: str) -> None:
    with pytest.raises(SettingError, match=r"backups\.second_folder: must be a full path"):
        office.settings.set(office.system, "backups.second_folder", value)


def test_verify_opens_a_backup_checks_it_and_is_audited(
    office: OfficeContext, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = backups.take_backup(office, Actor.system).path
    office.close()

    code, out, err = baom(office.paths, capsys, "backup", "verify", str(copy), "--json")

    assert (code, err) == (0, "")
    verified = json.loads(out)
    assert verified["ok"] is True and verified["office_name"] == "BAOM Taliouine"
    assert _audited(office.paths)[-2:] == ["backup", "backup_verify"]


@pytest.mark.parametrize("damage", ["pages overwritten", "truncated", "another key"])
def test_verify_refuses_a_damaged_backup_or_another_key_in_one_line(
    office: OfficeContext, capsys: pytest.CaptureFixture[str], tmp_path: Path, damage: str
) -> None:
    copy = backups.take_backup(office, Actor.system).path
    if damage == "pages overwritten":
        _damage(copy)
    elif damage == "truncated":
        copy.write_bytes(copy.read_bytes()[:5000])
    else:
        other = Paths.resolve(data_dir=tmp_path / "other")
        code, _, _ = baom(other, capsys, "db", "upgrade")
        copy = other.database
    before = copy.read_bytes()
    office.close()

    code, out, err = baom(office.paths, capsys, "backup", "verify", str(copy))

    assert code == 1 and out == ""
    assert err.startswith("baom: ") and err.count("\n") == 1
    assert "key is wrong or the file is damaged" in err or "is damaged" in err
    assert copy.read_bytes() == before, "a check never writes to the backup"


def test_a_backup_of_another_office_is_refused(office: OfficeContext) -> None:
    copy = backups.take_backup(office, Actor.system).path
    key = load_key(office.paths.key_file, office.paths.database)
    other = uuid.uuid4()
    with pytest.raises(backups.BackupError, match="a backup of another office"):
        backups.check_backup(copy, key, other)


def test_the_database_itself_is_not_restored_over_itself(
    office: OfficeContext, capsys: pytest.CaptureFixture[str]
) -> None:
    office.close()
    code, _, err = baom(office.paths, capsys, "backup", "restore", str(office.paths.database))
    assert code == 1 and "is the office database itself, not a backup" in err
    assert backups.list_backups(office.paths.backups_dir) == []


def test_restore_is_refused_while_windows_work_on_the_office(
    office: OfficeContext, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = backups.take_backup(office, Actor.system).path
    office.close()
    with backups.working(office.paths, "windows"):
        code, _, err = baom(office.paths, capsys, "backup", "restore", str(copy))
    assert code == 1
    assert "the office is in use on this PC (windows)" in err
    assert len(backups.list_backups(office.paths.backups_dir)) == 1, "no safety copy either"

    (office.paths.data_dir / backups.RUNNING_DIR / "sync-999999.lock").write_text("")
    code, _, err = baom(office.paths, capsys, "backup", "restore", str(copy))
    assert (code, err) == (0, ""), "a marker left by a process that ended is not in the way"
    assert _audited(office.paths)[-1] == "backup_restore"


def test_the_daily_backup_is_taken_once_a_day(office: OfficeContext) -> None:
    assert backups.backup_due(office)
    first = backups.daily_backup(office)
    assert first is not None and first.path.name.endswith("-daily.db")
    assert not backups.backup_due(office)
    assert backups.daily_backup(office) is None
    assert _audited(office.paths)[-1] == "backup"


def test_the_oldest_backup_kept_can_be_restored(
    office: OfficeContext, capsys: pytest.CaptureFixture[str]
) -> None:
    office.settings.set(office.system, "backups.keep", "2")
    oldest = backups.take_backup(office, Actor.system).path
    backups.take_backup(office, Actor.system)
    office.close()

    code, out, err = baom(office.paths, capsys, "backup", "restore", str(oldest))

    assert (code, err) == (0, ""), "the safety copy's rotation removed it only after reading"
    assert "the database as it was is kept in" in out


def test_a_backup_restores_on_a_new_pc_given_the_key_file_and_not_without(
    office: OfficeContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_people(office)
    copy = backups.take_backup(office, Actor.system).path
    office.close()
    new_pc = Paths.resolve(data_dir=tmp_path / "new-pc")

    code, _, err = baom(new_pc, capsys, "backup", "restore", str(copy))
    assert code == 1 and f"there is no database key at {new_pc.key_file}" in err
    assert not new_pc.key_file.exists() and not new_pc.database.exists()

    new_pc.config_dir.mkdir(parents=True)
    new_pc.key_file.write_bytes(office.paths.key_file.read_bytes())
    code, out, err = baom(new_pc, capsys, "backup", "restore", str(copy), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["safety_copy"] is None
    monkeypatch.setenv("BAOM_PASSWORD", OFFICER[1])
    code, out, _ = baom(new_pc, capsys, "--user", OFFICER[0], "person", "search", NAME[0], "--json")
    assert code == 0 and NAME[1] in out


def test_one_process_at_a_time_takes_the_daily_backup(office: OfficeContext) -> None:
    with (office.paths.data_dir / backups.DAILY_LOCK).open("a+") as other_process:
        backups.lock(other_process)
        assert backups.daily_backup(office) is None
    assert backups.list_backups(office.paths.backups_dir) == []
    assert backups.daily_backup(office) is not None


@pytest.mark.slow
def test_a_backup_whose_audit_entry_cannot_be_written_says_so_and_is_kept(
    office: OfficeContext,
) -> None:
    key = load_key(office.paths.key_file, office.paths.database)
    writer = sqlcipher3.connect(str(office.paths.database), isolation_level=None)
    writer.execute(f"PRAGMA key = \"x'{key}'\"")
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock past the busy timeout
    try:
        with pytest.raises(backups.BackupError, match="was written, but not its audit entry"):
            backups.take_backup(office, Actor.system)
    finally:
        writer.rollback()
        writer.close()
    (kept,) = backups.list_backups(office.paths.backups_dir)
    assert backups.check_backup(kept.path, key, office.office_id).office_name == "BAOM Taliouine"
