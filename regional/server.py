"""``baom-regional serve``: upgrade the schema if behind, then run the app under uvicorn.

With ``--workers N`` uvicorn runs N processes; each builds its app from the settings that
``serve`` leaves in the environment (``SERVE_ENV``). They share everything through the
database (see ``regional.runtime``), so they behave as one server.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from fastapi import FastAPI

from regional.app import create_app
from regional.config import Settings
from regional.database import make_engine, upgrade_if_behind

SERVE_ENV = "BAOM_REGIONAL_SERVE"
"""The settings of the server's processes, as JSON (set by :func:`serve`)."""


def app_from_environment() -> FastAPI:
    """The app of one server process, from the settings :func:`serve` left in ``SERVE_ENV``."""
    saved = json.loads(os.environ[SERVE_ENV])
    settings = Settings(
        db_url=saved["db_url"],
        data_dir=Path(saved["data_dir"]),
        page_rate_per_minute=saved["page_rate_per_minute"],
        forwarded_allow_ips=tuple(saved["forwarded_allow_ips"]),
        secret_file=Path(saved["secret_file"]) if saved["secret_file"] else None,
    )
    return create_app(settings)


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8800,
    certfile: str | None = None,
    keyfile: str | None = None,
    workers: int = 1,
) -> None:
    """Serve until interrupted (TLS when a certificate and key are given), in ``workers``
    processes.

    ``request.client`` is the peer, or, when the peer is one of the settings'
    ``forwarded_allow_ips``, the client its ``X-Forwarded-For`` names (the rate limits key
    on it).
    """
    import uvicorn

    engine = make_engine(settings.db_url)
    try:
        upgrade_if_behind(engine)
    finally:
        engine.dispose()
    saved = {
        field.name: getattr(settings, field.name)
        for field in dataclasses.fields(settings)
        if field.name not in ("clock", "body_limits")
    }
    os.environ[SERVE_ENV] = json.dumps(saved, default=str)
    uvicorn.run(
        f"{__name__}:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        log_level="warning",
        # Without a trusted proxy, no ProxyHeadersMiddleware at all: uvicorn's default would
        # otherwise trust 127.0.0.1 (or $FORWARDED_ALLOW_IPS).
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=list(settings.forwarded_allow_ips) or None,
    )
