"""The desk's Sync page: a supervisor resolves what sync set aside; an officer never sees it."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from db.models import AuditEntry, EnvelopeStatus, OutboxEnvelope, Role
from db.sync import SyncConflict
from kiosk.office import OfficeContext
from kiosk.sync import review, state
from kiosk.sync.apply import apply_page
from protocol import wire
from ui.desk import DeskWindow
from ui.desk_sync_review import NoteDialog, SyncReviewPage

from .conftest import OFFICER, LogIn

SUPERVISOR = ("hassan", "long-password-1")


def _setting(key: str, value: Any, seq: int) -> wire.ServerChange:
    return wire.ServerChange(
        seq=seq,
        entity_type="setting",
        entity_id=str(uuid.uuid5(uuid.NAMESPACE_URL, key)),
        operation="upsert",
        payload={"key": key, "value": value},
    )


def _set_aside_two_changes(office: OfficeContext) -> dict[str, str]:
    """Two settings changed here and not sent yet, then by the region: two conflicts."""
    office.settings.set(office.system, "desk.auto_lock_minutes", "7")
    office.settings.set(office.system, "sync.interval_minutes", "8")
    changes = [_setting("desk.auto_lock_minutes", 30, 1), _setting("sync.interval_minutes", 15, 2)]
    page = wire.PullResponse(changes=changes, cursor=2, more=False)
    apply_page(office.store, office.system, office.office_id, page)
    return {row["payload"]["key"]: row["id"] for row in state.conflicts(office.store)}


def _send_all_and_have_two_refused(office: OfficeContext) -> list[str]:
    """Everything sent, then two new records refused by the region."""
    with office.store.unit_of_work(office.system) as uow:
        for number in range(2):
            uow.add(AuditEntry(user_name="test", action="fill", detail=f"record {number}"))
    with office.store.session() as session:
        refused = []
        for envelope in session.scalars(select(OutboxEnvelope)):
            envelope.status = EnvelopeStatus.SENT
        session.flush()
        rows = session.scalars(
            select(OutboxEnvelope)
            .join(AuditEntry, AuditEntry.id == OutboxEnvelope.entity_id)
            .where(AuditEntry.action == "fill")
            .order_by(OutboxEnvelope.created_at)
        )
        for envelope in rows:
            envelope.status = EnvelopeStatus.QUARANTINED
            envelope.last_error = "conflict: the server holds other content for this id"
            refused.append(str(envelope.id))
        session.commit()
    return refused


def _page(qtbot: QtBot, desk: DeskWindow) -> SyncReviewPage:
    main = desk.main_page
    assert main is not None
    main.show_section("sync")
    page = main.pages.currentWidget()
    assert isinstance(page, SyncReviewPage)
    qtbot.waitUntil(lambda: page.conflicts is not None and not page._tasks.pending)
    return page


def _act(qtbot: QtBot, page: SyncReviewPage, action: str) -> None:
    assert page.buttons[action].isEnabled()
    page.buttons[action].click()
    qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)


def _texts(page: SyncReviewPage, table: str) -> list[list[str]]:
    widget = page.tables[table]
    return [
        [widget.item(row, column).text() for column in range(widget.columnCount())]
        for row in range(widget.rowCount())
    ]


def test_a_supervisor_resolves_one_of_each_on_the_sync_page(
    qtbot: QtBot,
    office: OfficeContext,
    desk: DeskWindow,
    log_in: LogIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conflicts = _set_aside_two_changes(office)
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    log_in(desk, *SUPERVISOR)
    assert desk.main_page is not None and "sync" in desk.main_page.sections
    nav = desk.main_page.navigation
    assert nav.item(desk.main_page.sections.index("sync")).text() == "Synchronisation"
    page = _page(qtbot, desk)
    assert page.title_label.text() == "Synchronisation"
    assert page.empty_labels["envelopes"].isVisible()
    assert not page.empty_labels["conflicts"].isVisible()
    rows = _texts(page, "conflicts")
    assert [row[1] for row in rows] == [
        "Paramètre : Verrouillage automatique du bureau (minutes sans activité)",
        "Paramètre : Synchronisation toutes les (minutes)",
    ]
    assert {row[2] for row in rows} == {
        "Le bureau a aussi modifié cet élément et ne l'avait pas encore envoyé."
    }
    assert not page.buttons["apply"].isEnabled()  # nothing selected yet

    lock = conflicts["desk.auto_lock_minutes"]
    page.select("conflicts", lock)
    _act(qtbot, page, "apply")  # refused: the office's own change is not sent yet
    assert "synchronisez d'abord" in page.message_label.text()
    assert page.message_label.text().startswith("Refusé : ")
    assert len(_texts(page, "conflicts")) == 2

    refused = _send_all_and_have_two_refused(office)
    page.refresh()
    qtbot.waitUntil(lambda: page.envelopes is not None and len(page.envelopes) == 2)
    assert not page.empty_labels["envelopes"].isVisible()
    assert _texts(page, "envelopes")[0][1:] == [
        "Entrée du journal",
        "La région a déjà reçu un envoi portant le même numéro, avec un autre contenu.",
    ]
    assert page.tables["envelopes"].item(0, 2).toolTip().startswith("conflict:")

    page.select("conflicts", lock)
    _act(qtbot, page, "apply")
    assert page.message_label.text() == "La modification de la région est appliquée."
    assert office.settings.get("desk.auto_lock_minutes") == 30

    notes: list[str] = []

    def ask(_parent: object, _language: object, prompt: str) -> str:
        notes.append(prompt)
        return "8 minutes suits this office"

    monkeypatch.setattr(NoteDialog, "ask", classmethod(lambda cls, *args: ask(*args)))
    page.select("conflicts", conflicts["sync.interval_minutes"])
    _act(qtbot, page, "dismiss_conflict")
    assert notes[-1].startswith("Pourquoi garder la version du bureau ?")
    assert page.message_label.text() == "Le bureau garde sa version."
    assert office.settings.get("sync.interval_minutes") == 8
    with office.store.session() as session:
        kept = session.get(SyncConflict, uuid.UUID(conflicts["sync.interval_minutes"]))
        assert kept is not None and kept.resolution == "dismissed"
        assert kept.note == "8 minutes suits this office"

    page.select("envelopes", refused[0])
    _act(qtbot, page, "resend")
    assert page.message_label.text() == "Il repartira à la prochaine synchronisation."
    page.select("envelopes", refused[1])
    _act(qtbot, page, "dismiss_envelope")
    assert notes[-1].startswith("Pourquoi écarter cet envoi ?")

    assert page.envelopes == [] and page.conflicts == []
    assert page.empty_labels["envelopes"].isVisible()
    assert page.empty_labels["conflicts"].isVisible()
    status = state.status(office.store)
    # pending: the envelope sent again, the audit entries of the four actions, the
    # sync_pull entry of the setting applied and the setting's refreshed sealed copy
    assert (status["quarantined"], status["conflicts"], status["pending"]) == (0, 0, 1 + 4 + 2)
    with office.store.session() as session:
        statuses = {
            str(row.id): row.status
            for row in session.scalars(
                select(OutboxEnvelope).where(OutboxEnvelope.id.in_(map(uuid.UUID, refused)))
            )
        }
        actions = list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.user_name == "hassan"))
        )
    assert statuses == {refused[0]: EnvelopeStatus.RESENT, refused[1]: EnvelopeStatus.DISMISSED}
    assert {
        "sync_conflict_apply",
        "sync_conflict_dismiss",
        "sync_envelope_resend",
        "sync_envelope_dismiss",
    } <= set(actions)

    desk.language.set_language("ar")  # the same page, in Arabic, right to left
    assert page.title_label.text() == "المزامنة"
    assert page.buttons["apply"].text() == "تطبيق"
    assert page.empty_labels["conflicts"].text() == "لا يوجد تعديل من الجهة في الانتظار."
    assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_a_refusal_is_shown_in_the_officers_language(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    conflicts = _set_aside_two_changes(office)
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1], "ar")
    log_in(desk, *SUPERVISOR)
    page = _page(qtbot, desk)
    assert page.tables["conflicts"].horizontalHeaderItem(2).text() == "لماذا"
    page.select("conflicts", conflicts["desk.auto_lock_minutes"])
    _act(qtbot, page, "apply")
    assert page.message_label.text().startswith("مرفوض: لهذا العنصر تعديلات لم يرسلها المكتب بعد")


def test_an_officer_does_not_see_the_sync_page(desk: DeskWindow, log_in: LogIn) -> None:
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    assert "sync" not in desk.main_page.sections
    assert "sync" not in desk.main_page.section_pages


@pytest.mark.logs_errors("ui.desk_sync_review")  # a failure of the database is logged
def test_a_busy_database_is_said_in_the_officers_words(
    qtbot: QtBot,
    office: OfficeContext,
    desk: DeskWindow,
    log_in: LogIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conflicts = _set_aside_two_changes(office)
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    log_in(desk, *SUPERVISOR)
    page = _page(qtbot, desk)

    def busy(*_args: object) -> None:
        raise OperationalError(
            "UPDATE setting …", {}, sqlite3.OperationalError("database is locked")
        )

    monkeypatch.setattr(review, "apply_conflict", busy)  # a sync round holds the database
    page.select("conflicts", conflicts["desk.auto_lock_minutes"])
    _act(qtbot, page, "apply")
    assert page.message_label.text() == (
        "Refusé : " + desk.language.translator("error.database_busy")
    )
