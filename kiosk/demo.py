"""``baom demo``: a demo office with accounts, ready to try, in its own data folder."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

import platformdirs
from sqlalchemy import select

from db.models import Role, UserAccount
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import create_office, local_office, open_office, open_store
from kiosk.paths import APP_NAME, Paths
from kiosk.windows import WindowOpener, WindowRequest

DEMO_OFFICE = ("BAOM Taliouine (démo)", "Taliouine")
DEMO_KIOSK_PIN = "2580"
DEMO_PRINTER_FOLDER = "demo-printer"
"""The demo's printer: a folder where every print job becomes a picture (``image:``)."""
DEMO_ACCOUNTS = (
    ("agent", "baom-demo", Role.OFFICER),
    ("superviseur", "baom-demo-sup", Role.SUPERVISOR),
    ("admin", "baom-demo-admin", Role.ADMIN),
)


def demo_paths(data_dir: str | None, config_dir: str | None) -> Paths:
    """The demo's folders: those given, else a ``demo`` folder beside the real office's."""
    if data_dir or os.environ.get("BAOM_DATA_DIR"):
        return Paths.resolve(data_dir, config_dir)
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo"
    return Paths.resolve(folder, config_dir)


def prepare_demo(paths: Paths) -> None:
    """Create (or reuse) the demo office and its accounts, and load the demo directory.

    A demo with no printer chosen gets the picture printer (``image:DATA/demo-printer``):
    slips and tickets come out as pictures that the desk's Printing page shows.
    """
    store, _ = open_store(paths, create=True)
    try:
        if local_office(store) is None:
            create_office(store, *DEMO_OFFICE)
    finally:
        store.close()
    context = open_office(paths)
    try:
        with context.store.session() as session:
            existing = set(session.scalars(select(UserAccount.name)))
        for name, password, role in DEMO_ACCOUNTS:
            if name not in existing:
                context.accounts.add(context.system, name, role, password)
        if not context.exit_pin.is_set():
            context.exit_pin.set(context.system, DEMO_KIOSK_PIN)
        if not str(context.settings.get("printer.uri")).strip():
            folder = paths.data_dir / DEMO_PRINTER_FOLDER
            context.settings.set(context.system, "printer.uri", f"image:{folder}")
        import_directory(context.store, context.system, demo_directory())
    finally:
        context.close()


def invoked_as() -> str:
    """The command as it was typed (``.venv/bin/baom`` from ``make demo``), else ``baom``."""
    typed = sys.argv[0] if sys.argv else ""
    return shlex.quote(typed) if Path(typed).name == "baom" else "baom"


def has_display() -> bool:
    """Whether windows can be shown here (a screen, or Qt told to draw off screen)."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_demo(args: argparse.Namespace, open_windows: WindowOpener | None) -> int:
    """Prepare the demo, print where it is, how to log in and how to open its windows again,
    then open the three windows side by side on one screen (the kiosk is then an ordinary
    window, not full screen: a trial, not for visitors)."""
    paths = demo_paths(args.data_dir, args.config_dir)
    prepare_demo(paths)
    print(f"Demo office ready in {paths.data_dir}")
    for name, password, role in DEMO_ACCOUNTS:
        print(f"  {role.value:<11} name: {name}  password: {password}")
    print(f"  kiosk exit  hold the kiosk's top-left corner for 3 s, then the PIN {DEMO_KIOSK_PIN}")
    again = f"{invoked_as()} --data-dir {shlex.quote(str(paths.data_dir))} run"
    print(f"Open its windows again with: {again} --desk --kiosk --display --side-by-side")
    if args.no_gui:
        return 0
    if open_windows is None or not has_display():
        print("No screen here, so no window was opened (this is not an error).")
        return 0
    name, password, _ = DEMO_ACCOUNTS[0]
    context = open_office(paths)
    try:
        windows = ("desk", "kiosk", "display")
        request = WindowRequest(context, windows, {}, False, (name, password), side_by_side=True)
        return open_windows(request)
    finally:
        context.close()
