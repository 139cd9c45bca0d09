"""Sync bundles: envelopes (or server changes) sealed in a file that travels on a USB stick.

A bundle is a small JSON document::

    {"format": "baom-sync-bundle", "version": 2, "kind": "envelopes" | "changes",
     "office_id": "…", "salt": "<base64>", "nonce": "<base64>", "ciphertext": "<base64>"}

The ciphertext is AES-256-GCM over the JSON of :class:`EnvelopeBundle` (office → server) or
:class:`ChangeBundle` (server → office). The key is HKDF-SHA256 of the office's bundle secret
(:func:`bundle_secret`, derived from its token) with the random salt; the header fields are
the associated data, so the whole file is authenticated: any change to it is detected.

The bundle secret is not the token's SHA-256 (``protocol.privacy.token_hash``), which the
server keeps in its database to recognise the token: the server keeps the bundle secret
encrypted under a key file of its own (``regional.bundle_keys``), so a copy of its database
opens no bundle.
See ``docs/sync.md``.
"""

from __future__ import annotations

import base64
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

from protocol.errors import BundleError
from protocol.wire import Envelope, ServerChange, WireModel

FORMAT = "baom-sync-bundle"
VERSION = 2
_INFO = b"baom-sync-bundle v2"
_SECRET_INFO = b"baom bundle secret v2"
SECRET_BYTES = 32
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


class BundleVersionError(BundleError):
    """The bundle was made in another format version (an older BAOM: export it again)."""


def bundle_secret(token: str) -> bytes:
    """The office's bundle secret: HKDF-SHA256 of its token (not derivable from its hash)."""
    kdf = HKDF(algorithm=hashes.SHA256(), length=SECRET_BYTES, salt=None, info=_SECRET_INFO)
    return kdf.derive(token.encode())


def _key(secret: bytes, salt: bytes) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO)
    return kdf.derive(secret)


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


def seal(kind: Kind, body: EnvelopeBundle | ChangeBundle, secret: bytes) -> bytes:
    """Encrypt and authenticate ``body`` with the office's bundle secret."""
    salt = os.urandom(16)
    nonce = os.urandom(12)
    header = _header(kind, str(body.office_id), base64.b64encode(salt).decode())
    plain = body.model_dump_json().encode()
    cipher = AESGCM(_key(secret, salt)).encrypt(nonce, plain, _aad(header))
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
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and 0 < version < VERSION:
        raise BundleVersionError(
            f"This bundle was made by an older version of BAOM (bundle format {version}); "
            "export it again."
        )
    if version != VERSION:
        raise BundleVersionError(f"Unsupported bundle version {version!r}.")
    return document


def peek(data: bytes) -> tuple[str, uuid.UUID]:
    """The kind and the office of a bundle, read from its clear header (not yet verified)."""
    document = _document(data)
    try:
        return str(document["kind"]), uuid.UUID(str(document["office_id"]))
    except (KeyError, ValueError):
        raise BundleError("The bundle's header is damaged.") from None


def open_sealed(data: bytes, kind: Kind, secret: bytes) -> dict[str, Any]:
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
        plain = AESGCM(_key(secret, salt)).decrypt(nonce, cipher, _aad(header))
    except (InvalidTag, ValueError):
        raise BundleError("The bundle was changed, damaged, or is for another office.") from None
    body: dict[str, Any] = json.loads(plain)
    if body.get("office_id") != header["office_id"]:
        raise BundleError("The bundle's office does not match its header.")
    return body


def seal_envelopes(bundle: EnvelopeBundle, token: str) -> bytes:
    """The office side: seal its envelopes with its token."""
    return seal("envelopes", bundle, bundle_secret(token))


def open_envelopes(data: bytes, secret: bytes) -> EnvelopeBundle:
    """The server side: open an office's envelope bundle with its bundle secret."""
    try:
        return EnvelopeBundle.model_validate(open_sealed(data, "envelopes", secret))
    except ValidationError as error:
        raise BundleError(
            f"The bundle's content is invalid: {error.error_count()} errors."
        ) from None


def seal_changes(bundle: ChangeBundle, secret: bytes) -> bytes:
    """The server side: seal changes for an office with its bundle secret."""
    return seal("changes", bundle, secret)


def open_changes(data: bytes, token: str) -> ChangeBundle:
    """The office side: open the server's change bundle with its token."""
    try:
        return ChangeBundle.model_validate(open_sealed(data, "changes", bundle_secret(token)))
    except ValidationError as error:
        raise BundleError(
            f"The bundle's content is invalid: {error.error_count()} errors."
        ) from None
