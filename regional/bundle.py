"""USB bundles on the server side: import an office's envelopes, export its changes.

The format (shared with the office through ``kiosk.sync.bundle``) is described in
``docs/sync.md``. An import goes through the same push logic as ``POST /api/v1/push``, so
importing a bundle twice, or pushing its envelopes afterwards, stores nothing twice.

Bundles are sealed with the office's bundle secret, which the server keeps encrypted under
its key file (:mod:`regional.bundle_keys`): without that file, or before the server has
seen the office's token once, both commands are refused with a
:class:`~regional.bundle_keys.BundleSecretError`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from kiosk.sync.bundle import (
    ChangeBundle,
    open_envelopes,
    peek,
    seal_changes,
)
from kiosk.sync.errors import BundleError
from kiosk.sync.wire import MAX_PULL_PAGE, MAX_PUSH_BATCH, PushResult, ServerChange
from regional import changes
from regional.bundle_keys import KeyFile, secret_for
from regional.clock import Clock
from regional.offices import OfficeError, get_office
from regional.payloads import MAX_INT
from regional.push import push


def _secret(
    factory: sessionmaker[Session], keys: KeyFile, office_id: uuid.UUID
) -> tuple[bytes, str]:
    """The office's bundle secret, and its token's hash: the PC its bundles come from."""
    with factory() as session:
        office = get_office(session, office_id)
        if office.revoked_at is not None:
            raise OfficeError("office_revoked", "This office's access has been revoked.")
        if office.token_hash is None:
            raise OfficeError("not_enrolled", "This office has not enrolled yet.")
        return secret_for(office, keys), office.token_hash


def import_bundle(
    factory: sessionmaker[Session], keys: KeyFile, data: bytes, clock: Clock
) -> tuple[uuid.UUID, list[PushResult]]:
    """Verify, decrypt and push an office's envelope bundle; returns the office and verdicts."""
    kind, office_id = peek(data)
    if kind != "envelopes":
        raise BundleError(f"This bundle holds {kind}, not envelopes.")
    secret, origin = _secret(factory, keys, office_id)
    bundle = open_envelopes(data, secret)
    results: list[PushResult] = []
    for start in range(0, len(bundle.envelopes), MAX_PUSH_BATCH):
        batch = bundle.envelopes[start : start + MAX_PUSH_BATCH]
        results.extend(push(factory, office_id, batch, clock, origin))
    return office_id, results


def summary(results: list[PushResult]) -> dict[str, int]:
    """How many envelopes got each verdict."""
    counts = Counter(str(result.verdict) for result in results)
    return {
        verdict: counts.get(verdict, 0)
        for verdict in ("accepted", "duplicate", "invalid", "conflict")
    }


def export_bundle(
    factory: sessionmaker[Session], keys: KeyFile, office_id: uuid.UUID, after: int, clock: Clock
) -> bytes:
    """Every change for ``office_id`` after ``after``, sealed for that office."""
    if not 0 <= after <= MAX_INT:
        raise BundleError(f"The cursor must be between 0 and {MAX_INT}.")
    secret, origin = _secret(factory, keys, office_id)
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
