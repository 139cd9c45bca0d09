"""The ``baom`` and ``baom-regional`` commands, run as an administrator would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.sync_office import ACCOUNT, ACCOUNT_ENVIRONMENT

BAOM = [sys.executable, "-m", "ui.main"]


def baom(
    data_dir: Path, *args: str, stdin: str = "", check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``baom --data-dir DATA_DIR ARGS`` and return what it did."""
    result = subprocess.run(
        [*BAOM, "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **ACCOUNT_ENVIRONMENT, "QT_QPA_PLATFORM": "offscreen"},
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_an_administrator_sets_up_an_office_and_its_accounts(tmp_path: Path) -> None:
    baom(
        tmp_path, "office", "init", "BAOM Ouijjane", "--admin", ACCOUNT[0], "--commune", "Ouijjane"
    )
    baom(tmp_path, "user", "add", "hassan", "--role", "supervisor", stdin="long-password-1\n")
    baom(tmp_path, "user", "add", "awa", "--role", "officer", stdin="long-password-2\n")
    baom(tmp_path, "user", "disable", "awa")

    listed = json.loads(baom(tmp_path, "user", "list", "--json").stdout)
    assert [(a["name"], a["role"], a["disabled"]) for a in listed] == [
        (ACCOUNT[0], "admin", False),
        ("awa", "officer", True),
        ("hassan", "supervisor", False),
    ]
    assert all("password" not in key for account in listed for key in account)


def test_settings_are_shown_and_changed_with_validation(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    baom(tmp_path, "config", "set", "desk.auto_lock_minutes", "10")
    refused = baom(tmp_path, "config", "set", "desk.auto_lock_minutes", "ten", check=False)
    assert refused.returncode == 1
    assert "desk.auto_lock_minutes: expected a whole number" in refused.stderr
    assert "Traceback" not in refused.stderr

    shown = json.loads(baom(tmp_path, "config", "show", "--json").stdout)
    assert shown["desk.auto_lock_minutes"] == 10
    assert shown["printer.width_dots"] == 576


def test_db_check_fails_on_a_database_behind_and_upgrade_mends_it(tmp_path: Path) -> None:
    code = (
        "from kiosk.paths import Paths; from kiosk.security import load_key; "
        f"from db.store import Store; p = Paths.resolve({str(tmp_path)!r}); "
        "Store.open(p.database, load_key(p.key_file, p.database), create=True).close()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

    behind = baom(tmp_path, "db", "check", check=False)
    assert behind.returncode == 1
    assert "behind" in behind.stderr and "baom db upgrade" in behind.stderr
    baom(tmp_path, "db", "upgrade")
    assert "up to date" in baom(tmp_path, "db", "check").stdout


@pytest.mark.parametrize("damage", ["key", "file"])
def test_a_wrong_key_or_damaged_file_gives_a_message_not_a_traceback(
    tmp_path: Path, damage: str
) -> None:
    baom(tmp_path, "office", "init", "BAOM Taliouine", "--admin", ACCOUNT[0])
    database = tmp_path / "baom.db"
    if damage == "key":
        (tmp_path / "config" / "database.key").write_text("0" * 64)
    else:
        database.write_bytes(b"\x00garbage" * 512)
    before = database.read_bytes()

    for command in (["user", "list"], ["run", "--smoke"], ["db", "upgrade"]):
        result = baom(tmp_path, *command, check=False)
        assert result.returncode == 1
        assert "key is wrong or the file is damaged" in result.stderr
        assert "Traceback" not in result.stderr
    assert database.read_bytes() == before


def test_commands_without_an_office_say_how_to_make_one(tmp_path: Path) -> None:
    result = baom(tmp_path, "user", "list", check=False)
    assert result.returncode == 1
    assert "baom office init" in result.stderr


def test_demo_without_gui_prints_where_it_is_and_the_credentials(tmp_path: Path) -> None:
    first = baom(tmp_path, "demo", "--no-gui").stdout
    assert str(tmp_path) in first
    assert "name: agent  password: baom-demo" in first
    assert "the PIN 2580" in first
    again = baom(tmp_path, "demo", "--no-gui").stdout
    assert "name: agent" in again
    listed = json.loads(baom(tmp_path, "user", "list", "--json").stdout)
    assert sorted(account["name"] for account in listed) == ["admin", "agent", "superviseur"]


def test_demo_prints_how_to_open_its_windows_again_as_it_was_typed(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "baom"  # .venv/bin/baom, as make demo runs it
    result = subprocess.run(
        [str(script), "--data-dir", str(tmp_path), "demo", "--no-gui"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    again = f"{script} --data-dir {tmp_path} run --desk --kiosk --display --side-by-side"
    assert f"Open its windows again with: {again}\n" in result.stdout
    assert (
        "Open its windows again with: baom --data-dir" in baom(tmp_path, "demo", "--no-gui").stdout
    )


def test_the_regional_server_command_answers_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "regional.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "baom-regional" in result.stdout


def test_a_supervisor_sets_the_kiosk_pin_of_4_to_8_digits(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Tata", "--admin", ACCOUNT[0])
    for wrong in ("123", "123456789", "12ab"):
        refused = baom(tmp_path, "kiosk", "set-pin", stdin=f"{wrong}\n", check=False)
        assert refused.returncode == 1
        assert "a kiosk PIN is 4 to 8 digits (0-9), nothing else" in refused.stderr
        assert "Traceback" not in refused.stderr
    done = baom(tmp_path, "kiosk", "set-pin", stdin="482916\n")
    assert "the kiosk exit PIN is set" in done.stdout
    assert "482916" not in done.stdout + done.stderr
    shown = baom(tmp_path, "config", "show", "--json").stdout
    assert "exit_pin" not in shown and "argon2" not in shown


@pytest.mark.parametrize("command", [("queue", "reasons", "--json"), ("config", "show")])
def test_a_pipe_closed_early_ends_the_command_quietly(tmp_path: Path, command: tuple[str]) -> None:
    """``baom queue reasons --json | head -1``: the reader has gone before baom writes."""
    baom(tmp_path, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0], "--commune", "Tiznit")
    with subprocess.Popen(
        [*BAOM, "--data-dir", str(tmp_path), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **ACCOUNT_ENVIRONMENT, "QT_QPA_PLATFORM": "offscreen"},
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # before the command has written anything
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=120) == 1
    assert stderr == ""


def test_a_supervisor_imports_the_darija_prompts_recorded_elsewhere(tmp_path: Path) -> None:
    from tests.helpers.sounds import tone_wav

    data = tmp_path / "data"
    baom(data, "office", "init", "BAOM Tata", "--admin", ACCOUNT[0])
    folder = tmp_path / "darija"
    folder.mkdir()
    (folder / "welcome.wav").write_bytes(tone_wav(0.5, rate=44_100, channels=2))
    (folder / "number.7.wav").write_bytes(b"RIFF....WAVE")
    refused = baom(data, "kiosk", "prompts", "import", "ary", str(folder), check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "nothing was imported" in refused.stderr
    assert "number.7.wav: not a WAV file of PCM sound" in refused.stderr

    (folder / "number.7.wav").write_bytes(tone_wav(0.4))
    done = json.loads(baom(data, "kiosk", "prompts", "import", "ary", str(folder), "--json").stdout)
    assert done == {"language": "ary", "imported": ["welcome", "number.7"], "ignored": []}
    status = json.loads(baom(data, "kiosk", "prompts", "--json").stdout)
    assert set(status) == {"ary", "shi"}
    assert status["ary"]["recorded"] == ["welcome", "number.7"]
    assert "welcome" in status["shi"]["missing"] and "number.99" in status["ary"]["missing"]
    unknown = baom(data, "kiosk", "prompts", "import", "kab", str(folder), check=False)
    assert unknown.returncode == 1
    assert "kab: not a spoken language of the kiosk (known: ary, shi)" in unknown.stderr
