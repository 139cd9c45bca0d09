"""Who runs a ``baom`` command: a named account, never an anonymous ``system``.

A command that reads or changes a person's data (and the few that manage the office's
accounts and keys) runs as an account of the office, and what it does is audited under
that account's name. Three ways to say which:

- ``baom --user NAME …`` with the password in ``BAOM_PASSWORD`` (scripts), else asked on
  the terminal, else read from the first line of standard input;
- on a terminal, without ``--user``: the account and its password are asked once, then
  kept for this terminal's session for ``accounts.cli_session_minutes`` (like ``sudo``):
  each command run in that time extends it; ``baom logout`` ends it at once;
- ``BAOM_USER`` names the account of the commands that need one (``--user`` names it for
  any command: a ``baom --user awa ticket take`` is audited under awa too).

The kept session is a small owner-only file in the configuration folder naming the
account, the terminal and the session; nothing secret is in it (whoever can write it can
read the database key beside it anyway). The account is checked again at every use: a
disabled account's session is over.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from db.base import utcnow
from db.models import UserAccount
from db.uow import Actor
from kiosk.office import OfficeContext

PASSWORD_VARIABLE = "BAOM_PASSWORD"
USER_VARIABLE = "BAOM_USER"
SESSIONS_FOLDER = "terminal-sessions"


class NamedAccountNeeded(Exception):
    """The command needs a named account and none could be asked for (no terminal)."""


def command_actor(context: OfficeContext, user: str | None) -> Actor:
    """The account a command that needs one runs as (logged in, audited); a wrong
    password is ``kiosk.accounts.LoginRefused``, no way to ask :class:`NamedAccountNeeded`."""
    sessions = TerminalSessions(context)
    if user is None and not sys.stdin.isatty():
        raise NamedAccountNeeded(
            "this command reads or changes personal data: run it as a named account, "
            f"'baom --user NAME …' with the password in {PASSWORD_VARIABLE}"
        )
    if sys.stdin.isatty():
        kept = sessions.current()
        if kept is not None and user in (None, kept.name):
            return kept
    if user is None:
        user = input("Account: ").strip()
    actor, _language = context.accounts.login(user, _password(user))
    if sys.stdin.isatty():
        sessions.keep(actor)
    return actor


def _password(user: str) -> str:
    """The password of ``user``: ``BAOM_PASSWORD``, else asked, else standard input's line."""
    given = os.environ.get(PASSWORD_VARIABLE)
    if given is not None:
        return given
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {user}: ")
    return sys.stdin.readline().rstrip("\r\n")


class TerminalSessions:
    """The accounts kept for terminal sessions of this office (``baom`` run on a terminal)."""

    def __init__(self, context: OfficeContext) -> None:
        self.context = context
        self.folder = context.paths.config_dir / SESSIONS_FOLDER

    def current(self) -> Actor | None:
        """The account kept for this terminal when its time has not run out (extended)."""
        path = self._path()
        if path is None:
            return None
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            name = str(kept["user"])
            running = datetime.fromisoformat(kept["until"]) > utcnow()
        except (OSError, ValueError, KeyError, TypeError):  # none, or not one we wrote
            running = False
        if not running:
            path.unlink(missing_ok=True)
            return None
        actor = self._active_account(name)
        if actor is None:
            path.unlink(missing_ok=True)
            return None
        self.keep(actor)
        return actor

    def keep(self, actor: Actor) -> None:
        """Keep ``actor`` for this terminal's session from now on."""
        path = self._path()
        if path is None:
            return
        until = utcnow() + self.context.settings.minutes("accounts.cli_session_minutes")
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump({"user": actor.name, "until": until.isoformat()}, file)
        os.replace(partial, path)

    def end(self) -> bool:
        """Forget this terminal's account; whether one was kept."""
        path = self._path()
        if path is None or not path.exists():
            return False
        path.unlink()
        return True

    def _path(self) -> Path | None:
        """This terminal session's file (``None`` off a terminal)."""
        try:
            terminal = os.ttyname(sys.stdin.fileno())
        except (OSError, ValueError):
            return None
        session = os.getsid(0) if hasattr(os, "getsid") else os.getppid()
        name = hashlib.sha256(f"{terminal}\0{session}".encode()).hexdigest()[:32]
        return self.folder / f"{name}.json"

    def _active_account(self, name: str) -> Actor | None:
        """The actor of the account ``name`` when it may still log in."""
        now = utcnow()
        with self.context.store.session() as session:
            account = session.scalar(select(UserAccount).where(UserAccount.name == name))
            if account is None or account.disabled:
                return None
            if account.locked_until is not None and account.locked_until > now:
                return None
            return Actor(account.name, account.role.value, account.office_id, account.id)
