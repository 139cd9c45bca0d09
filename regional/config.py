"""Where the regional server keeps its data, which database it uses, and maintenance mode."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from regional.clock import Clock, utcnow

APP_NAME = "baom-regional"
DATA_DIR_ENV = "BAOM_REGIONAL_DATA_DIR"
MAINTENANCE_ENV = "BAOM_REGIONAL_MAINTENANCE"
MAINTENANCE_FILE = "maintenance"


def data_dir(option: str | Path | None = None) -> Path:
    """The data folder: the option, then ``BAOM_REGIONAL_DATA_DIR``, then the platform's."""
    chosen = option or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_url(folder: Path) -> str:
    """The SQLite database in the data folder."""
    return f"sqlite:///{folder / 'regional.db'}"


@dataclass(frozen=True)
class Settings:
    """How one server instance runs (the tests build their own)."""

    db_url: str
    data_dir: Path
    clock: Clock = utcnow
    page_rate_per_minute: int = 30
    trusted_proxies: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def resolve(cls, db_url: str | None = None, folder: str | Path | None = None) -> Settings:
        """Settings from the command-line options and the environment."""
        path = data_dir(folder)
        return cls(db_url=db_url or default_db_url(path), data_dir=path)

    def in_maintenance(self) -> bool:
        """Whether the ``maintenance`` file exists or ``BAOM_REGIONAL_MAINTENANCE=1``."""
        if os.environ.get(MAINTENANCE_ENV, "") in {"1", "true", "yes"}:
            return True
        return (self.data_dir / MAINTENANCE_FILE).exists()
