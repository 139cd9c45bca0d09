"""Every page of a SQLCipher 4 database (or of its WAL) decrypted, free pages included.

A logical dump (``iterdump``, ``sqlcipher_export``) shows the live rows only; this reads the
bytes a thief with the key would read: each page decrypted with the raw key (AES-256-CBC,
its IV in the page's reserved tail), so a test can grep what is left in free space.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80  # a 16-byte IV and a 64-byte HMAC-SHA512 at the end of every page
SALT = 16
WAL_HEADER, FRAME_HEADER = 32, 24


def _page(raw: bytes, key: bytes, first: bool) -> bytes:
    start = SALT if first else 0
    iv = raw[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(raw[start : PAGE - RESERVE]) + decryptor.finalize()


def database_pages(path: Path, key: str) -> bytes:
    """The decrypted pages of the database file at ``path`` (``key``: 64 hex digits)."""
    data, secret = path.read_bytes(), bytes.fromhex(key)
    return b"".join(
        _page(data[offset : offset + PAGE], secret, offset == 0)
        for offset in range(0, len(data) - PAGE + 1, PAGE)
    )


def wal_pages(path: Path, key: str) -> bytes:
    """The decrypted page images of every frame of the WAL at ``path`` (empty if none)."""
    if not path.exists():
        return b""
    data, secret = path.read_bytes(), bytes.fromhex(key)
    pages = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + PAGE <= len(data):
        number = int.from_bytes(data[offset : offset + 4], "big")
        raw = data[offset + FRAME_HEADER : offset + FRAME_HEADER + PAGE]
        pages.append(_page(raw, secret, number == 1))
        offset += FRAME_HEADER + PAGE
    return b"".join(pages)


def plain_export(path: Path, key: str) -> bytes:
    """The bytes of a plain (unencrypted) database that ``sqlcipher_export`` made of the
    database at ``path`` (``key``: 64 hex digits)."""
    import sqlcipher3

    plain = path.with_name(f"{path.stem}-plain-{uuid.uuid4().hex}.db")
    connection = sqlcipher3.connect(str(path))
    try:
        connection.execute(f"PRAGMA key = \"x'{key}'\"")
        connection.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
        connection.execute("SELECT sqlcipher_export('plain')")
        connection.execute("DETACH DATABASE plain")
    finally:
        connection.close()
    exported = plain.read_bytes()
    plain.unlink()
    return exported
