"""``baom person rectify`` and ``baom person export`` through the command's entry point:
what the operator sees on standard output and error, and the files written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from db.cases import Person
from db.models import AuditEntry
from db.uow import Actor
from kiosk.office import OfficeContext
from tests.helpers.persons import TwoPersons, two_persons
from ui.main import main


@pytest.fixture(autouse=True)
def _as_the_administrator(
    command_account: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person commands run as a named account: the office's administrator."""
    monkeypatch.setenv("BAOM_USER", command_account[0])
    monkeypatch.setenv("BAOM_PASSWORD", command_account[1])


@pytest.fixture
def made(office: OfficeContext, officer: Actor) -> TwoPersons:
    return two_persons(office, officer)


def _baom(office: OfficeContext, *args: str) -> int:
    return main(["--data-dir", str(office.paths.data_dir), *args])


def test_rectify_corrects_one_field_with_its_reason(
    office: OfficeContext, made: TwoPersons, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _baom(office, "person", "rectify", made.person, "family_name", "Dialo",
                 "--reason", "faute de frappe", "--json")  # fmt: skip
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer == {"person_id": made.person, "field": "family_name", "changed": True}
    with office.store.session() as session:
        person = session.scalars(select(Person).where(Person.family_name == "Dialo")).one()
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "person_corrected", AuditEntry.entity_id == person.id
            )
        ).all()
    assert [(entry.user_name, entry.detail) for entry in audit][-1] == ("admin", "family_name")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("birth_year", "1850", "--reason", "r"), "baom: birth_year: Année de naissance : doit"),
        (("birth_year", "1850", "--reason", "r", "--lang", "ar"), "baom: birth_year: سنة الازدياد"),
        (("nope", "x", "--reason", "r"), "baom: nope: nope : champ inconnu de ce formulaire"),
        (("phone", "0698765432", "--reason", " "), "baom: give the reason of the correction"),
    ],
)
def test_a_refused_rectification_is_one_line_per_field(
    office: OfficeContext,
    made: TwoPersons,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    said: str,
) -> None:
    assert _baom(office, "person", "rectify", made.person, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith(said) and "Traceback" not in err


def test_export_writes_the_json_and_the_pdf_the_suffix_names(
    qapp: QApplication,  # drawing needs Qt: the session's one application, pytest-qt's
    office: OfficeContext,
    made: TwoPersons,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "aminata.json"
    assert _baom(office, "person", "export", made.person, "--out", str(out), "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer == {
        "person_id": made.person,
        "format": "json",
        "language": "ar",
        "path": str(out),
    }
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["given_name"] == "Aminata"

    pdf = tmp_path / "aminata.pdf"
    assert _baom(office, "person", "export", made.person, "--out", str(pdf), "--lang", "fr") == 0
    assert f"written to {pdf}" in capsys.readouterr().out
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    assert "Ce que le bureau garde sur vous" in text and "Aminata" in text


@pytest.mark.parametrize(
    ("target", "name", "said"),
    [
        ("mine", "a.txt", "baom: a.txt: the export is a .json or a .pdf file"),
        ("other", "a.json", "baom: no person 01a2"),
        ("mine", "missing/a.json", "baom: there is no folder"),
        ("mine", "a folder.json/", "a folder.json is a folder: name a file"),
    ],
)
def test_a_refused_export_is_one_line_and_writes_nothing(
    office: OfficeContext,
    made: TwoPersons,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
    name: str,
    said: str,
) -> None:
    person = made.person if target == "mine" else "01a24b92-40ae-769b-b766-c0e37a1915bb"
    folder = tmp_path / "out"
    folder.mkdir()
    if name.endswith("/"):
        (folder / name).mkdir()
    assert _baom(office, "person", "export", person, "--out", str(folder / name)) == 1
    err = capsys.readouterr().err
    assert err.startswith("baom: ") and said in err and "Traceback" not in err
    assert [path for path in folder.rglob("*") if path.is_file()] == []


def test_an_unknown_language_is_refused_by_name(
    office: OfficeContext, made: TwoPersons, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _baom(office, "person", "export", made.person, "--out", str(tmp_path / "a.json"),
              "--lang", "de")  # fmt: skip
    assert stopped.value.code == 2
    assert "argument --lang: invalid choice: 'de'" in capsys.readouterr().err
