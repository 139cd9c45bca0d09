"""How the regional server runs: its data, its database, body limits, proxies, maintenance."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

from regional.clock import Clock, utcnow
from regional.limits import BodyLimits

APP_NAME = "baom-regional"
DATA_DIR_ENV = "BAOM_REGIONAL_DATA_DIR"
MAINTENANCE_ENV = "BAOM_REGIONAL_MAINTENANCE"
MAINTENANCE_FILE = "maintenance"
SECRET_FILE_ENV = "BAOM_REGIONAL_SECRET_FILE"
SECRET_FILE = "bundle-secret.key"
SQLITE_ENDS = ("-wal", "-shm", "-journal")
"""What SQLite adds to the database's name for the files it keeps beside it."""


def data_dir(option: str | Path | None = None) -> Path:
    """The data folder: the option, then ``BAOM_REGIONAL_DATA_DIR``, then the platform's."""
    chosen = option or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_url(folder: Path) -> str:
    """The SQLite database in the data folder."""
    return f"sqlite:///{folder / 'regional.db'}"


def parse_proxies(text: str) -> tuple[str, ...]:
    """The comma list of ``--forwarded-allow-ips`` (addresses or networks, e.g. ``10.0.0.0/8``).

    Raises ``ValueError`` for anything else (``*`` included: trusting every peer would let
    any client choose its own address), and so for a network of every address (``/0``).
    """
    proxies: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"not an IP address or network: {item!r}") from None
        if network.prefixlen == 0:
            raise ValueError(f"{item!r} is every address, so any client could say who it is")
        proxies.append(str(network) if "/" in item else str(network.network_address))
    return tuple(proxies)


@dataclass(frozen=True)
class Settings:
    """How one server instance runs (the tests build their own).

    ``forwarded_allow_ips``: the reverse proxies (addresses or networks) whose
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed; none by default.
    ``secret_file``: the key file the offices' bundle secrets are encrypted under
    (``regional.bundle_keys``); ``bundle-secret.key`` in the data folder by default.
    """

    db_url: str
    data_dir: Path
    clock: Clock = utcnow
    page_rate_per_minute: int = 30
    body_limits: BodyLimits = field(default_factory=BodyLimits)
    forwarded_allow_ips: tuple[str, ...] = ()
    secret_file: Path | None = None

    @classmethod
    def resolve(
        cls,
        db_url: str | None = None,
        folder: str | Path | None = None,
        forwarded_allow_ips: str = "",
        secret_file: str | Path | None = None,
    ) -> Settings:
        """Settings from the command-line options and the environment.

        The secret file: the option, then ``BAOM_REGIONAL_SECRET_FILE``, then the data folder's.
        """
        path = data_dir(folder)
        proxies = parse_proxies(forwarded_allow_ips)
        chosen = secret_file or os.environ.get(SECRET_FILE_ENV)
        return cls(
            db_url=db_url or default_db_url(path),
            data_dir=path,
            forwarded_allow_ips=proxies,
            secret_file=Path(chosen).absolute() if chosen else None,
        )

    @property
    def secret_path(self) -> Path:
        """Where the bundle secret key file is (see ``secret_file``)."""
        return self.secret_file or self.data_dir / SECRET_FILE

    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or ``None`` for PostgreSQL (or SQLite in memory)."""
        url = make_url(self.db_url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database).absolute()

    def make_private(self) -> None:
        """Make the data folder (0700) and close the server's files to other accounts.

        The database (and its ``-wal`` and ``-shm``, which SQLite makes with the database's
        mode) and the key file become 0600 where they exist: files made by an older version
        are closed too. New files are made private by the command's umask (``regional.cli``).
        POSIX only: on Windows, see docs/regional-server.md.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name != "posix":
            return
        self.data_dir.chmod(0o700)
        database = self.sqlite_path()
        files = [self.secret_path]
        if database is not None:
            files += [database, *(database.with_name(database.name + end) for end in SQLITE_ENDS)]
        for path in files:
            if path.exists():
                path.chmod(0o600)

    def in_maintenance(self) -> bool:
        """Whether the ``maintenance`` file exists or ``BAOM_REGIONAL_MAINTENANCE=1``."""
        if os.environ.get(MAINTENANCE_ENV, "") in {"1", "true", "yes"}:
            return True
        return (self.data_dir / MAINTENANCE_FILE).exists()
