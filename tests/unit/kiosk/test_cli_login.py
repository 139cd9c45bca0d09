"""No anonymous command line: personal data is read and changed as a named account."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Role
from kiosk.cli import main
from kiosk.office import OfficeContext, open_office
from tests.conftest import OFFICER
from tests.helpers.intake import answers


def _baom(office: OfficeContext, *args: str) -> list[str]:
    return [
        "--data-dir",
        str(office.paths.data_dir),
        "--config-dir",
        str(office.paths.config_dir),
        *args,
    ]


def _answers(tmp_path: Path) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers()), encoding="utf-8")
    return str(path)


def _audit(office: OfficeContext) -> list[tuple[str, str]]:
    with office.store.session() as session:
        rows = session.execute(
            select(AuditEntry.user_name, AuditEntry.action).order_by(AuditEntry.at)
        )
        return [(row.user_name, row.action) for row in rows]


def _records(office: OfficeContext) -> int:
    with office.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_personal_data_without_an_account_is_refused_in_one_line_and_nothing_changes(
    office: OfficeContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _records(office)
    assert main(_baom(office, "intake", "submit", _answers(tmp_path))) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("baom: ") and "--user NAME" in error and "BAOM_PASSWORD" in error
    assert "\n" not in error
    assert _records(office) == before


def test_a_named_account_writes_and_is_audited_under_its_name(
    office: OfficeContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAOM_PASSWORD", OFFICER[1])
    before = _records(office)
    assert main(_baom(office, "--user", OFFICER[0], "intake", "submit", _answers(tmp_path))) == 0
    written = _audit(office)[before:]
    assert written[0] == (OFFICER[0], "login") and len(written) > 1
    assert {name for name, _action in written} == {OFFICER[0]}


def test_baom_user_names_the_account_of_the_commands_that_need_one_only(
    office: OfficeContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAOM_USER", OFFICER[0])
    monkeypatch.setenv("BAOM_PASSWORD", OFFICER[1])
    assert main(_baom(office, "config", "show", "--json")) == 0
    assert (OFFICER[0], "login") not in _audit(office)
    assert main(_baom(office, "intake", "submit", _answers(tmp_path))) == 0
    assert (OFFICER[0], "login") in _audit(office)


def test_a_wrong_password_is_refused_and_audited(
    office: OfficeContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAOM_PASSWORD", "not-the-password")
    assert main(_baom(office, "--user", OFFICER[0], "case", "list")) == 1
    assert "wrong password" in capsys.readouterr().err
    assert (OFFICER[0], "login_failed") in _audit(office)


def test_an_officer_may_not_add_accounts_but_the_first_administrator_is_added_without_one(
    office: OfficeContext, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAOM_PASSWORD", OFFICER[1])
    monkeypatch.setattr(sys, "stdin", io.StringIO("new-password-1\n"))
    assert main(_baom(office, "--user", OFFICER[0], "user", "add", "bob", "--role", "officer")) == 1
    assert "may not manage_accounts" in capsys.readouterr().err

    monkeypatch.delenv("BAOM_PASSWORD")
    monkeypatch.setattr(sys, "stdin", io.StringIO("admin-password-1\n"))
    assert main(_baom(office, "user", "add", "karim", "--role", "admin")) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("admin-password-2\n"))
    assert main(_baom(office, "user", "add", "nadia", "--role", "admin")) == 1
    assert "named account" in capsys.readouterr().err
    assert [a.name for a in office.accounts.list() if a.role == Role.ADMIN.value] == ["karim"]


def test_office_init_makes_its_first_administrator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.main import main as baom_with_windows

    monkeypatch.setenv("BAOM_PASSWORD", "admin-password-1")
    monkeypatch.setattr(sys, "stdin", io.StringIO("officer-password-1\n"))
    data = tmp_path / "office"
    sheet = tmp_path / "sheet.pdf"
    assert (
        baom_with_windows(
            [
                "--data-dir",
                str(data),
                "office",
                "init",
                "BAOM Tata",
                "--admin",
                "karim",
                "--sheet",
                str(sheet),
            ]
        )
        == 0
    )
    assert (
        baom_with_windows(
            ["--data-dir", str(data), "--user", "karim", "user", "add", "awa", "--role", "officer"]
        )
        == 0
    )
    capsys.readouterr()
    monkeypatch.setenv("BAOM_PASSWORD", "wrong-password")
    assert (
        baom_with_windows(
            [
                "--data-dir",
                str(data),
                "--user",
                "karim",
                "office",
                "recovery-sheet",
                "--out",
                str(tmp_path / "again.pdf"),
            ]
        )
        == 1
    )
    assert not (tmp_path / "again.pdf").exists()
    from kiosk.paths import Paths

    context = open_office(Paths.resolve(data))
    try:
        assert {(a.name, a.role) for a in context.accounts.list()} == {
            ("karim", "admin"),
            ("awa", "officer"),
        }
    finally:
        context.close()


def _session_files(office: OfficeContext) -> list[Path]:
    return sorted((office.paths.config_dir / "terminal-sessions").glob("*.json"))


@pytest.mark.slow
def test_on_a_terminal_the_account_is_asked_once_then_kept_for_a_while(
    office: OfficeContext,
) -> None:
    """Commands in one terminal session (a real shell on a pseudo-terminal): the account
    given to the first is kept for the next; ``baom logout``, the time running out and a
    disabled account each end it."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("BAOM_")}
    baom = f"{sys.executable} -m ui.main " + " ".join(_baom(office)) + " case list --json"
    shell = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile"],
        env={**environment, "PS1": "$ "},
        encoding="utf-8",
        timeout=60,
    )

    def run(*, asked: bool) -> None:
        shell.sendline(baom)
        if shell.expect_exact(["Account: ", "[]"]) == 0:
            assert asked, "the account was asked again"
            shell.sendline(OFFICER[0])
            shell.expect_exact(f"Password for {OFFICER[0]}: ")
            shell.sendline(OFFICER[1])
            shell.expect_exact("[]")
        else:
            assert not asked, "the account was not asked"
        shell.expect_exact("$ ")

    try:
        shell.expect_exact("$ ")
        run(asked=True)
        run(asked=False)
        assert len(_session_files(office)) == 1
        shell.sendline(baom.replace("case list --json", "logout"))
        shell.expect_exact("logged out")
        shell.expect_exact("$ ")
        assert _session_files(office) == []
        run(asked=True)

        (kept,) = _session_files(office)
        session = json.loads(kept.read_text(encoding="utf-8"))
        kept.write_text(json.dumps({**session, "until": "2000-01-01T00:00:00+00:00"}), "utf-8")
        run(asked=True)

        office.accounts.disable(office.system, OFFICER[0])
        shell.sendline(baom)
        shell.expect_exact("Account: ")
        shell.sendcontrol("c")
        shell.expect_exact("$ ")
    finally:
        shell.close(force=True)
    logins = [name for name, action in _audit(office) if action == "login"]
    assert logins == [OFFICER[0]] * 3
