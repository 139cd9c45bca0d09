"""The intake, case, person and referral commands: a visitor served at the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.test_cli import baom
from tests.helpers.intake import answers
from tests.helpers.sync_office import ACCOUNT


def _json(data_dir: Path, *args: str) -> Any:
    return json.loads(baom(data_dir, *args, "--json").stdout)


def _answers_file(folder: Path, name: str, values: dict[str, Any]) -> str:
    path = folder / name
    path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_from_ticket_to_referral_and_its_outcome(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "demo", "--no-gui")
    ticket = _json(data, "ticket", "take", "--reason", "civil_registration")
    saved = _json(
        data,
        "intake",
        "submit",
        _answers_file(tmp_path, "a.json", answers(person__given_name="Mohamed")),
        "--ticket",
        ticket["number"],
    )
    assert set(saved) >= {"case_id", "person_id"} and saved["anonymous"] is False

    found = _json(data, "person", "search", "محمد")
    assert [hit["person_id"] for hit in found] == [saved["person_id"]]
    case = _json(data, "case", "show", saved["case_id"])
    assert case["person"]["given_name"] == "Mohamed"
    visit = next(item for item in case["timeline"] if item["kind"] == "visit")
    assert visit["ticket_id"] == ticket["ticket_id"]

    service = _json(data, "directory", "search", "etat civil")[0]["service_id"]
    referral = _json(
        data,
        "referral",
        "create",
        "--case",
        case["code"],
        "--service",
        service,
        "--need",
        "civil_registration",
        "--priority",
        "urgent",
    )
    assert set(referral) >= {"referral_id", "code", "token", "url", "due"}
    assert referral["url"].endswith(f"/r/{referral['token']}")
    code = referral["code"]
    assert _json(data, "referral", "set", code, "--state", "sent")["state"] == "sent"
    early = ("--state", "done", "--date", "2020-01-01")  # before the referral was made
    refused = baom(data, "referral", "set", code, *early, check=False)
    assert refused.returncode == 1 and "outcome date 2020-01-01 is before" in refused.stderr
    assert "Traceback" not in refused.stderr
    declined = _json(data, "referral", "set", code, "--state", "declined", "--reason", "full")
    assert (declined["state"], declined["reason"]) == ("declined", "full")
    refused = baom(data, "referral", "set", code, "--state", "done", check=False)
    assert refused.returncode == 1 and "declined: it cannot become done" in refused.stderr
    assert _json(data, "referral", "show", code.lower())["state"] == "declined"
    assert [r["code"] for r in _json(data, "referral", "list")] == [code]
    assert _json(data, "referral", "list", "--overdue") == []
    assert [c["code"] for c in _json(data, "case", "list", "--open")] == [case["code"]]

    closed = _json(data, "case", "close", case["code"], "--reason", "need_met")
    assert closed == {"case_id": case["case_id"], "code": case["code"], "action": "close"}
    refused = baom(data, "case", "note", case["code"], "revenu", check=False)
    assert refused.returncode == 1 and "closed: reopen it first" in refused.stderr
    assert _json(data, "case", "reopen", case["code"])["action"] == "reopen"
    assert _json(data, "case", "note", case["code"], "revenu")["action"] == "note"
    assert _json(data, "case", "show", case["code"])["status"] == "open"


def test_invalid_answers_exit_1_with_field_errors_in_the_language_and_save_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "office"
    baom(data, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    bad = answers(person__birth_year=3000, person__sex="x")
    result = baom(
        data,
        "intake",
        "submit",
        _answers_file(tmp_path, "bad.json", bad),
        "--lang",
        "en",
        "--json",
        check=False,
    )
    assert result.returncode == 1
    errors = json.loads(result.stdout)["errors"]
    assert {"person.birth_year", "person.sex"} <= {error["field"] for error in errors}
    assert all(set(error) == {"field", "message"} for error in errors)
    assert "Traceback" not in result.stderr
    assert _json(data, "case", "list") == []
    not_json = baom(data, "intake", "submit", _answers_file(tmp_path, "x.json", []), check=False)
    assert not_json.returncode == 1 and "JSON object" in not_json.stderr


def _submit_text(data: Path, folder: Path, text: str) -> Any:
    """``baom intake submit`` of a file holding ``text``, in English, refused."""
    path = folder / "attack.json"
    path.write_text(text, encoding="utf-8")
    result = baom(data, "intake", "submit", str(path), "--lang", "en", "--json", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = json.loads(result.stdout)["errors"]
    assert errors and all(set(error) == {"field", "message"} for error in errors)
    return {error["field"]: error["message"] for error in errors}


def test_answers_built_to_break_the_reader_are_field_errors(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    valid = json.dumps(answers())[1:-1]
    deep = "[" * 100_000 + "]" * 100_000
    errors = _submit_text(data, tmp_path, f'{{{valid}, "notes": {deep}}}')
    assert errors.keys() == {"notes"} and "nested" in errors["notes"]
    errors = _submit_text(data, tmp_path, deep)
    assert errors.keys() == {""}
    year = "1" * 5_000
    with_year = json.dumps(answers())[:-1] + f', "person.birth_year": {year}}}'
    errors = _submit_text(data, tmp_path, with_year)
    assert errors == {"person.birth_year": "Year of birth: enter a whole number"}
    assert _json(data, "case", "list") == []


def test_a_name_that_shows_reversed_is_refused_in_the_officers_language(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    hidden = answers(person__family_name="\u202eollaiD", notes="RDV\x00 lundi")
    errors = _submit_text(data, tmp_path, json.dumps(hidden))
    assert errors.keys() == {"person.family_name", "notes"}
    assert "invisible characters" in errors["person.family_name"]
    assert _json(data, "case", "list") == []
    saved = _json(data, "intake", "submit", _answers_file(tmp_path, "ok.json", answers()))
    note = baom(data, "case", "note", saved["case_code"], "vu\u2067 hier", check=False)
    assert note.returncode == 1 and note.stderr.count("\n") == 1 and "invisible" in note.stderr
    path = _answers_file(tmp_path, "again.json", answers())
    unknown = baom(data, "intake", "submit", path, "--person", "nope", check=False)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "--person: invalid UUID value" in unknown.stderr


def test_an_outcome_heard_on_a_referral_not_sent_yet_marks_it_sent_by_phone_as_the_desk_does(
    tmp_path: Path,
) -> None:
    data = tmp_path / "office"
    baom(data, "demo", "--no-gui")
    saved = _json(data, "intake", "submit", _answers_file(tmp_path, "a.json", answers()))
    service = _json(data, "directory", "search", "etat civil")[0]["service_id"]
    made = _json(
        data,
        "referral",
        "create",
        "--case",
        saved["case_code"],
        "--service",
        service,
        "--need",
        "civil_registration",
    )
    assert made["state"] == "created"  # no slip printed: the service was told another way

    accepted = _json(data, "referral", "set", made["code"], "--state", "accepted")
    assert set(accepted) == set(made) and accepted["state"] == "accepted"
    assert accepted["sent_at"] is not None
    timeline = _json(data, "case", "show", saved["case_code"])["timeline"]
    heard = [(item["kind"], item["source"]) for item in timeline if "source" in item]
    assert heard == [
        ("referral_created", "officer"),
        ("referral_sent", "phone"),
        ("referral_accepted", "phone"),
    ]


def test_a_known_person_is_changed_only_in_the_fields_named_with_update(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    first = _json(data, "intake", "submit", _answers_file(tmp_path, "a.json", answers()))
    again = _answers_file(
        tmp_path,
        "b.json",
        answers(person__given_name="Aminatou", person__phone="0700000000", needs=["housing"]),
    )
    known = ("intake", "submit", again, "--person", first["person_id"])

    kept = _json(data, *known)
    assert set(kept) >= set(first)  # the keys of before are all there
    assert (kept["updated"], kept["kept"]) == ([], ["given_name", "phone"])
    text = baom(data, *known).stdout
    assert "kept the person's given_name, phone (--update FIELD changes one)" in text
    person = _json(data, "case", "show", first["case_id"])["person"]
    assert (person["given_name"], person["phone"]) == ("Aminata", "+212612345678")

    updated = _json(data, *known, "--update", "phone")
    assert (updated["updated"], updated["kept"]) == (["phone"], ["given_name"])
    case = _json(data, "case", "show", first["case_id"])
    assert (case["person"]["given_name"], case["person"]["phone"]) == ("Aminata", "+212700000000")
    (corrected,) = [item for item in case["timeline"] if item["kind"] == "person_corrected"]
    assert (corrected["fields"], corrected["author"]) == (["phone"], ACCOUNT[0])

    refused = baom(data, *known, "--update", "needs", "--json", check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert [error["field"] for error in json.loads(refused.stdout)["errors"]] == ["update"]


def test_a_need_marked_met_or_not_met_at_the_command_line_shows_on_the_case(
    tmp_path: Path,
) -> None:
    data = tmp_path / "office"
    baom(data, "demo", "--no-gui")
    code = _json(data, "intake", "submit", _answers_file(tmp_path, "a.json", answers()))[
        "case_code"
    ]
    shown = _json(data, "case", "show", code)["needs"]
    assert [(n["need"], n["state"], n["suggest_met"]) for n in shown] == [
        ("civil_registration", "open", None),
        ("health", "open", None),
    ]
    met = _json(data, "case", "need", code, "health", "--met")
    assert (met["code"], met["need"], met["state"], met["reason"]) == (code, "health", "met", "")

    refused = baom(data, "case", "need", code, "civil_registration", "--not-met", check=False)
    assert refused.returncode == 1 and "needs a reason among" in refused.stderr
    assert "Traceback" not in refused.stderr
    wrong = baom(data, "case", "need", code, "health", "--met", "--not-met", check=False)
    assert wrong.returncode == 2
    args = ("civil_registration", "--not-met", "--reason", "lost_contact")
    assert _json(data, "case", "need", code, *args)["state"] == "not_met"

    case = _json(data, "case", "show", code)
    assert {n["need"]: (n["state"], n["reason"]) for n in case["needs"]} == {
        "civil_registration": ("not_met", "lost_contact"),
        "health": ("met", ""),
    }
    changes = [(i["kind"], i["text"]) for i in case["timeline"] if i["kind"].startswith("need_")]
    assert changes == [("need_met", "health"), ("need_not_met", "civil_registration")]
    plain = baom(data, "case", "need", code, "health", "--open").stdout
    assert plain.strip() == f"case {code}: need health open"
