"""An office installation opened for work: folders, settings, the database, accounts."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from db import migrate
from db.base import new_id
from db.models import Office, Setting
from db.store import Store, StoreError
from db.uow import Actor
from kiosk.accounts import Accounts, LoginPolicy, Permission, require
from kiosk.exit_pin import ExitPin
from kiosk.i18n import Catalog, default_catalog
from kiosk.paths import Paths
from kiosk.security import load_key
from kiosk.settings import REGISTRY, MachineSettingsFile, Scope, SettingError, lookup

Value = bool | int | str


_NO_OFFICE = (
    "no office is set up in {folder}: run 'baom office init NAME' "
    "(or 'baom demo' to try the application)"
)


class NoOfficeYet(StoreError):
    """The database has no office: the installation was not set up."""


class Settings:
    """Every setting of the registry, read from and written to where it belongs."""

    def __init__(self, machine_file: MachineSettingsFile, store: Store | None) -> None:
        self._machine = machine_file
        self._store = store

    def get(self, key: str) -> Value:
        """The value of ``key``: stored, or the registry's default."""
        setting = lookup(key)
        if setting.scope is Scope.MACHINE:
            return self._machine.read().get(key, setting.default)
        if self._store is None:
            return setting.default
        table = Setting.__table__  # not through the ORM: see local_office
        with self._store.session() as session:
            raw = session.scalar(select(table.c.value).where(table.c.key == key))
        return setting.default if raw is None else setting.validate(json.loads(raw))

    def all(self) -> dict[str, Value]:
        """Every declared setting with its current value."""
        return {key: self.get(key) for key in REGISTRY}

    def set(self, actor: Actor, key: str, raw: str) -> Value:
        """Parse, validate and store ``raw`` for ``key``; returns the stored value.

        Every setting needs a supervisor (a machine's printer or screen serves the whole
        office), but the few an officer sets (``Setting.officer_sets``: the counter of the
        PC they work at, the desk's text size there). A machine setting goes to the file
        and, when the office database is open, its change is audited there; an office
        setting is a synced record (audited too).
        """
        setting = lookup(key)
        value = setting.parse(raw)
        if setting.officer_sets:
            require(actor, Permission.SERVE_VISITORS)
        else:
            require(actor, Permission.CHANGE_OFFICE_SETTINGS)
        if setting.scope is Scope.MACHINE:
            self._machine.write(key, value)
            if self._store is not None:
                with self._store.unit_of_work(actor) as uow:
                    uow.audit("change machine setting", detail=f"{key} = {value}"[:200])
            return value
        if self._store is None:
            raise SettingError(f"{key}: an office setting needs the office database")
        with self._store.unit_of_work(actor) as uow:
            row = uow.session.scalar(select(Setting).where(Setting.key == key))
            if row is None:
                uow.add(Setting(key=key, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)
        return value

    def minutes(self, key: str) -> timedelta:
        """An integer setting counted in minutes, as a duration."""
        return timedelta(minutes=int(self.get(key)))


UNSET_REGIONAL_URL = "https://regional-server-not-set.baom.example"


@dataclass
class OfficeContext:
    """Everything a window or a command needs to work for one office."""

    paths: Paths
    store: Store
    settings: Settings
    catalog: Catalog
    office_id: uuid.UUID
    office_name: str
    office_commune: str
    """The office's commune: its HCP code (``protocol.communes.commune_name`` shows it)."""
    backup_made: Path | None = None

    @property
    def accounts(self) -> Accounts:
        """Account management and login, with the office's lock-out policy."""
        policy = LoginPolicy(
            max_failures=int(self.settings.get("accounts.max_failed_logins")),
            lockout=self.settings.minutes("accounts.lockout_minutes"),
        )
        return Accounts(self.store, self.office_id, policy)

    @property
    def exit_pin(self) -> ExitPin:
        """The supervisor PIN that closes the kiosk, with the same lock-out as logins."""
        return ExitPin(self.store, self.office_id, self.accounts.policy)

    @property
    def regional_url(self) -> str:
        """Where counter-referral links point: the regional server (``sync.server_url``).

        Before the office is told its server, links use an example address that says so.
        """
        return str(self.settings.get("sync.server_url")).strip() or UNSET_REGIONAL_URL

    @property
    def knows_regional_server(self) -> bool:
        """Whether the office has been told its regional server (slips print a QR code)."""
        return bool(str(self.settings.get("sync.server_url")).strip())

    @property
    def system(self) -> Actor:
        """The application itself, as the author of automatic writes."""
        return Actor.system(self.office_id)

    def close(self) -> None:
        """Release the database."""
        self.store.close()


def open_store(paths: Paths, *, create: bool = False) -> tuple[Store, Path | None]:
    """Open (or create) the encrypted database and bring its schema up to date."""
    if not create and not paths.database.exists():
        raise NoOfficeYet(_NO_OFFICE.format(folder=paths.data_dir))
    paths.ensure()
    key = load_key(paths.key_file, paths.database)
    store = Store.open(paths.database, key, create=create)
    keep = int(MachineSettingsFile(paths.settings_file).read().get("backups.keep", 10))
    backup = migrate.upgrade_if_behind(store, paths.backups_dir, keep=keep)
    return store, backup


def create_office(store: Store, name: str, commune: str = "") -> uuid.UUID:
    """Create this installation's office record, its commune by HCP code when ``commune``
    names one of Souss-Massa; returns its id."""
    from protocol.communes import commune_code  # not at every start: only a new office

    office_id = new_id()
    code = commune_code(commune)
    with store.unit_of_work(Actor.system(office_id)) as uow:
        uow.add(Office(id=office_id, office_id=office_id, name=name, commune=code, is_local=True))
    return office_id


@dataclass(frozen=True)
class LocalOffice:
    """This installation's office, as the start and the commands know it."""

    id: uuid.UUID
    name: str
    commune: str


def local_office(store: Store) -> LocalOffice | None:
    """This installation's office, if it was set up.

    Read from the table, not through the ORM: the ORM's first query configures every
    mapper, which the start leaves to the database worker (it runs beside the windows
    being built)."""
    table = Office.__table__
    with store.session() as session:
        row = session.execute(
            select(table.c.id, table.c.name, table.c.commune).where(table.c.is_local.is_(True))
        ).first()
    return None if row is None else LocalOffice(row.id, row.name, row.commune)


def open_office(paths: Paths, *, create: bool = False) -> OfficeContext:
    """Open the office for work; :class:`NoOfficeYet` when it was never set up."""
    store, backup = open_store(paths, create=create)
    office = local_office(store)
    if office is None:
        store.close()
        raise NoOfficeYet(_NO_OFFICE.format(folder=paths.data_dir))
    settings = Settings(MachineSettingsFile(paths.settings_file), store)
    return OfficeContext(
        paths=paths,
        store=store,
        settings=settings,
        catalog=default_catalog(),
        office_id=office.id,
        office_name=office.name,
        office_commune=office.commune,
        backup_made=backup,
    )
