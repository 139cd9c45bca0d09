"""Sync on a USB stick: pending envelopes out, the server's changes in (``bundle`` seals them).

Exporting changes nothing locally: the envelopes stay pending, and once the office is
online again the server answers ``duplicate`` for those it imported from the bundle.
Importing applies only the changes after the office's cursor, page by page like a pull,
so importing the same bundle twice applies nothing the second time.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from db.base import utcnow
from db.store import Store
from db.uow import Actor
from kiosk.sync.apply import apply_page
from kiosk.sync.push import pending_batches, wire_envelope
from kiosk.sync.rounds import NOT_ENROLLED
from kiosk.sync.state import read_state
from protocol import wire
from protocol.bundle import (
    ChangeBundle,
    EnvelopeBundle,
    open_changes,
    seal_envelopes,
)
from protocol.errors import BundleError


def _identity(store: Store) -> tuple[uuid.UUID, str, int]:
    state = read_state(store)
    if not state.token or state.remote_office_id is None:
        raise BundleError(NOT_ENROLLED)
    return state.remote_office_id, state.token, state.cursor


def export_bundle(store: Store, out: Path) -> dict[str, Any]:
    """Seal every pending envelope into ``out`` (which must not exist yet)."""
    remote_id, token, _ = _identity(store)
    if out.exists():
        raise BundleError(f"{out} exists already; not overwriting it")
    envelopes = [wire_envelope(row) for rows in pending_batches(store) for row in rows]
    bundle = EnvelopeBundle(office_id=remote_id, created_at=utcnow(), envelopes=envelopes)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_bytes(seal_envelopes(bundle, token))
    os.replace(partial, out)
    return {"envelopes": len(envelopes), "file": str(out)}


def import_bundle(store: Store, office_id: uuid.UUID, file: Path) -> dict[str, Any]:
    """Apply a change bundle made by ``baom-regional export-bundle`` for this office."""
    remote_id, token, cursor = _identity(store)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise BundleError(f"{file} cannot be read: {error.strerror}") from None
    bundle: ChangeBundle = open_changes(data, token)
    if bundle.office_id != remote_id:
        raise BundleError("This bundle is for another office.")
    if bundle.after > cursor:
        raise BundleError(
            f"This bundle starts after change {bundle.after}, but this office has changes "
            f"up to {cursor} only: ask the region for a bundle from {cursor}."
        )
    fresh = [change for change in bundle.changes if change.seq > cursor]
    actor = Actor.system(office_id)
    applied = conflicts = 0
    for start in range(0, len(fresh), wire.MAX_PULL_PAGE):
        chunk = fresh[start : start + wire.MAX_PULL_PAGE]
        last = start + wire.MAX_PULL_PAGE >= len(fresh)
        page_cursor = bundle.cursor if last else chunk[-1].seq
        page = wire.PullResponse(changes=chunk, cursor=page_cursor, more=not last)
        report = apply_page(store, actor, office_id, page)
        applied += report.applied
        conflicts += report.conflicts
    if not fresh and bundle.cursor > cursor:
        apply_page(
            store, actor, office_id, wire.PullResponse(changes=[], cursor=bundle.cursor, more=False)
        )
    return {
        "applied": applied,
        "conflicts": conflicts,
        "skipped": len(bundle.changes) - len(fresh),
        "cursor": max(cursor, bundle.cursor),
    }
