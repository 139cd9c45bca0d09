"""Restoring an office from the region: a lost PC's database rebuilt from its sealed copy.

The region holds every record of the office sealed under the office data key, which derives
from the recovery key printed on the office's recovery sheet (``protocol.privacy``,
``kiosk.recovery``). On a new PC, with an enrolment code from the region and the sheet's
words, :func:`restore_office` makes an empty database, enrols, pulls every change from the
start of the region's sequence and writes each sealed record back as it was (version and
times included); then the PC syncs as usual. A wrong key, a dead network or an empty copy
leaves no database behind.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import update

from db.office_key import KEY_ID, OfficeKey
from db.store import StoreError
from db.uow import Actor
from kiosk.office import local_office, open_store
from kiosk.paths import Paths
from kiosk.sync.client import RegionalClient
from kiosk.sync.rounds import enrol, pull
from kiosk.sync.state import read_state
from protocol.privacy import SealError


class RestoreError(StoreError):
    """The office could not be restored; nothing was kept. The message says why."""


@dataclass(frozen=True)
class Restored:
    """What a restore rebuilt."""

    office_id: uuid.UUID
    office_name: str
    records: int
    cursor: int

    def as_json(self) -> dict[str, Any]:
        """For ``baom office restore --json``."""
        return {
            "office_id": str(self.office_id),
            "office_name": self.office_name,
            "records": self.records,
            "cursor": self.cursor,
        }


def _remove_new_files(paths: Paths, key_existed: bool) -> None:
    for path in (
        paths.database,
        paths.database.with_name(paths.database.name + "-wal"),
        paths.database.with_name(paths.database.name + "-shm"),
    ):
        path.unlink(missing_ok=True)
    if not key_existed:
        paths.key_file.unlink(missing_ok=True)


def restore_office(
    paths: Paths,
    server_url: str,
    code: str,
    recovery_key: bytes,
    transport: httpx.BaseTransport | None = None,
) -> Restored:
    """Rebuild this PC's office database from the region (see the module's docstring)."""
    if paths.database.exists():
        raise RestoreError(
            f"there is already an office database in {paths.data_dir}: "
            "restore into an empty data folder"
        )
    key_existed = paths.key_file.exists()
    store, _ = open_store(paths, create=True)
    restored = False
    try:
        with store.session() as session:
            session.execute(
                update(OfficeKey).where(OfficeKey.id == KEY_ID).values(recovery_key=recovery_key)
            )
            session.commit()
        answer = enrol(store, None, server_url, code, transport)
        placeholder = uuid.uuid4()  # the office's own id comes back with its records
        state = read_state(store)
        with RegionalClient(state.server_url, state.token, transport) as client:
            system = Actor.system(placeholder)
            report = pull(store, system, placeholder, client, 0, True, answer.joins)
        office = local_office(store)
        if office is None:
            raise RestoreError(
                f"the region holds no sealed copy of the office {answer.name!r} yet: "
                "nothing was restored"
            )
        with store.unit_of_work(Actor.system(office.id)) as uow:
            uow.audit("office_restore", detail=f"from {state.server_url}, cursor {report.cursor}")
        restored = True
        return Restored(office.id, office.name, report.applied, report.cursor)
    except SealError:
        raise RestoreError(
            "the recovery key does not open this office's sealed copy: check the words on "
            "the recovery sheet (and that the code is for this office); nothing was kept"
        ) from None
    finally:
        store.close()
        if not restored:
            _remove_new_files(paths, key_existed)
