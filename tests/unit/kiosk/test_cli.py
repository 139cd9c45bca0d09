"""The ``baom`` command line: every group's commands, imported only when one of them runs."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest

from kiosk.cli import CORE_GROUPS, CommandGroup, main
from kiosk.office import OfficeContext
from kiosk.queue.config import ReasonsError
from kiosk.windows import WindowRequest
from ui.main import GROUPS

ALL_GROUPS = (*CORE_GROUPS, *GROUPS)


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


@pytest.mark.parametrize("group", ALL_GROUPS, ids=lambda group: group.module)
def test_a_group_registers_exactly_the_commands_it_declares(group: CommandGroup) -> None:
    parser = argparse.ArgumentParser()
    group.load().add_commands(parser.add_subparsers())
    assert sorted(_subcommands(parser)) == sorted(group.commands)


def test_the_help_lists_every_command_of_every_group(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"], groups=GROUPS)
    assert exited.value.code == 0
    listed = capsys.readouterr().out
    for group in ALL_GROUPS:
        for command in group.commands:
            assert f"\n    {command} " in listed, command


def _group_modules_loaded(*args: str) -> set[str]:
    """The modules of command groups that ``baom ARGS`` imported, in a fresh process."""
    program = (
        "import sys\n"
        "from ui.main import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('loaded:', *set(sys.modules).intersection({[g.module for g in ALL_GROUPS]!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    return set(result.stdout.splitlines()[-1].split()[1:])


@pytest.mark.slow  # a fresh interpreter per command group: about 6 s
def test_a_command_imports_its_own_group_only(office: OfficeContext) -> None:
    data_dir = str(office.paths.data_dir)
    assert _group_modules_loaded("--data-dir", data_dir, "user", "list") == set()
    assert _group_modules_loaded("--data-dir", data_dir, "ticket", "--help") == {"kiosk.queue_cli"}
    assert _group_modules_loaded("--data-dir", data_dir, "print", "spool") == {"printing.cli"}
    everything = {group.module for group in ALL_GROUPS}
    assert _group_modules_loaded("--help") == everything
    assert _group_modules_loaded("no-such-command") == everything


def test_a_groups_error_raised_by_another_command_is_one_line(
    office: OfficeContext, capsys: pytest.CaptureFixture[str]
) -> None:
    def open_windows(_request: WindowRequest) -> int:
        raise ReasonsError("reasons.toml: reason key 'health' is given twice")

    folders = [
        "--data-dir",
        str(office.paths.data_dir),
        "--config-dir",
        str(office.paths.config_dir),
    ]
    assert main([*folders, "run", "--kiosk"], open_windows=open_windows) == 1
    assert capsys.readouterr().err == "baom: reasons.toml: reason key 'health' is given twice\n"


def test_an_unexpected_error_is_not_hidden(office: OfficeContext) -> None:
    def open_windows(_request: WindowRequest) -> int:
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        main(["--data-dir", str(office.paths.data_dir), "run"], open_windows=open_windows)


def test_office_init_refuses_a_commune_not_of_souss_massa_and_creates_nothing(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    args = ["--data-dir", str(data), "--config-dir", str(config), "office", "init", "BAOM X"]
    assert main([*args, "--commune", "Marrakech"]) == 1
    err = capsys.readouterr().err
    assert "--commune" in err and "'Marrakech' is not a commune of Souss-Massa" in err
    assert "Traceback" not in err
    assert not (data / "baom.db").exists()
