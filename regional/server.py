"""``baom-regional serve``: upgrade the schema if behind, then run the app under uvicorn."""

from __future__ import annotations

from regional.app import create_app
from regional.config import Settings
from regional.database import make_engine, upgrade_if_behind


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8800,
    certfile: str | None = None,
    keyfile: str | None = None,
) -> None:
    """Serve until interrupted (TLS when a certificate and key are given).

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
    uvicorn.run(
        create_app(settings),
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
