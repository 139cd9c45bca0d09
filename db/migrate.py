"""Schema migrations (Alembic, shipped in ``db/migrations``): check, upgrade, backup first."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from db.base import utcnow
from db.store import Store


def alembic_config(store: Store) -> Config:
    """An Alembic configuration bound to ``store`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", "db:migrations")
    config.attributes["engine"] = store.engine
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    config = Config()
    config.set_main_option("script_location", "db:migrations")
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_behind(store: Store) -> bool:
    """Whether the database needs an upgrade."""
    return current_revision(store) != head_revision()


def upgrade(store: Store, revision: str = "head") -> None:
    """Upgrade the database to ``revision``."""
    command.upgrade(alembic_config(store), revision)


def downgrade(store: Store, revision: str) -> None:
    """Downgrade the database to ``revision`` (tests and emergencies only)."""
    command.downgrade(alembic_config(store), revision)


def backup(store: Store, backups_dir: Path, reason: str) -> Path:
    """An encrypted copy of the database in ``backups_dir``, named by time and reason."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"baom-{stamp}-{reason}.db"
    store.attach_copy(target)
    return target


def prune_backups(backups_dir: Path, keep: int) -> None:
    """Delete the oldest backups beyond the ``keep`` newest."""
    copies = sorted(backups_dir.glob("baom-*.db"))
    for old in copies[: max(0, len(copies) - keep)]:
        old.unlink()


def upgrade_if_behind(store: Store, backups_dir: Path, keep: int = 10) -> Path | None:
    """Bring the database to the head revision, after a backup when it holds data.

    Returns the backup copy made, if any.
    """
    current = current_revision(store)
    if current == head_revision():
        return None
    copy = None
    if current is not None:
        copy = backup(store, backups_dir, f"before-upgrade-from-{current}")
        prune_backups(backups_dir, keep)
    upgrade(store)
    return copy
