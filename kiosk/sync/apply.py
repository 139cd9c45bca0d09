"""Applying what the regional server sends: one pulled page in one transaction.

A page's changes and the new cursor are committed together, so an interrupted pull
resumes after the last page applied. Changes from the server are written through a unit
of work ``from_server``: their audit entry says ``sync_pull``, and their envelope (marked
``from_region``) only refreshes the office's sealed copy at the region.

- ``directory_<table>``: the HSDS row is upserted (a tombstone deletes it), and the
  search documents of the services it touches are rebuilt (``kiosk.directory.index``).
- ``referral_outcome``: ``kiosk.cases.referrals.record_outcome``.
- ``setting`` (payload ``{"key", "value"}``) and ``user_account`` (the account's columns):
  upserted into the office's own table.

A change for a local row that has unsynced changes (a pending envelope for it) is never
applied: it becomes a ``sync_conflict`` (reason ``local_changes``) for a supervisor. When
another PC of the office changed a record to the same version as this one, both PCs keep
the same one (:func:`wins`); a local version replaced so becomes a ``sync_conflict``
(reason ``concurrent_edit``, its values in the payload) for a supervisor to see. A
change that cannot be applied (unknown type, invalid value, a reference that does not
hold) becomes one too (reason ``not_applicable``), and the rest of the page goes on.
A supervisor may apply such a change later (``kiosk.sync.review``): :func:`apply_change`
runs it through the same code as the pull.

An ``office_record`` with ``erase`` is a tombstone: another PC erased the record
(``kiosk.erasure``). It is written whatever this PC's version and unsynced changes, and
then :func:`kiosk.erasure.clear_leftovers` destroys what this PC holds of it, as on the
erasing PC (see :meth:`_Page._leftovers`); the WAL is emptied after the page's commit.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Date, Row, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session

from db.audit_chain import link
from db.base import Base, json_value, utcnow
from db.cases import Case, Intake, Person, Referral, Visit
from db.models import EnvelopeStatus, OutboxEnvelope, Setting, UserAccount
from db.office_key import read_recovery_key
from db.store import Store
from db.sync import SyncConflict
from db.uow import Actor, UnitOfWork
from kiosk.cases.persons import index_persons
from kiosk.erasure import clear_leftovers
from kiosk.settings import Scope, lookup
from kiosk.settings import Setting as RegisteredSetting
from kiosk.sync.directory import PREFIX, DirectoryChanges, NotApplicable, column_value
from kiosk.sync.state import state_of
from protocol import wire
from protocol.privacy import SealError, data_key, inventory, json_text, open_sealed

_ACCOUNT_COLUMNS = frozenset({"name", "disabled"})
"""What the region may change of an office account: a role or a password never comes
from the region (``docs/security.md``)."""


LOCAL_CHANGES = "the local record has unsynced changes"
CONCURRENT_EDIT = (
    "another PC of the office changed this record at the same time; its version was kept "
    "(the later one wins), and the values this PC had are in the payload"
)
OFFICE_RECORD = "office_record"
"""A record of this office sealed by another of its PCs (``regional.changes``)."""
PER_PC_RECORDS = frozenset({"ticket", "queue_event"})
"""Records that stay on the PC that made them (its own queue), except in a restore."""
APPLIED_BY_THE_OLD_PC = frozenset({"setting", "user_account", "referral_outcome"})


class OfficeRecord(wire.WireModel):
    """The payload of an ``office_record`` change: which record, and its sealed copy."""

    entity_type: str
    entity_id: str
    operation: str
    version: int
    sealed: str
    erase: bool = False


def _order(record: dict[str, Any]) -> tuple[str, str]:
    """What decides between two versions of a record: its last change, then its content."""
    return str(record.get("updated_at") or ""), hashlib.sha256(
        json_text(record).encode()
    ).hexdigest()


def wins(theirs: dict[str, Any], mine: dict[str, Any]) -> bool:
    """Whether another PC's version of a record beats this PC's one of the same number: the
    later change, then the larger content hash, so that every PC keeps the same one."""
    return _order(theirs) > _order(mine)


class LocalChangesPending(Exception):
    """The office record a change would write has changes not yet sent to the region."""


@dataclass
class PageReport:
    """What applying one page did."""

    applied: int = 0
    conflicts: int = 0
    erased: int = 0
    """Tombstones applied (:func:`apply_page` then empties the WAL after its commit)."""


def _setting_value(setting: RegisteredSetting, value: Any) -> bool | int | str:
    """A pulled setting value, typed: a JSON value, or JSON text (``"9"``) for one."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            pass
        if isinstance(value, str) and setting.type is not str:
            return setting.parse(value)
    return setting.validate(value)


def _record_value(column: Any, value: Any) -> Any:
    """A sealed record's JSON value as its column stores it: a day (``Date``) is ISO text."""
    if isinstance(column.type, Date) and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise NotApplicable(f"{column.name}: {value!r} is not a date") from None
    return column_value(column, value)


class _Page:
    """Applies the changes of one page inside one unit of work."""

    def __init__(
        self,
        uow: UnitOfWork,
        office_id: uuid.UUID,
        restoring: bool = False,
        joining: bool = False,
    ) -> None:
        self.uow = uow
        self.restoring = restoring
        self.takes_queue = restoring and not joining
        """Whether the other PC's tickets and queue events are written here: only when this
        PC replaces it; a PC that joins others keeps its own queue."""
        self._data_key: bytes | None = None
        self.session: Session = uow.session
        self.office_id = office_id
        self.report = PageReport()
        self.directory = DirectoryChanges()
        self.directory_sources: dict[tuple[str, str], wire.ServerChange] = {}
        self._open: dict[tuple[str, str], list[SyncConflict]] | None = None

    def run(self, changes: list[wire.ServerChange]) -> None:
        """Apply each change, or set it aside as a conflict; then write the directory."""
        pending = self._pending_entities(changes)
        if self.restoring:
            changes = self._restore_records(changes, pending)
        for change in changes:
            if self.restoring and change.entity_type in APPLIED_BY_THE_OLD_PC:
                continue
            target = self._local_entity(change)
            if target is not None and target in pending and not _tombstone(change):
                self._conflict(change, "local_changes", LOCAL_CHANGES)
                continue
            reason = self.attempt(change)
            if reason is None:
                self.report.applied += 1
                self.supersede(change)
            else:
                self._conflict(change, "not_applicable", reason)
        self.finish()

    def attempt(self, change: wire.ServerChange) -> str | None:
        """Apply one change: None when it applied, else why it cannot be applied."""
        try:
            self._apply(change)
        except SealError:
            if self.restoring:
                raise  # a wrong recovery key: nothing of the restore is kept
            return "the sealed copy does not open with this office's key"
        except (NotApplicable, ValueError, TypeError, KeyError, IntegrityError) as error:
            return str(error)[:2000]
        except OperationalError:
            raise  # the database (busy, full), not the change: the whole page is tried again
        except StatementError as error:
            return str(error.orig)[:2000]
        return None

    def finish(self, record_warnings: bool = True) -> list[str]:
        """Write the gathered directory rows; returns the references that had to be emptied
        (each also set aside as a ``reference_emptied`` conflict, unless told not to)."""
        self.session.flush()
        self.directory.write(self.session)
        warnings = []
        for table, row_id, warning in self.directory.warnings:
            warnings.append(warning)
            if record_warnings:
                source = self.directory_sources[(f"{PREFIX}{table}", str(row_id))]
                self._conflict(source, "reference_emptied", warning, count=False)
        return warnings

    def has_local_changes(self, change: wire.ServerChange) -> bool:
        """Whether the office record the change would write has pending envelopes."""
        target = self._local_entity(change)
        return target is not None and target in self._pending_entities([change])

    def _pending_entities(self, changes: list[wire.ServerChange]) -> set[uuid.UUID]:
        targets = {
            target for change in changes if (target := self._local_entity(change)) is not None
        }
        if not targets:
            return set()
        found = self.session.scalars(
            select(OutboxEnvelope.entity_id).where(
                OutboxEnvelope.status == EnvelopeStatus.PENDING,
                OutboxEnvelope.from_region.is_(False),
                OutboxEnvelope.entity_id.in_(list(targets)),
            )
        )
        return set(found)

    def _local_entity(self, change: wire.ServerChange) -> uuid.UUID | None:
        """The id of the office record a change would write (None: not an office record)."""
        try:
            if change.entity_type == "setting":
                key = (change.payload or {}).get("key")
                if key is None:
                    return None
                return self.session.scalar(select(Setting.id).where(Setting.key == str(key)))
            if change.entity_type == "referral_outcome" and change.payload is not None:
                return uuid.UUID(str(change.payload.get("referral_id")))
            if change.entity_type in ("user_account", OFFICE_RECORD):
                return uuid.UUID(change.entity_id)
        except ValueError:
            return None
        return None

    def _conflict(
        self, change: wire.ServerChange, reason: str, detail: str, count: bool = True
    ) -> None:
        self.report.conflicts += count
        self.supersede(change)
        payload = "" if change.payload is None else json.dumps(change.payload, ensure_ascii=False)
        row = SyncConflict(
            seq=change.seq,
            entity_type=change.entity_type,
            entity_id=change.entity_id,
            operation=change.operation,
            payload=payload,
            reason=reason,
            detail=detail,
            resolved=False,
        )
        self.session.add(row)
        # a later change of the same record in this page closes it too
        self._open_conflicts().setdefault((row.entity_type, row.entity_id), []).append(row)

    def _open_conflicts(self) -> dict[tuple[str, str], list[SyncConflict]]:
        """The open conflicts by record, read once, then kept up to date by this page."""
        if self._open is None:
            self._open = {}
            for row in self.session.scalars(
                select(SyncConflict).where(SyncConflict.resolved.is_(False))
            ):
                self._open.setdefault((row.entity_type, row.entity_id), []).append(row)
        return self._open

    def supersede(self, change: wire.ServerChange) -> None:
        """Close the open conflicts of the same record that ``change`` comes after.

        Applying one of them later would put back an older version of the record: a newer
        change was applied, or set aside for review in their place.
        """
        for row in self._open_conflicts().get((change.entity_type, change.entity_id), []):
            if not row.resolved and row.seq < change.seq:
                row.resolved = True
                row.resolution = "superseded"
                row.resolved_at = utcnow()
                row.note = f"change {change.seq} of the region came after it"

    def _apply(self, change: wire.ServerChange) -> None:
        kind = change.entity_type
        if kind.startswith(PREFIX):
            self._directory(change)
        elif kind == "setting":
            self._setting(change)
        elif kind == "user_account":
            self._account(change)
        elif kind == "referral_outcome":
            self._referral_outcome(change)
        elif kind == OFFICE_RECORD:
            self._office_record(change)
        else:
            raise NotApplicable(f"this office does not know changes of type {kind!r}")

    def _directory(self, change: wire.ServerChange) -> None:
        self.directory.add(change.entity_type, change.entity_id, change.operation, change.payload)
        self.directory_sources[(change.entity_type, str(uuid.UUID(change.entity_id)))] = change

    def _setting(self, change: wire.ServerChange) -> None:
        payload = change.payload or {}
        key = str(payload.get("key", ""))
        row = self.session.scalar(select(Setting).where(Setting.key == key)) if key else None
        if change.operation == "delete":
            if row is not None:
                self.uow.delete(row)
            return
        setting = lookup(key)  # SettingError (a ValueError) for an unknown key
        if setting.scope is not Scope.OFFICE:
            raise NotApplicable(f"{key} is a setting of each machine, not of the office")
        text = json.dumps(_setting_value(setting, payload.get("value")))
        if row is None:
            self.uow.add(Setting(office_id=self.office_id, key=key, value=text))
        elif row.value != text:
            row.value = text

    def _account(self, change: wire.ServerChange) -> None:
        account_id = uuid.UUID(change.entity_id)
        account = self.session.get(UserAccount, account_id)
        if change.operation == "delete":
            if account is not None:
                account.disabled = True  # its audit entries keep pointing at it
            return
        payload = change.payload or {}
        refused = sorted(set(payload) - _ACCOUNT_COLUMNS - {"id"})
        if refused:
            raise NotApplicable(
                f"the region may only disable, enable or rename an account, not change its "
                f"{', '.join(refused)}"
            )
        if account is None:
            raise NotApplicable("this office has no such account")
        columns = UserAccount.__table__.columns
        values = {key: column_value(columns[key], payload[key]) for key in payload if key != "id"}
        name = values.get("name")
        if name is not None:
            holder = self.session.scalar(select(UserAccount.id).where(UserAccount.name == name))
            if holder is not None and holder != account_id:
                raise NotApplicable(f"another account of this office is named {name!r}")
        for key, value in values.items():
            if getattr(account, key) != value:
                setattr(account, key, value)

    def _office_record(self, change: wire.ServerChange) -> None:
        """One of the office's own records, sealed by another PC of the office (or by the
        PC this one replaces): written as it was there, version and times included."""
        sealed = OfficeRecord.model_validate(change.payload or {})
        entry = inventory().records.get(sealed.entity_type)
        table = Base.metadata.tables.get(sealed.entity_type)
        if entry is None or entry.leaves_office != "sealed" or table is None:
            raise NotApplicable(f"this office keeps no records of type {sealed.entity_type!r}")
        if sealed.entity_type in PER_PC_RECORDS and not self.takes_queue:
            return  # each PC keeps its own queue
        record_id = uuid.UUID(sealed.entity_id)
        whole = open_sealed(
            self.data_key(), sealed.entity_type, record_id, sealed.version, sealed.sealed
        )
        with self.session.begin_nested():
            leftovers = self._leftovers(table, record_id) if sealed.erase else None
            self._write_records({(sealed.entity_type, record_id): (sealed, whole)})
            if leftovers is not None:
                clear_leftovers(self.uow, [record_id], *leftovers)
                self.report.erased += 1
                for kind in (OFFICE_RECORD, sealed.entity_type):
                    self._open_conflicts().pop((kind, sealed.entity_id), None)

    def _leftovers(
        self, table: Table, record_id: uuid.UUID
    ) -> tuple[list[uuid.UUID], set[uuid.UUID], list[str]]:
        """What identifies this PC's local rows about a tombstoned record, read before it is
        written: a person's id (their search keys and drafts) and, through their cases, the
        tickets of their intakes and visits (the drafts of those tickets) and the codes of
        their referrals (the print jobs of the slips); an intake's or a visit's ticket; a
        referral's code. A person's cases and referrals may be kept (anonymous facts) and
        then send no tombstone of their own."""
        found = self.session.execute(select(table).where(table.c.id == record_id)).first()
        if found is None:
            return [], set(), []
        row = found._mapping
        if table.name == "person":
            cases = select(Case.id).where(Case.person_id == record_id).scalar_subquery()
            tickets = {
                ticket
                for kind in (Intake, Visit)
                for ticket in self.session.scalars(
                    select(kind.ticket_id).where(kind.case_id.in_(cases))
                )
                if ticket is not None
            }
            codes = self.session.scalars(select(Referral.code).where(Referral.case_id.in_(cases)))
            return [record_id], tickets, list(codes)
        if table.name in ("intake", "visit"):
            return [], {row["ticket_id"]} - {None}, []
        if table.name == "referral":
            return [], set(), [row["code"]]
        return [], set(), []

    def _restore_records(
        self, changes: list[wire.ServerChange], pending: set[uuid.UUID]
    ) -> list[wire.ServerChange]:
        """A restore's office records written many at a time (a page holds a thousand),
        each as :meth:`_office_record` would; returns the changes left for the usual way.

        Within the page only the newest version of each record counts (a delete beats an
        upsert of its version). When anything cannot be written so (a value, a constraint)
        nothing of it is kept and the whole page goes the usual way, one change at a time.
        """
        rest: list[wire.ServerChange] = []
        taken: list[wire.ServerChange] = []
        newest: dict[tuple[str, uuid.UUID], tuple[OfficeRecord, dict[str, Any]]] = {}
        for change in changes:
            try:
                if change.entity_type != OFFICE_RECORD or self._local_entity(change) in pending:
                    raise NotApplicable(change.entity_type)
                sealed = OfficeRecord.model_validate(change.payload or {})
                record_id = uuid.UUID(sealed.entity_id)
                entry = inventory().records.get(sealed.entity_type)
                if entry is None or entry.leaves_office != "sealed":
                    raise NotApplicable(sealed.entity_type)
                if sealed.entity_type in PER_PC_RECORDS and not self.takes_queue:
                    raise NotApplicable(sealed.entity_type)  # left out the usual way
            except (NotApplicable, ValueError):
                rest.append(change)
                continue
            whole = open_sealed(
                self.data_key(), sealed.entity_type, record_id, sealed.version, sealed.sealed
            )
            key = (sealed.entity_type, record_id)
            known = newest.get(key)
            if (
                known is None
                or sealed.version > known[0].version
                or (sealed.operation == "delete" and sealed.version >= known[0].version)
                or (
                    sealed.version == known[0].version
                    and known[0].operation != "delete"
                    and wins(whole, known[1])
                )
            ):
                newest.pop(key, None)  # written where its newest version came in the page
                newest[key] = (sealed, whole)
            taken.append(change)
        if not taken:
            return rest
        try:
            with self.session.begin_nested():
                self._write_records(newest)
        except (NotApplicable, ValueError, TypeError, KeyError, IntegrityError, StatementError):
            return changes  # the usual way tells which change cannot be applied, and why
        self.report.applied += len(taken)
        for change in taken:
            self.supersede(change)
        return rest

    def _write_records(
        self, newest: dict[tuple[str, uuid.UUID], tuple[OfficeRecord, dict[str, Any]]]
    ) -> None:
        """Write each record unless this PC has it already, or a newer version, or its own
        version of the same number wins (:meth:`_replaces`): table by table, parents first,
        and the deleted records at the end, children first; then the search keys of the
        persons written."""
        by_table: dict[str, dict[uuid.UUID, tuple[OfficeRecord, dict[str, Any]]]] = {}
        for (entity_type, record_id), found in newest.items():
            by_table.setdefault(entity_type, {})[record_id] = found
        persons: list[uuid.UUID] = []
        deleted: list[tuple[Table, uuid.UUID]] = []
        for table in Base.metadata.sorted_tables:
            records = by_table.get(table.name)
            if not records:
                continue
            ids = list(records)
            local: dict[uuid.UUID, Row[Any]] = {}
            for start in range(0, len(ids), 500):
                rows = self.session.execute(
                    select(table).where(table.c.id.in_(ids[start : start + 500]))
                )
                local.update({row.id: row for row in rows})
            inserts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for record_id, (sealed, whole) in records.items():
                mine = local.get(record_id)
                version = None if mine is None else mine.version
                if sealed.operation == "delete":
                    if version is not None and (sealed.erase or version <= sealed.version):
                        deleted.append((table, record_id))
                    continue
                if (
                    mine is not None
                    and not sealed.erase
                    and not self._replaces(table, mine, sealed.version, whole)
                ):
                    continue  # a tombstone replaces this PC's version, whatever its number
                values = {
                    column.name: _record_value(column, whole[column.name])
                    for column in table.columns
                    if column.name in whole
                }
                if version is None:
                    inserts.setdefault(tuple(sorted(values)), []).append(values)
                else:
                    self.session.execute(
                        update(table).where(table.c.id == record_id).values(values)
                    )
                if table.name == "person":
                    persons.append(record_id)
            for batch in inserts.values():
                if table.name == "audit_entry":  # another PC's entries join this PC's chain
                    batch.sort(key=lambda row: (row["at"], str(row["id"])))
                    link(self.session.connection(), batch)
                self.session.execute(insert(table), batch)
        for table, record_id in reversed(deleted):
            self.session.execute(delete(table).where(table.c.id == record_id))
        for start in range(0, len(persons), 500):
            chunk = persons[start : start + 500]
            written = self.session.scalars(select(Person).where(Person.id.in_(chunk))).all()
            index_persons(self.session, written)

    def _replaces(self, table: Table, found: Row[Any], version: int, whole: dict[str, Any]) -> bool:
        """Whether a record sealed elsewhere at ``version`` replaces this PC's one: a newer
        version does; one of the same number does when it :func:`wins`, and then (but in a
        restore) the values it replaces are set aside as a ``concurrent_edit`` conflict."""
        if version != int(found.version):
            return version > int(found.version)
        mine = {name: json_value(value) for name, value in found._mapping.items() if name in whole}
        if not wins(whole, mine):
            return False
        if not self.restoring:
            self.report.conflicts += 1
            self.session.add(
                SyncConflict(
                    entity_type=table.name,
                    entity_id=str(found.id),
                    operation="upsert",
                    payload=json_text(mine),
                    reason="concurrent_edit",
                    detail=CONCURRENT_EDIT,
                    resolved=False,
                )
            )
        return True

    def data_key(self) -> bytes:
        """The office data key that opens its sealed records."""
        if self._data_key is None:
            stored = read_recovery_key(self.session)
            if stored is None:
                raise NotApplicable("this office has no recovery key")
            self._data_key = data_key(stored)
        return self._data_key

    def _referral_outcome(self, change: wire.ServerChange) -> None:
        from kiosk.cases.referrals import ReferralError, record_outcome

        if change.operation == "delete":
            return  # an outcome is never taken back
        try:
            outcome = wire.ReferralOutcome.model_validate(change.payload or {})
        except ValidationError as error:
            raise NotApplicable(f"invalid outcome: {error.errors()[0]['msg']}") from None
        try:
            record_outcome(self.uow, outcome)
        except ReferralError as error:
            raise NotApplicable(str(error)) from None


def apply_page(
    store: Store,
    actor: Actor,
    office_id: uuid.UUID,
    page: wire.PullResponse,
    restoring: bool = False,
    joining: bool = False,
) -> PageReport:
    """Apply one pulled page and store its cursor, in one transaction.

    ``restoring`` (``kiosk.restore``): a new PC rebuilding the office from its sealed
    records; the changes the region made for the office (settings, accounts, partners'
    outcomes) are not applied again, since the records hold their effects already.
    ``joining``: the new PC joins the office's other PCs, whose queues stay theirs.
    """
    with UnitOfWork(store, actor, from_server=True) as uow:
        applying = _Page(uow, office_id, restoring, joining)
        applying.run(page.changes)
        state = state_of(uow.session)
        state.cursor = max(state.cursor, page.cursor)
        if not restoring and (applying.report.applied or applying.report.conflicts):
            # a restore writes the office back as it was: its one audit entry says so
            uow.audit("sync_pull", detail=f"cursor {page.cursor}: {len(page.changes)} changes")
    if applying.report.erased:
        store.checkpoint()  # no earlier version of an erased record stays in the WAL
    return applying.report


def _tombstone(change: wire.ServerChange) -> bool:
    """Whether ``change`` gives back a record erased by another PC of the office."""
    return change.entity_type == OFFICE_RECORD and (change.payload or {}).get("erase") is True


def apply_change(
    uow: UnitOfWork, office_id: uuid.UUID, change: wire.ServerChange, *, emptied_ok: bool = True
) -> PageReport:
    """Apply one change set aside earlier, now, exactly as a pull would (in ``uow``).

    Raises :class:`LocalChangesPending` while the office record has unsynced changes, and
    :class:`~kiosk.sync.directory.NotApplicable` when the change still cannot be applied,
    or (``emptied_ok`` false) when it would again empty a reference; a reference emptied
    otherwise is set aside as a ``reference_emptied`` conflict, as a pull does.
    """
    applying = _Page(uow, office_id)
    if applying.has_local_changes(change):
        raise LocalChangesPending(LOCAL_CHANGES)
    reason = applying.attempt(change)
    if reason is not None:
        raise NotApplicable(reason)
    warnings = applying.finish(record_warnings=emptied_ok)
    if warnings and not emptied_ok:
        raise NotApplicable("; ".join(warnings)[:2000])
    applying.supersede(change)
    applying.report.applied += 1
    return applying.report
