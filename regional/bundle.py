"""USB bundles on the server side: import an office's envelopes, export its changes.

The format (shared with the office through ``protocol.bundle``) is described in
``docs/sync.md``. An import goes through the same push logic as ``POST /api/v1/push``, so
importing a bundle twice, or pushing its envelopes afterwards, stores nothing twice.

Bundles are sealed with the bundle secret of one PC of the office (an ``office_machine``),
which the server keeps encrypted under its key file (:mod:`regional.bundle_keys`): without
that file, or before the server has seen the PC's token once, both commands are refused
with a :class:`~regional.bundle_keys.BundleSecretError`. An envelope bundle may come from
any live PC of the office (the secret that opens it tells which); a change bundle is sealed
for the most recently enrolled one unless another is named.
"""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from protocol.bundle import (
    ChangeBundle,
    open_envelopes,
    peek,
    seal_changes,
)
from protocol.errors import BundleError
from protocol.wire import MAX_PULL_PAGE, MAX_PUSH_BATCH, PushResult, ServerChange
from regional import changes
from regional.bundle_keys import KeyFile, secret_for
from regional.clock import Clock
from regional.models import OfficeMachine
from regional.offices import OfficeError, get_office, live_machines
from regional.payloads import MAX_INT
from regional.push import push


def _machines(factory: sessionmaker[Session], office_id: uuid.UUID) -> list[OfficeMachine]:
    """The office's live machines, the most recently enrolled first (refused if none)."""
    with factory() as session:
        office = get_office(session, office_id)
        if office.revoked_at is not None:
            raise OfficeError("office_revoked", "This office's access has been revoked.")
        machines = live_machines(session, office_id)
    if not machines:
        raise OfficeError("not_enrolled", "This office has not enrolled yet.")
    return machines


def import_bundle(
    factory: sessionmaker[Session], keys: KeyFile, data: bytes, clock: Clock
) -> tuple[uuid.UUID, list[PushResult]]:
    """Verify, decrypt and push an office's envelope bundle; returns the office and verdicts.

    The bundle is opened with each live machine's secret in turn; its envelopes are pushed
    as that machine's (its token hash is their ``origin``).
    """
    kind, office_id = peek(data)
    if kind != "envelopes":
        raise BundleError(f"This bundle holds {kind}, not envelopes.")
    refusals: list[BundleError] = []
    for machine in _machines(factory, office_id):
        try:
            bundle = open_envelopes(data, secret_for(machine, keys))
        except BundleError as refusal:
            refusals.append(refusal)
            continue
        results: list[PushResult] = []
        for start in range(0, len(bundle.envelopes), MAX_PUSH_BATCH):
            batch = bundle.envelopes[start : start + MAX_PUSH_BATCH]
            results.extend(push(factory, office_id, batch, clock, machine.token_hash))
        return office_id, results
    raise refusals[0]


def summary(results: list[PushResult]) -> dict[str, int]:
    """How many envelopes got each verdict."""
    counts = Counter(str(result.verdict) for result in results)
    return {
        verdict: counts.get(verdict, 0)
        for verdict in ("accepted", "duplicate", "invalid", "conflict")
    }


def export_bundle(
    factory: sessionmaker[Session],
    keys: KeyFile,
    office_id: uuid.UUID,
    after: int,
    clock: Clock,
    machine_id: uuid.UUID | None = None,
) -> bytes:
    """Every change for ``office_id`` after ``after`` that its machine ``machine_id`` (by
    default the most recently enrolled) gets, sealed for that machine."""
    if not 0 <= after <= MAX_INT:
        raise BundleError(f"The cursor must be between 0 and {MAX_INT}.")
    machines = _machines(factory, office_id)
    chosen = next((found for found in machines if found.id == machine_id), None)
    if machine_id is None:
        chosen = machines[0]
    elif chosen is None:
        raise OfficeError(
            "unknown_machine", f"Office {office_id} has no live machine {machine_id}."
        )
    secret, origin = secret_for(chosen, keys), chosen.token_hash
    collected: list[ServerChange] = []
    cursor = after
    with factory() as session:
        while True:
            page = changes.pull(session, office_id, cursor, MAX_PULL_PAGE, origin)
            collected.extend(page.changes)
            cursor = page.cursor
            if not page.more:
                break
    bundle = ChangeBundle(
        office_id=office_id, created_at=clock(), after=after, cursor=cursor, changes=collected
    )
    return seal_changes(bundle, secret)


def write_bundle(path: Path, data: bytes) -> None:
    """Write a bundle file (to a temporary name first, so a pulled stick holds no half file)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
