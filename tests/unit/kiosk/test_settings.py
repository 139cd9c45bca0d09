"""The settings registry: typed values, clear refusals, each stored where it belongs."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from db.models import AuditEntry, OutboxEnvelope
from kiosk.accounts import PermissionDenied
from kiosk.i18n import default_catalog
from kiosk.office import OfficeContext
from kiosk.paths import Paths
from kiosk.settings import REGISTRY, MachineSettingsFile, Scope, SettingError, lookup


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("desk.auto_lock_minutes", "soon", "expected a whole number"),
        ("desk.auto_lock_minutes", "0", "at least 1"),
        ("desk.language", "de", "must be one of"),
        ("display.clock_24h", "maybe", "true or false"),
        ("no.such.thing", "1", "no such setting"),
    ],
)
def test_a_bad_value_is_refused_naming_the_setting(
    office: OfficeContext, key: str, raw: str, message: str
) -> None:
    before = office.settings.all()
    with pytest.raises(SettingError, match=message) as refused:
        office.settings.set(office.system, key, raw)
    assert str(refused.value).startswith(key)
    assert office.settings.all() == before


def test_values_are_parsed_to_their_type() -> None:
    assert lookup("desk.auto_lock_minutes").parse(" 12 ") == 12
    assert lookup("display.clock_24h").parse("off") is False
    assert lookup("printer.uri").parse("tcp://10.0.0.5:9100") == "tcp://10.0.0.5:9100"


def test_machine_settings_go_to_the_toml_file_and_keep_its_comments(
    office: OfficeContext, paths: Paths
) -> None:
    paths.settings_file.write_text("# printer of the front desk\n[printer]\nwidth_dots = 512\n")
    office.settings.set(office.system, "printer.uri", "tcp://127.0.0.1:9100")

    text = paths.settings_file.read_text()
    assert "# printer of the front desk" in text
    assert office.settings.get("printer.uri") == "tcp://127.0.0.1:9100"
    assert office.settings.get("printer.width_dots") == 512


def test_a_hand_edited_bad_value_in_the_file_is_reported(paths: Paths) -> None:
    paths.settings_file.parent.mkdir(parents=True)
    paths.settings_file.write_text('[printer]\nwidth_dots = "wide"\n')
    with pytest.raises(SettingError, match=r"printer\.width_dots"):
        MachineSettingsFile(paths.settings_file).read()


def test_a_settings_file_that_is_not_toml_is_reported_with_where_it_breaks(paths: Paths) -> None:
    paths.settings_file.parent.mkdir(parents=True)
    paths.settings_file.write_text("[printer]\nwidth_dots = 512\nuri = tcp://printer\n")
    with pytest.raises(SettingError, match=r"not a valid settings file \(.*line 3"):
        MachineSettingsFile(paths.settings_file).read()


def test_office_settings_are_stored_in_the_database_and_synced(office: OfficeContext) -> None:
    office.settings.set(office.system, "desk.auto_lock_minutes", "9")
    assert office.settings.get("desk.auto_lock_minutes") == 9
    with office.store.session() as session:
        envelope = session.scalar(
            select(OutboxEnvelope).where(OutboxEnvelope.entity_type == "setting")
        )
    assert envelope is not None
    assert json.loads(envelope.payload)["key"] == "desk.auto_lock_minutes"


def test_an_officer_cannot_change_office_settings(office: OfficeContext) -> None:
    officer, _ = office.accounts.login("amina", "demo-password")
    with pytest.raises(PermissionDenied):
        office.settings.set(officer, "accounts.max_failed_logins", "20")
    assert office.settings.get("accounts.max_failed_logins") == 5


def test_an_officer_chooses_the_counter_of_the_pc_they_work_at(office: OfficeContext) -> None:
    """The Queue page remembers the counter an officer picks (the whole-day scenario found
    every officer's choice refused); it is audited like any machine setting."""
    officer, _ = office.accounts.login("amina", "demo-password")
    assert office.settings.set(officer, "desk.counter", "2") == 2
    assert office.settings.get("desk.counter") == 2
    with office.store.session() as session:
        audited = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "change machine setting")
        ).all()
    assert audited == ["desk.counter = 2"]


def test_an_officer_chooses_the_desk_text_size_of_the_pc_they_work_at(
    office: OfficeContext,
) -> None:
    """Low vision: the officer at the PC makes the desk's text larger, within reason."""
    officer, _ = office.accounts.login("amina", "demo-password")
    assert office.settings.get("desk.text_size") == 100
    assert office.settings.set(officer, "desk.text_size", "150") == 150
    assert office.settings.get("desk.text_size") == 150
    for refused in ("80", "200"):
        with pytest.raises(SettingError):
            office.settings.set(officer, "desk.text_size", refused)
    assert office.settings.get("desk.text_size") == 150


def test_every_setting_has_a_label_and_a_valid_default() -> None:
    catalog = default_catalog()
    for setting in REGISTRY.values():
        assert setting.label_key in catalog.keys(), setting.key
        assert setting.validate(setting.default) == setting.default
        assert setting.scope in (Scope.MACHINE, Scope.OFFICE)


def test_a_machine_setting_changed_is_audited_and_needs_a_supervisor(
    office: OfficeContext,
) -> None:
    officer, _ = office.accounts.login("amina", "demo-password")
    with pytest.raises(PermissionDenied):  # this computer's printer is the office's too
        office.settings.set(officer, "printer.uri", "tcp://192.0.2.9")
    assert office.settings.get("printer.uri") == ""
    office.settings.set(office.system, "printer.uri", "tcp://192.0.2.9")
    with office.store.session() as session:
        audited = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "change machine setting")
        ).all()
    assert audited == ["printer.uri = tcp://192.0.2.9"]
