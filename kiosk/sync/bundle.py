"""Sync bundles: envelopes (or server changes) sealed in a file that travels on a USB stick.

A bundle is a small JSON document::

    {"format": "baom-sync-bundle", "version": 1, "kind": "envelopes" | "changes",
     "office_id": "…", "salt": "<base64>", "nonce": "<base64>", "ciphertext": "<base64>"}

The ciphertext is AES-256-GCM over the JSON of :class:`EnvelopeBundle` (office → server) or
:class:`ChangeBundle` (server → office). The key is HKDF-SHA256 of the office's key material
(:func:`key_material`: the SHA-256 of its token, which is what the server keeps) with the
random salt; the header fields are the associated data, so the whole file is authenticated:
any change to it is detected. See ``docs/sync.md``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from datetime import datetime
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import Field, ValidationError

from kiosk.sync.errors import BundleError
from kiosk.sync.wire import Envelope, ServerChange, WireModel

FORMAT = "baom-sync-bundle"
VERSION = 1
_INFO = b"baom-sync-bundle v1"
MAX_BUNDLE_BYTES = 512 * 1024 * 1024
Kind = Literal["envelopes", "changes"]


class EnvelopeBundle(WireModel):
    """What an office exports: its pending envelopes, oldest first."""

    office_id: uuid.UUID
    created_at: datetime
    envelopes: list[Envelope]


class ChangeBundle(WireModel):
    """What the server exports for one office: its changes after a cursor, in order."""

    office_id: uuid.UUID
    created_at: datetime
    after: int = Field(ge=0)
    cursor: int = Field(ge=0)
    changes: list[ServerChange]


def key_material(token: str) -> str:
    """The SHA-256 (hex) of an office token: what the server stores, and the bundle secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def _key(material: str, salt: bytes) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO)
    return kdf.derive(material.encode())


def _header(kind: str, office_id: str, salt: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "office_id": office_id,
        "salt": salt,
    }


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def seal(kind: Kind, body: EnvelopeBundle | ChangeBundle, material: str) -> bytes:
    """Encrypt and authenticate ``body`` with the office's key material."""
    salt = os.urandom(16)
    nonce = os.urandom(12)
    header = _header(kind, str(body.office_id), base64.b64encode(salt).decode())
    plain = body.model_dump_json().encode()
    cipher = AESGCM(_key(material, salt)).encrypt(nonce, plain, _aad(header))
    document = {
        **header,
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(cipher).decode(),
    }
    return json.dumps(document, separators=(",", ":")).encode()


def _document(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError("The file is too large to be a sync bundle.")
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise BundleError("The file is not a sync bundle.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleError("The file is not a sync bundle.")
    if document.get("version") != VERSION:
        raise BundleError(f"Unsupported bundle version {document.get('version')!r}.")
    return document


def peek(data: bytes) -> tuple[str, uuid.UUID]:
    """The kind and the office of a bundle, read from its clear header (not yet verified)."""
    document = _document(data)
    try:
        return str(document["kind"]), uuid.UUID(str(document["office_id"]))
    except (KeyError, ValueError):
        raise BundleError("The bundle's header is damaged.") from None


def open_sealed(data: bytes, kind: Kind, material: str) -> dict[str, Any]:
    """Verify and decrypt a bundle of ``kind``; returns the JSON of its body."""
    document = _document(data)
    try:
        header = _header(str(document["kind"]), str(document["office_id"]), str(document["salt"]))
        salt = base64.b64decode(document["salt"], validate=True)
        nonce = base64.b64decode(document["nonce"], validate=True)
        cipher = base64.b64decode(document["ciphertext"], validate=True)
    except (KeyError, ValueError, TypeError):
        raise BundleError("The bundle is damaged.") from None
    if header["kind"] != kind:
        raise BundleError(f"This bundle holds {header['kind']}, not {kind}.")
    try:
        plain = AESGCM(_key(material, salt)).decrypt(nonce, cipher, _aad(header))
    except (InvalidTag, ValueError):
        raise BundleError("The bundle was changed, damaged, or is for another office.") from None
    body: dict[str, Any] = json.loads(plain)
    if body.get("office_id") != header["office_id"]:
        raise BundleError("The bundle's office does not match its header.")
    return body


def seal_envelopes(bundle: EnvelopeBundle, token: str) -> bytes:
    """The office side: seal its envelopes with its token."""
    return seal("envelopes", bundle, key_material(token))


def open_envelopes(data: bytes, material: str) -> EnvelopeBundle:
    """The server side: open an office's envelope bundle with the stored token hash."""
    try:
        return EnvelopeBundle.model_validate(open_sealed(data, "envelopes", material))
    except ValidationError as error:
        raise BundleError(
            f"The bundle's content is invalid: {error.error_count()} errors."
        ) from None


def seal_changes(bundle: ChangeBundle, material: str) -> bytes:
    """The server side: seal changes for an office with the stored token hash."""
    return seal("changes", bundle, material)


def open_changes(data: bytes, token: str) -> ChangeBundle:
    """The office side: open the server's change bundle with its token."""
    try:
        return ChangeBundle.model_validate(open_sealed(data, "changes", key_material(token)))
    except ValidationError as error:
        raise BundleError(
            f"The bundle's content is invalid: {error.error_count()} errors."
        ) from None
