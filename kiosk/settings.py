"""The settings registry: every setting declared once, typed, with a translatable label.

Machine settings (a printer, a screen) live in the TOML file of the configuration folder;
office settings (lock delay, queue rules) live in the office database, so that they sync
with the regional server. Both are read and written through :class:`Settings`.
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.tables import flatten


class Scope(enum.StrEnum):
    """Where a setting is stored."""

    MACHINE = "machine"
    OFFICE = "office"


class SettingError(ValueError):
    """A setting name or value was refused; the message says why, in plain words."""


@dataclass(frozen=True)
class Setting:
    """One declared setting. Its label is the catalog string ``setting.<key>``.

    Changing a setting needs a supervisor, but for one that ``officer_sets``: the officer
    working at the PC chooses it (the counter they sit at, on the desk's Queue page; the
    desk's text size, on its Settings page).
    """

    key: str
    type: type[bool] | type[int] | type[str]
    default: bool | int | str
    scope: Scope = Scope.OFFICE
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    check: Callable[[str], str | None] | None = field(default=None, compare=False)
    officer_sets: bool = False

    @property
    def label_key(self) -> str:
        """The catalog key of the setting's label."""
        return f"setting.{self.key}"

    def parse(self, raw: str) -> bool | int | str:
        """The typed value of ``raw``, or :class:`SettingError` naming the setting."""
        text = raw.strip()
        value: bool | int | str
        if self.type is bool:
            lowered = text.lower()
            if lowered not in {"true", "false", "yes", "no", "1", "0", "on", "off"}:
                raise SettingError(f"{self.key}: expected true or false, got {raw!r}")
            value = lowered in {"true", "yes", "1", "on"}
        elif self.type is int:
            try:
                value = int(text)
            except ValueError:
                raise SettingError(f"{self.key}: expected a whole number, got {raw!r}") from None
        else:
            value = text
        return self.validate(value)

    def validate(self, value: Any) -> bool | int | str:
        """``value`` if it has the right type and range, else :class:`SettingError`."""
        if type(value) is not self.type:
            raise SettingError(f"{self.key}: expected {self.type.__name__}, got {value!r}")
        if isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise SettingError(f"{self.key}: must be at least {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise SettingError(f"{self.key}: must be at most {self.maximum}, got {value}")
        if self.choices and value not in self.choices:
            raise SettingError(
                f"{self.key}: must be one of {', '.join(self.choices)}, got {value!r}"
            )
        if self.check is not None and isinstance(value, str):
            problem = self.check(value)
            if problem:
                raise SettingError(f"{self.key}: {problem}")
        return value  # type: ignore[no-any-return]


LANGUAGE_CODES = ("fr", "ar", "zgh", "en")
SPOKEN_LANGUAGES = {"ary": "ar", "shi": "zgh"}
"""The languages the kiosk speaks from the office's recordings (``kiosk.prompts``), and the
written language it shows meanwhile: Darija in Arabic script, Tachelhit in Tifinagh."""


def _absolute_folder(value: str) -> str | None:
    """Why ``value`` cannot be a folder setting (empty for none is fine), or ``None``."""
    if value and not Path(value).is_absolute():
        return f"must be a full path (such as /media/usb/baom or E:\\baom), got {value!r}"
    return None


REGISTRY: dict[str, Setting] = {
    setting.key: setting
    for setting in (
        Setting("desk.language", str, "fr", Scope.MACHINE, choices=LANGUAGE_CODES),
        Setting("desk.auto_lock_minutes", int, 5, minimum=1, maximum=120),
        Setting("desk.counter", int, 0, Scope.MACHINE, minimum=0, maximum=99, officer_sets=True),
        Setting(
            "desk.text_size", int, 100, Scope.MACHINE, minimum=90, maximum=150, officer_sets=True
        ),
        Setting("accounts.max_failed_logins", int, 5, minimum=3, maximum=20),
        Setting("accounts.lockout_minutes", int, 5, minimum=1, maximum=1440),
        Setting("accounts.cli_session_minutes", int, 5, minimum=1, maximum=60),
        Setting("kiosk.idle_seconds", int, 20, minimum=5, maximum=600),
        Setting("display.clock_24h", bool, True, Scope.MACHINE),
        *(
            Setting(f"screen.{window}", int, -1, Scope.MACHINE, minimum=-1, maximum=15)
            for window in ("desk", "kiosk", "display")
        ),
        Setting("sync.interval_minutes", int, 5, minimum=1, maximum=1440),
        Setting("sync.server_url", str, "", Scope.MACHINE),
        Setting("printer.uri", str, "", Scope.MACHINE),
        Setting("printer.width_dots", int, 576, Scope.MACHINE, minimum=256, maximum=1024),
        Setting("printer.profile", str, "", Scope.MACHINE),
        Setting("printer.fragment_pause_ms", int, 0, Scope.MACHINE, minimum=0, maximum=2000),
        Setting("printer.timeout_seconds", int, 10, Scope.MACHINE, minimum=1, maximum=120),
        Setting(
            "slip.languages",
            str,
            "visitor_and_french",
            choices=("visitor_and_french", "visitor_only"),
        ),
        Setting("slip.print_first_name", bool, False),
        Setting("backups.keep", int, 10, Scope.MACHINE, minimum=1, maximum=1000),
        Setting("backups.second_folder", str, "", Scope.MACHINE, check=_absolute_folder),
        Setting("queue.max_calls", int, 3, minimum=1, maximum=10),
        Setting(
            "queue.priority_mode", str, "priority_first", choices=("priority_first", "alternate")
        ),
        Setting("queue.max_extra_wait_minutes", int, 15, minimum=0, maximum=240),
        Setting("retention.closed_case_months", int, 24, minimum=1, maximum=240),
        Setting("retention.draft_days", int, 7, minimum=1, maximum=365),
    )
}


def lookup(key: str) -> Setting:
    """The declared setting ``key``, or :class:`SettingError` for an unknown name."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise SettingError(f"{key}: there is no such setting") from None


class MachineSettingsFile:
    """The TOML file of machine settings; unknown or invalid entries are reported, not used.

    It is read with the standard library's parser (fast, at every start) and written with
    tomlkit, which keeps the file's comments and layout (imported only to write)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, bool | int | str]:
        """The valid machine settings stored in the file."""
        if not self.path.exists():
            return {}
        try:
            document = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise SettingError(f"{self.path}: not a valid settings file ({error})") from None
        values: dict[str, bool | int | str] = {}
        for key, value in flatten(document):
            setting = REGISTRY.get(key)
            if setting is not None and setting.scope is Scope.MACHINE:
                values[key] = setting.validate(value)
        return values

    def write(self, key: str, value: bool | int | str) -> None:
        """Store one value, keeping the rest of the file (and its comments) as it was."""
        import tomlkit

        document = (
            tomlkit.parse(self.path.read_text(encoding="utf-8"))
            if self.path.exists()
            else tomlkit.document()
        )
        *tables, name = key.split(".")
        container: Any = document
        for table in tables:
            if table not in container:
                container[table] = tomlkit.table()
            container = container[table]
        container[name] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
        temporary.replace(self.path)
