"""The offices' bundle secrets, kept encrypted under a key file that is not in the database.

Each PC of an office seals its USB bundles with a secret derived from its token
(:func:`protocol.bundle.bundle_secret`); the database keeps only the token's SHA-256, from
which that secret cannot be derived. The server learns the secret when it sees the token (at
enrolment, then at any authenticated request while it does not hold it) and stores it in
``office_machine.bundle_secret``, AES-256-GCM encrypted under the 32 random bytes of its key file
(``bundle-secret.key`` in the data folder, mode 0600, made on first need). A copy of the
database alone therefore opens no bundle. If the key file is lost or replaced, the stored
secrets no longer decrypt: bundles are refused until each office has synced online once.
"""

from __future__ import annotations

import base64
import hmac
import logging
import os
import secrets
import threading
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from protocol.bundle import SECRET_BYTES, bundle_secret
from protocol.errors import BundleError
from regional.models import OfficeMachine

KEY_BYTES = 32
_NONCE_BYTES = 12
_AAD = b"baom office bundle secret:"
log = logging.getLogger(__name__)


class BundleSecretError(BundleError):
    """The server cannot use an office's bundle secret; ``code`` names why."""

    code = "bundle_secret"


class SecretFileMissing(BundleSecretError):
    """The server's key file does not exist (never made here, or lost)."""

    code = "secret_file_missing"


class SecretFileInvalid(BundleSecretError):
    """The server's key file cannot be read or is not 32 bytes."""

    code = "secret_file_invalid"


class OfficeSecretUnknown(BundleSecretError):
    """The server does not hold this office's bundle secret (or not under this key file)."""

    code = "bundle_secret_unknown"


def _read(path: Path) -> bytes:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        raise SecretFileMissing(
            f"The server's bundle secret file {path} is missing, so no bundle can be opened "
            "or sealed: start the server with that file, or let each office sync online once "
            "(or enrol again) so that the server learns its bundle secret anew."
        ) from None
    except OSError as error:
        raise SecretFileInvalid(
            f"The server's bundle secret file {path} cannot be read: {error.strerror}."
        ) from None
    if len(key) != KEY_BYTES:
        raise SecretFileInvalid(
            f"{path} is not a bundle secret file ({len(key)} bytes, {KEY_BYTES} expected)."
        )
    return key


def _create(path: Path) -> None:
    """Write 32 random bytes to ``path`` (mode 0600) unless it exists; atomic for readers."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(secrets.token_bytes(KEY_BYTES))
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(partial, path)  # fails if another process made it first: keep theirs
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


class KeyFile:
    """The server's key file, read each time it is needed (so a replaced file counts at once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def load(self, create: bool = False) -> bytes:
        """The key; made first when ``create`` and missing, else :class:`SecretFileMissing`."""
        with self._lock:
            if create and not self.path.exists():
                _create(self.path)
                log.warning("made a new bundle secret file %s", self.path)
            return _read(self.path)


def seal_secret(key: bytes, office_id: uuid.UUID, secret: bytes) -> str:
    """An office's bundle secret encrypted for the database (base64 of nonce + ciphertext)."""
    nonce = os.urandom(_NONCE_BYTES)
    cipher = AESGCM(key).encrypt(nonce, secret, _AAD + office_id.bytes)
    return base64.b64encode(nonce + cipher).decode()


def open_secret(key: bytes, office_id: uuid.UUID, stored: str | None) -> bytes | None:
    """The bundle secret stored for an office; ``None`` if absent or not under this key."""
    if not stored:
        return None
    try:
        raw = base64.b64decode(stored, validate=True)
        secret = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _AAD + office_id.bytes)
    except (ValueError, InvalidTag):
        return None
    return secret if len(secret) == SECRET_BYTES else None


def remember(machine: OfficeMachine, token: str, keys: KeyFile) -> bool:
    """Store the machine's bundle secret if it is missing, unreadable or stale; never raises.

    Returns whether it wrote. If the key file cannot be made or read, the secret is left
    as it is (online sync goes on; bundles stay refused) and a warning is logged.
    """
    try:
        key = keys.load(create=True)
    except (BundleSecretError, OSError) as error:
        log.warning("cannot keep office %s's bundle secret: %s", machine.office_id, error)
        return False
    if _holds(key, machine, token):
        return False
    machine.bundle_secret = seal_secret(key, machine.office_id, bundle_secret(token))
    return True


def holds_secret(machine: OfficeMachine, token: str, keys: KeyFile) -> bool:
    """Whether the server holds the machine's bundle secret under its key file (False when
    the key file is missing or unreadable: :func:`remember` then says why)."""
    try:
        key = keys.load(create=False)
    except (BundleSecretError, OSError):
        return False
    return _holds(key, machine, token)


def _holds(key: bytes, machine: OfficeMachine, token: str) -> bool:
    known = open_secret(key, machine.office_id, machine.bundle_secret)
    return known is not None and hmac.compare_digest(known, bundle_secret(token))


def secret_for(machine: OfficeMachine, keys: KeyFile) -> bytes:
    """The machine's bundle secret for a bundle import or export, or a typed refusal."""
    office_id = machine.office_id
    try:
        key = keys.load(create=False)
    except SecretFileMissing:
        raise SecretFileMissing(
            f"The server's bundle secret file {keys.path} is missing, so no bundle can be "
            f"opened or sealed for office {office_id}: restore that file from its backup, or "
            "have the office sync online once (or enrol again) so that the server learns "
            "its bundle secret anew."
        ) from None
    if machine.bundle_secret is None:
        raise OfficeSecretUnknown(
            f"The server does not know office {office_id}'s bundle secret yet: the office "
            "must sync online once (or enrol again) before bundles can be used."
        )
    secret = open_secret(key, office_id, machine.bundle_secret)
    if secret is None:
        raise OfficeSecretUnknown(
            f"Office {office_id}'s bundle secret cannot be decrypted with the server's "
            f"secret file {keys.path} (was it replaced?): the office must sync online once "
            "(or enrol again) before bundles can be used."
        )
    return secret
