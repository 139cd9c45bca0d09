"""Where an office keeps its configuration and its data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "baom"


@dataclass(frozen=True)
class Paths:
    """The folders of one office installation.

    The configuration folder holds the settings file and the database key; the data folder
    holds the database, its backups, the print spool and the logs. Keeping the key out of the
    data folder means a copy of the data folder (or of a backup) reveals nothing.
    """

    config_dir: Path
    data_dir: Path

    @classmethod
    def resolve(
        cls, data_dir: str | Path | None = None, config_dir: str | Path | None = None
    ) -> Paths:
        """Paths from the options, then `BAOM_DATA_DIR`/`BAOM_CONFIG_DIR`, then the platform."""
        data = data_dir or os.environ.get("BAOM_DATA_DIR")
        config = config_dir or os.environ.get("BAOM_CONFIG_DIR")
        data_path = (
            Path(data) if data else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        )
        if config:
            config_path = Path(config)
        elif data:
            config_path = data_path / "config"
        else:
            config_path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        return cls(config_dir=config_path.absolute(), data_dir=data_path.absolute())

    @property
    def settings_file(self) -> Path:
        """The machine settings (TOML)."""
        return self.config_dir / "settings.toml"

    @property
    def key_file(self) -> Path:
        """The database key (64 hexadecimal digits), readable by the office account only."""
        return self.config_dir / "database.key"

    @property
    def database(self) -> Path:
        """The encrypted SQLite database."""
        return self.data_dir / "baom.db"

    @property
    def backups_dir(self) -> Path:
        """Encrypted copies of the database taken before each upgrade."""
        return self.data_dir / "backups"

    def ensure(self) -> None:
        """Create both folders, private to the current account where the OS allows it."""
        for folder in (self.config_dir, self.data_dir):
            folder.mkdir(parents=True, exist_ok=True)
            if os.name == "posix":
                folder.chmod(0o700)
