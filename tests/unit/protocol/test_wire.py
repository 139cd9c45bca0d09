"""The wire's envelope: a tombstone says so, any other envelope looks as it always did."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from protocol.wire import Envelope


def _envelope(**changes: object) -> Envelope:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "entity_type": "person",
        "entity_id": uuid.uuid4(),
        "operation": "delete",
        "base_version": 1,
        "version": 1,
        "content_hash": "0" * 64,
        "payload": "{}",
        "sealed": "AAAA",
        "created_at": datetime(2026, 12, 6, 10, 0),
    }
    return Envelope.model_validate({**values, **changes})


def test_only_a_tombstone_carries_erase_so_older_servers_take_the_rest() -> None:
    plain = json.loads(_envelope().model_dump_json())
    assert "erase" not in plain
    tombstone = _envelope(erase=True)
    assert json.loads(tombstone.model_dump_json())["erase"] is True
    assert Envelope.model_validate_json(tombstone.model_dump_json()).erase is True
