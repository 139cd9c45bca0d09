"""Backups of the office database: taken daily and on demand, checked, restored.

A backup is an encrypted copy of the whole database (the same key, SQLite's online backup
API: ``db.store.Store.copy_to``) named ``baom-<UTC time>-<reason>.db`` in the data
folder's ``backups/``, and copied to a second folder the office names
(``backups.second_folder``, a USB disk) when it is there. Each folder keeps the newest
``backups.keep`` copies. How the last backup went is kept in ``backups-status.json``
(times, file names and errors, never personal data) so that it survives a restore and can
be read when the database cannot.

A restore replaces the database file with a verified copy, after a safety copy of the
current one, and only while no window nor ``baom sync`` works on the office on this PC:
each of those holds a lock file in ``running/`` (:func:`working`) for as long as it runs.
See docs/security.md, "Backups".
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlcipher3
from sqlalchemy.exc import SQLAlchemyError

from db import migrate
from db.base import utcnow
from db.store import Store, StoreError, open_read_only
from db.uow import Actor
from kiosk.clock import office_day
from kiosk.office import OfficeContext, Settings, open_office
from kiosk.paths import Paths
from kiosk.security import KEY_ENVIRONMENT_VARIABLE, load_key
from kiosk.settings import MachineSettingsFile

log = logging.getLogger(__name__)

STATUS_FILE = "backups-status.json"
"""How the last backups went, in the data folder (beside ``backups/``, which may be unusable)."""
STAMP = "%Y%m%dT%H%M%S%fZ"


ActorFor = Callable[[uuid.UUID], Actor]
"""Who acts, given the office's id (``Actor.system`` for the application itself)."""


class BackupError(StoreError):
    """A backup cannot be taken, checked or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    """One backup file: where, when (UTC), why, how big."""

    path: Path
    taken_at: datetime
    reason: str
    size: int

    def as_json(self) -> dict[str, Any]:
        """The backup as ``baom backup list --json`` prints it."""
        return {
            "file": str(self.path),
            "taken_at": self.taken_at.isoformat(),
            "reason": self.reason,
            "size": self.size,
        }


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first (none when it is absent)."""
    found = []
    for path in folder.glob("baom-*.db") if folder.is_dir() else ():
        stamp, _, reason = path.stem.removeprefix("baom-").partition("-")
        try:
            taken_at = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue  # not one of ours
        found.append(Backup(path, taken_at, reason, path.stat().st_size))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def _machine_setting(paths: Paths, key: str) -> bool | int | str:
    """A machine setting's value (the settings file's, else the default), without the
    database: it may be the one that cannot be opened."""
    return Settings(MachineSettingsFile(paths.settings_file), None).get(key)


def second_folder(paths: Paths) -> Path | None:
    """The second folder backups are copied to (``backups.second_folder``), if any."""
    value = str(_machine_setting(paths, "backups.second_folder")).strip()
    return Path(value) if value else None


def keep(paths: Paths) -> int:
    """How many backups each folder keeps (``backups.keep``)."""
    return int(_machine_setting(paths, "backups.keep"))


@dataclass
class BackupReport:
    """What a backup did: the copy, the second folder's copy or why there is none."""

    path: Path
    second_copy: Path | None = None
    second_error: str | None = None
    removed: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The report as ``baom backup now --json`` prints it."""
        return {
            "file": str(self.path),
            "second_copy": None if self.second_copy is None else str(self.second_copy),
            "second_error": self.second_error,
            "removed": self.removed,
        }


def read_status(paths: Paths) -> dict[str, Any]:
    """How the last backups went (empty before the first)."""
    try:
        value = json.loads((paths.data_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_status(paths: Paths, **changes: Any) -> None:
    status = {**read_status(paths), **changes}
    temporary = paths.data_dir / (STATUS_FILE + ".tmp")
    temporary.write_text(json.dumps(status, sort_keys=True), encoding="utf-8")
    temporary.replace(paths.data_dir / STATUS_FILE)


def _prune(folder: Path, keep_count: int) -> list[str]:
    """Keep the newest ``keep_count`` backups of ``folder``; returns the names removed."""
    before = {backup.path.name for backup in list_backups(folder)}
    migrate.prune_backups(folder, keep_count)
    removed = sorted(before - {backup.path.name for backup in list_backups(folder)})
    for name in removed:  # the WAL kept beside an unreadable database's safety copy
        (folder / f"{name}-wal").unlink(missing_ok=True)
    return removed


def _copy_to_second(path: Path, folder: Path | None, keep_count: int) -> tuple[Path | None, str]:
    """Copy ``path`` into the second folder; returns the copy, or why there is none."""
    if folder is None:
        return None, ""
    if not folder.is_dir():
        return None, f"the second folder {folder} is not there (a disk unplugged?)"
    target = folder / path.name
    partial = folder / (path.name + ".partial")
    try:
        shutil.copyfile(path, partial)
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
        _prune(folder, keep_count)
    except OSError as error:
        partial.unlink(missing_ok=True)
        return None, f"the copy to {folder} failed: {error.strerror or error}"
    return target, ""


def _name(reason: str) -> str:
    return f"baom-{utcnow().strftime(STAMP)}-{reason}.db"


def take_backup(context: OfficeContext, actor: ActorFor, reason: str = "manual") -> BackupReport:
    """Back the database up into ``backups/`` and the second folder, rotate both, record
    how it went in the status file and the audit trail. A missing second folder is
    reported, never a failure of the first copy."""
    paths = context.paths
    now = utcnow().isoformat()
    try:
        paths.backups_dir.mkdir(parents=True, exist_ok=True)
        path = paths.backups_dir / _name(reason)
        context.store.copy_to(path)
    except (OSError, StoreError, sqlcipher3.Error, SQLAlchemyError) as error:
        message = f"the backup failed: {getattr(error, 'strerror', None) or error}"
        _write_status(paths, last_failure=now, last_error=message)
        raise BackupError(message) from error
    keep_count = keep(paths)
    removed = _prune(paths.backups_dir, keep_count)
    second, second_error = _copy_to_second(path, second_folder(paths), keep_count)
    _write_status(
        paths,
        last_success=now,
        last_file=path.name,
        last_error=None,
        second_error=second_error or None,
    )
    note = f"; second folder: {'copied' if second else second_error or 'none'}"
    try:
        with context.store.unit_of_work(actor(context.office_id)) as uow:
            uow.audit("backup", detail=f"{reason}: {path.name}{note}"[:200])
    except SQLAlchemyError as error:
        raise BackupError(f"{path} was written, but not its audit entry: {error}") from error
    return BackupReport(path, second, second_error or None, removed)


def backup_problem(paths: Paths) -> dict[str, str] | None:
    """What a supervisor should hear about the backups (the desk's home page): the last one
    failed (``failed``, with when), or its copy to the second folder was not made
    (``second_folder``); ``None`` when all is well."""
    status = read_status(paths)
    if status.get("last_error"):
        return {"kind": "failed", "when": str(status.get("last_failure", ""))}
    if status.get("second_error"):
        return {"kind": "second_folder", "when": str(status.get("last_success", ""))}
    return None


def backup_due(context: OfficeContext, now: datetime | None = None) -> bool:
    """Whether today's backup is still to take: no copy in ``backups/`` from this office
    day."""
    today = office_day(now or datetime.now(UTC))
    return not any(
        office_day(backup.taken_at) == today for backup in list_backups(context.paths.backups_dir)
    )


DAILY_LOCK = "daily-backup.lock"


def daily_backup(context: OfficeContext) -> BackupReport | None:
    """Today's backup, if it was not taken yet (the windows call this now and then); one
    process at a time: windows opened by several processes of the PC take one, not each."""
    with (context.paths.data_dir / DAILY_LOCK).open("a+") as handle:
        try:
            lock(handle)
        except OSError:
            return None  # another process is taking it
        if not backup_due(context):
            return None
        return take_backup(context, Actor.system, "daily")


@dataclass(frozen=True)
class Verified:
    """A backup that opened with the key and passed the integrity check."""

    path: Path
    office_id: uuid.UUID
    office_name: str
    revision: str

    def as_json(self) -> dict[str, Any]:
        """As ``baom backup verify --json`` prints it."""
        return {
            "file": str(self.path),
            "ok": True,
            "office_id": str(self.office_id),
            "office_name": self.office_name,
            "revision": self.revision,
        }


def check_backup(path: Path, key: str, office_id: uuid.UUID | None) -> Verified:
    """Open ``path`` read-only with ``key``, run the integrity check, and check it is an
    office database of ``office_id`` (when known) at a schema this version can use."""
    connection = open_read_only(path, key)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}")
        try:
            row = connection.execute("SELECT id, name FROM office WHERE is_local = 1").fetchone()
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlcipher3.Error:
            row = revision = None
    except sqlcipher3.DatabaseError as error:
        raise BackupError(f"{path} is damaged: {error}") from error
    finally:
        connection.close()
    if row is None or revision is None:
        raise BackupError(f"{path} is not the database of a BAOM office")
    found = uuid.UUID(str(row[0]))
    if office_id is not None and found != office_id:
        raise BackupError(f"{path} is a backup of another office ({row[1]!r}), not of this one")
    if revision[0] > migrate.head_revision():
        raise BackupError(
            f"{path} was made by a newer version of BAOM Desk (schema {revision[0]}); "
            "update this one first"
        )
    return Verified(path, found, str(row[1]), str(revision[0]))


def verify_backup(paths: Paths, path: Path, actor: ActorFor) -> Verified:
    """Check the backup ``path`` (against this office's id when its database opens), and
    record the check in the audit trail."""
    key = existing_key(paths)
    with _office_if_readable(paths) as context:
        verified = check_backup(path, key, None if context is None else context.office_id)
        if context is not None:
            with context.store.unit_of_work(actor(context.office_id)) as uow:
                uow.audit("backup_verify", detail=f"{path.name}: ok"[:200])
    return verified


@contextmanager
def _office_if_readable(paths: Paths) -> Iterator[OfficeContext | None]:
    """The office opened, or ``None`` when its database is missing or cannot be read."""
    try:
        context = open_office(paths)
    except StoreError:
        yield None
        return
    try:
        yield context
    finally:
        context.close()


@dataclass(frozen=True)
class Restored:
    """A restore done: from which backup, and where the database as it was went."""

    source: Path
    safety_copy: Path | None

    def as_json(self) -> dict[str, Any]:
        """As ``baom backup restore --json`` prints it."""
        safety = None if self.safety_copy is None else str(self.safety_copy)
        return {"restored_from": str(self.source), "safety_copy": safety}


def _safety_copy(paths: Paths, context: OfficeContext | None, actor: ActorFor) -> Path | None:
    """The database as it is now, in ``backups/``: an online copy when it opens, else its
    files as they are (a damaged database is kept for whoever looks into it); ``None`` when
    there is no database yet (a new PC)."""
    if context is not None:
        return take_backup(context, actor, "before-restore").path
    if not paths.database.exists():
        return None
    paths.backups_dir.mkdir(parents=True, exist_ok=True)
    target = paths.backups_dir / _name("before-restore-unreadable")
    shutil.copyfile(paths.database, target)
    wal = paths.database.with_name(paths.database.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return target


def existing_key(paths: Paths) -> str:
    """The office's database key, never a new one: a backup is read with the key it was
    made with (on a new PC, the office's key file copied into the configuration folder)."""
    if not os.environ.get(KEY_ENVIRONMENT_VARIABLE) and not paths.key_file.exists():
        raise BackupError(
            f"there is no database key at {paths.key_file}: copy the office's key file "
            f"there (or set {KEY_ENVIRONMENT_VARIABLE}); a backup opens only with its key"
        )
    return load_key(paths.key_file, paths.database)


def restore_backup(paths: Paths, path: Path, actor: ActorFor) -> Restored:
    """Replace the office database with the backup ``path``: checked first, refused while
    windows or ``baom sync`` work on this PC, after a safety copy of the current database;
    then brought to this version's schema and the restore written to its audit trail."""
    key = existing_key(paths)
    path = path.absolute()
    if paths.database.exists() and path.exists() and path.samefile(paths.database):
        raise BackupError(f"{path} is the office database itself, not a backup of it")
    paths.ensure()
    incoming = paths.database.with_name(paths.database.name + ".restoring")
    with _office_if_readable(paths) as context:
        verified = check_backup(path, key, None if context is None else context.office_id)
        refuse_while_working(paths)
        # Copied before the safety copy, whose rotation may delete the oldest backup.
        shutil.copyfile(path, incoming)
        with incoming.open("rb+") as handle:
            os.fsync(handle.fileno())
        safety = _safety_copy(paths, context, actor)
    for suffix in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
    incoming.replace(paths.database)
    store = Store.open(paths.database, key)
    try:
        migrate.upgrade_if_behind(store, paths.backups_dir, keep(paths))
        with store.unit_of_work(actor(verified.office_id)) as uow:
            kept = "none" if safety is None else safety.name
            uow.audit("backup_restore", detail=f"from {path.name}; safety copy {kept}"[:200])
    finally:
        store.close()
    _write_status(paths, last_restore=utcnow().isoformat(), last_restore_from=path.name)
    return Restored(path, safety)


# -- who works on the office now ---------------------------------------------------------

RUNNING_DIR = "running"


@contextmanager
def working(paths: Paths, what: str) -> Iterator[None]:
    """Mark the office as worked on by this process (``what``: ``windows``, ``sync``) while
    the block runs: a lock file that a restore finds locked."""
    folder = paths.data_dir / RUNNING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{what}-{os.getpid()}.lock"
    handle = marker.open("a+")
    try:
        lock(handle)
        yield
    finally:
        handle.close()
        marker.unlink(missing_ok=True)


def refuse_while_working(paths: Paths) -> None:
    """:class:`BackupError` naming what still works on the office (markers left by a
    process that ended are removed)."""
    busy = []
    for marker in sorted((paths.data_dir / RUNNING_DIR).glob("*.lock")):
        with marker.open("a+") as handle:
            try:
                lock(handle)
            except OSError:
                busy.append(marker.stem.rsplit("-", 1)[0])
                continue
        marker.unlink(missing_ok=True)
    if busy:
        raise BackupError(
            f"the office is in use on this PC ({', '.join(sorted(set(busy)))}): close its "
            "windows and stop 'baom sync', then restore"
        )


def lock(handle: IO[str]) -> None:
    """Lock ``handle``'s file for this process, or :class:`OSError` when another holds it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
