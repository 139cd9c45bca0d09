"""``baom office init`` and ``baom office recovery-sheet``: the recovery sheet as an
administrator gets it from the real command."""

from __future__ import annotations

import json
import stat
import subprocess
import unicodedata
from pathlib import Path

from sqlalchemy import select

from db.models import AuditEntry
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.recovery import office_recovery_key, parse_words
from tests.e2e.test_cli import baom
from tests.helpers.sync_office import ACCOUNT


def _sheet_words(sheet: Path) -> list[str]:
    """The words printed on a sheet, in the order pdftotext reads them."""
    text = subprocess.run(
        ["pdftotext", str(sheet), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return [word for word in unicodedata.normalize("NFKC", text).split() if word.isalpha()]


def _one_line_error(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_init_gives_the_key_its_sheet_and_says_where_it_is(tmp_path: Path) -> None:
    answer = json.loads(
        baom(tmp_path, "office", "init", "BAOM Tata", "--admin", ACCOUNT[0], "--json").stdout
    )
    assert set(answer) == {"office_id", "recovery_key", "recovery_sheet"}
    key_words = answer["recovery_key"].split(" ")
    assert len(key_words) == 12

    paths = Paths.resolve(tmp_path)
    sheet = Path(answer["recovery_sheet"])
    assert sheet == paths.config_dir / "recovery-sheet.pdf"
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    assert sheet.read_bytes().startswith(b"%PDF")
    assert all(word in _sheet_words(sheet) for word in key_words)

    context = open_office(paths)
    try:
        assert str(context.office_id) == answer["office_id"]
        assert parse_words(answer["recovery_key"]) == office_recovery_key(context.store)
    finally:
        context.close()


def test_init_without_json_tells_the_administrator_what_to_do(tmp_path: Path) -> None:
    sheet = tmp_path / "feuille.pdf"
    lines = baom(
        tmp_path / "office",
        "office",
        "init",
        "BAOM Akka",
        "--commune",
        "Akka",
        "--sheet",
        str(sheet),
    ).stdout.splitlines()
    assert lines[0].startswith("office 'BAOM Akka' created (")
    assert str(sheet) in lines[1]
    assert "safe" in lines[2] and "delete the file" in lines[2]
    assert sheet.exists()


def test_a_sheet_is_written_again_with_the_same_key_and_audited(tmp_path: Path) -> None:
    answer = json.loads(
        baom(tmp_path, "office", "init", "BAOM Irherm", "--admin", ACCOUNT[0], "--json").stdout
    )
    again = tmp_path / "again.pdf"
    said = baom(tmp_path, "office", "recovery-sheet", "--out", str(again)).stdout
    assert str(again) in said
    assert stat.S_IMODE(again.stat().st_mode) == 0o600
    assert _sheet_words(again) == _sheet_words(Path(answer["recovery_sheet"]))

    refused = baom(tmp_path, "office", "recovery-sheet", "--out", str(again), check=False)
    _one_line_error(refused, "exists already")

    context = open_office(Paths.resolve(tmp_path))
    try:
        with context.store.session() as session:
            audited = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "recovery_sheet")
            ).all()
            assert [(entry.user_name, entry.detail) for entry in audited] == [
                ("system", f"written to {answer['recovery_sheet']}"),
                (ACCOUNT[0], f"written to {again}"),
            ]
    finally:
        context.close()


def test_init_refuses_a_sheet_file_that_exists_and_changes_nothing(tmp_path: Path) -> None:
    taken = tmp_path / "taken.pdf"
    taken.write_bytes(b"a letter")
    data = tmp_path / "office"
    refused = baom(
        data,
        "office",
        "init",
        "BAOM Tata",
        "--admin",
        ACCOUNT[0],
        "--sheet",
        str(taken),
        check=False,
    )
    _one_line_error(refused, "exists already")
    assert taken.read_bytes() == b"a letter"
    baom(
        data,
        "office",
        "init",
        "BAOM Tata",
        "--admin",
        ACCOUNT[0],
        "--sheet",
        str(tmp_path / "free.pdf"),
    )


def test_errors_are_one_line(tmp_path: Path) -> None:
    _one_line_error(
        baom(tmp_path, "office", "recovery-sheet", "--out", str(tmp_path / "x.pdf"), check=False),
        "no office is set up",
    )
    baom(tmp_path, "office", "init", "BAOM Foum Zguid", "--admin", ACCOUNT[0])
    _one_line_error(
        baom(
            tmp_path, "office", "recovery-sheet", "--out", str(tmp_path / "no/x.pdf"), check=False
        ),
        "there is no folder",
    )
