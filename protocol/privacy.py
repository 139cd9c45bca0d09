"""What leaves the office: the data inventory, the office data key, sealed records, and the
content hash of an envelope; the office writes them, the region checks them.

Every synced record leaves the office as two parts (``docs/security.md``, "What the region
holds"):

- its **clear part**: only the fields the inventory (``resources/privacy/inventory.yaml``)
  marks ``region: clear`` — the record's id, office and version, and for a few kinds what
  the region needs (a referral's service and state for the partner page, an account's
  name to disable it, the office's name, a statistics record's de-identified dimensions);
- its **sealed copy**: the whole record, encrypted with AES-256-GCM under the office data
  key, which the region never holds. The key is derived from the office's recovery key
  (``db.office_key``, printed on the recovery sheet), so the office, and only the office,
  can get its records back from the region (``kiosk.restore``).

YAML and the ciphers are imported by the functions that use them: the office's start-up
imports this module (through the unit of work) but reads the inventory and seals a record
only at its first write.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

RECOVERY_KEY_BYTES = 16
"""128 bits: 12 words on the recovery sheet (``kiosk.recovery``)."""
_DATA_KEY_INFO = b"baom office data key v1"
_NONCE_BYTES = 12


class SealError(Exception):
    """A sealed copy cannot be opened: another office's key, a wrong recovery key, or damage."""


def data_key(recovery_key: bytes) -> bytes:
    """The office data key (AES-256) derived from its recovery key (HKDF-SHA256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if len(recovery_key) != RECOVERY_KEY_BYTES:
        raise SealError("a recovery key has 16 bytes")
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DATA_KEY_INFO)
    return kdf.derive(recovery_key)


def _aad(entity_type: str, entity_id: uuid.UUID | str, version: int) -> bytes:
    """What a sealed copy is bound to: moving it to another record or version fails."""
    return f"baom-sealed-record v1|{entity_type}|{entity_id}|{version}".encode()


def seal(key: bytes, entity_type: str, entity_id: uuid.UUID, version: int, body: str) -> str:
    """The sealed copy of a record's JSON ``body``: base64 of nonce and ciphertext."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    cipher = AESGCM(key).encrypt(nonce, body.encode(), _aad(entity_type, entity_id, version))
    return base64.b64encode(nonce + cipher).decode("ascii")


def open_sealed(
    key: bytes, entity_type: str, entity_id: uuid.UUID | str, version: int, sealed: str
) -> dict[str, Any]:
    """The record sealed in ``sealed``; :class:`SealError` when it does not open."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.b64decode(sealed, validate=True)
        plain = AESGCM(key).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(entity_type, entity_id, version)
        )
        body = json.loads(plain)
    except (InvalidTag, ValueError, TypeError):
        raise SealError(
            f"the sealed copy of {entity_type} {entity_id} does not open with this office's key"
        ) from None
    if not isinstance(body, dict):
        raise SealError(f"the sealed copy of {entity_type} {entity_id} is not a record")
    return body


# --- the inventory -------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldEntry:
    """One column of the inventory, with its record's defaults applied."""

    name: str
    personal: bool
    purpose: str
    basis: str
    readers: tuple[str, ...]
    region: str
    retention: str
    leaves_office: str
    clear_as: str = ""
    sensitive: bool = False


@dataclass(frozen=True)
class RecordEntry:
    """One table of the inventory."""

    name: str
    about: str
    leaves_office: str
    purpose: str
    basis: str
    readers: tuple[str, ...]
    retention: str
    fields: dict[str, FieldEntry]
    secret_keys: frozenset[str] = frozenset()

    @property
    def clear_fields(self) -> dict[str, str]:
        """The columns the region reads, and the name each has in the clear part."""
        return {
            name: entry.clear_as or name
            for name, entry in self.fields.items()
            if entry.region == "clear" and entry.leaves_office == "sealed"
        }


@dataclass(frozen=True)
class Inventory:
    """The whole inventory (``resources/privacy/inventory.yaml``)."""

    records: dict[str, RecordEntry]
    retention: dict[str, dict[str, Any]]
    directory_tables: frozenset[str] = field(default_factory=frozenset)

    def record(self, table: str) -> RecordEntry:
        """The entry of a table; ``KeyError`` when the inventory lacks it."""
        return self.records[table]

    @property
    def purposes(self) -> list[str]:
        """Every purpose named, in a stable order."""
        found = {record.purpose for record in self.records.values()}
        for record in self.records.values():
            found |= {entry.purpose for entry in record.fields.values()}
        return sorted(found)


def _record(name: str, raw: dict[str, Any], synced_columns: dict[str, Any]) -> RecordEntry:
    leaves = str(raw["leaves_office"])
    purpose, basis = str(raw["purpose"]), str(raw["basis"])
    readers, retention = tuple(str(reader) for reader in raw["readers"]), str(raw["retention"])
    defaults: dict[str, Any] = {
        "personal": raw.get("about") in ("visitor", "staff"),
        "purpose": purpose,
        "basis": basis,
        "readers": readers,
        "region": "never",
        "retention": retention,
        "leaves_office": leaves,
    }
    columns = dict(synced_columns) if leaves == "sealed" else {}
    for column, values in (raw.get("fields") or {}).items():
        columns[column] = {**columns.get(column, {}), **(values or {})}
    fields = {}
    for column, values in columns.items():
        merged = {**defaults, **values}
        merged["readers"] = tuple(merged["readers"])
        fields[column] = FieldEntry(name=column, **merged)
    return RecordEntry(
        name=name,
        about=str(raw["about"]),
        leaves_office=leaves,
        purpose=purpose,
        basis=basis,
        readers=readers,
        retention=retention,
        fields=fields,
        secret_keys=frozenset(raw.get("secret_keys") or ()),
    )


@cache
def inventory() -> Inventory:
    """The data inventory shipped with the application (read once)."""
    import yaml

    text = (resources.files("resources") / "privacy" / "inventory.yaml").read_text("utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    synced = raw["synced_columns"]
    records = {name: _record(name, entry, synced) for name, entry in raw["records"].items()}
    return Inventory(
        records=records,
        retention=raw["retention"],
        directory_tables=frozenset(raw.get("directory_tables") or ()),
    )


@cache
def _clear_fields(entity_type: str) -> tuple[dict[str, str], frozenset[str]]:
    entry = inventory().record(entity_type)
    return entry.clear_fields, entry.secret_keys


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a secret token: what the region keeps of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def json_text(payload: dict[str, Any]) -> str:
    """A payload as the canonical JSON text that envelopes carry and seal."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def leaving_parts(
    key: bytes, entity_type: str, entity_id: uuid.UUID, version: int, payload: dict[str, Any]
) -> tuple[str, str]:
    """How a record leaves the office: the JSON text of its clear part, and its sealed copy."""
    sealed = seal(key, entity_type, entity_id, version, json_text(payload))
    return json_text(clear_part(entity_type, payload)), sealed


def content_hash(
    entity_type: str, entity_id: uuid.UUID, operation: str, version: int, body: str, sealed: str
) -> str:
    """The SHA-256 an envelope carries: over its record, its unit-of-work ``operation``
    (``create``, ``update`` or ``delete``), its version, its clear part and its sealed copy.

    The sealed copy has a random nonce, so the hash tells the region nothing it could
    check a guess of the record against."""
    return hashlib.sha256(
        f"{entity_type}|{entity_id}|{operation}|{version}|{body}|{sealed}".encode()
    ).hexdigest()


def clear_part(entity_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What the region may read of a record: the inventory's ``region: clear`` fields.

    A field with ``clear_as: token_hash`` goes as its SHA-256 under that name; a setting
    whose key is a secret (the kiosk PIN's hash) goes without its value.
    """
    fields, secret_keys = _clear_fields(entity_type)
    clear: dict[str, Any] = {}
    for name, as_name in fields.items():
        if name not in payload:
            continue
        value = payload[name]
        if as_name == "token_hash" and isinstance(value, str):
            value = token_hash(value)
        clear[as_name] = value
    if secret_keys and payload.get("key") in secret_keys:
        clear.pop("value", None)
    return clear
