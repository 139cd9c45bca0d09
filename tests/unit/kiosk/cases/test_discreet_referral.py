"""``baom referral create … --discreet``: the referral keeps its service, its slip does not."""

from __future__ import annotations

import json

import pytest

from db.uow import Actor
from kiosk.office import OfficeContext
from printing.referral_slip import referral_slip_for
from tests.helpers.persons import TwoPersons, two_persons
from ui.main import main


@pytest.fixture(autouse=True)
def _as_the_administrator(
    command_account: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAOM_USER", command_account[0])
    monkeypatch.setenv("BAOM_PASSWORD", command_account[1])


def test_a_referral_made_discreet_prints_a_neutral_title(
    office: OfficeContext, officer: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    made: TwoPersons = two_persons(office, officer)
    capsys.readouterr()
    base = ["--data-dir", str(office.paths.data_dir), "referral", "create", "--case", made.code]
    base += ["--service", made.service, "--need", "womens_services", "--json"]
    assert main([*base, "--discreet"]) == 0
    discreet = json.loads(capsys.readouterr().out)
    assert main(base) == 0
    plain = json.loads(capsys.readouterr().out)
    assert (discreet["discreet"], plain["discreet"]) == (True, False)
    assert discreet["service"] == plain["service"] != ""  # the record keeps the service
    assert (
        referral_slip_for(office, discreet["code"]).service["fr"] == "Rendez-vous d'accompagnement"
    )
    assert referral_slip_for(office, plain["code"]).service["fr"] == plain["service"]
