"""Reads never wait for the write lock, and reading sessions cannot write."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from regional.database import make_engine, reader_factory, session_factory
from regional.models import ServerMeta
from regional.offices import list_machines
from regional.stats import regional_stats
from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, push, record
from tests.unit.regional.test_stats import stat


@contextmanager
def writer_holding_locks(db_url: str, office: Enrolled) -> Iterator[None]:
    """Another connection in the middle of writing: on SQLite it holds the write lock; on
    PostgreSQL, the rows of the office and of its PCs."""
    if db_url.startswith("sqlite"):
        holder = sqlite3.connect(make_url(db_url).database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection, connection.begin():
            for table in ("office", "office_machine"):
                connection.exec_driver_sql(f"SELECT * FROM {table} FOR UPDATE")
            yield
    finally:
        engine.dispose()


def test_sync_reads_and_statistics_run_beside_a_writer(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    person = envelope("person", record(office.office_id))
    assert push(client, office, person, *[stat(office) for _ in range(6)]) == ["accepted"] * 7
    runtime = client.app.state.regional  # type: ignore[attr-defined]
    with writer_holding_locks(db_url, office):
        pulled = client.get("/api/v1/pull", headers=office.headers)
        assert pulled.status_code == 200 and pulled.json()["more"] is False
        status = client.get(f"/api/v1/envelopes/{person['id']}", headers=office.headers)
        assert status.status_code == 200 and status.json()["status"] == "stored"
    stored = regional_stats(runtime.reader, runtime.factory, "2026-10", clock())
    assert stored["total"] == 6
    with writer_holding_locks(db_url, office):  # published figures are read, not written
        assert regional_stats(runtime.reader, runtime.factory, "2026-10", clock()) == stored


def test_a_pc_last_sync_is_noted_once_a_minute(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    assert client.get("/api/v1/pull", headers=office.headers).status_code == 200
    noted = clock()
    clock.advance(timedelta(seconds=59))
    with writer_holding_locks(db_url, office):  # a read alone: the time is not written
        assert client.get("/api/v1/pull", headers=office.headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert client.get("/api/v1/pull", headers=office.headers).status_code == 200
    runtime = client.app.state.regional  # type: ignore[attr-defined]
    with runtime.reader() as session, session.begin():
        listed = list_machines(session, uuid.UUID(office.office_id))
    assert listed[0]["last_sync"] == (noted + timedelta(seconds=60)).isoformat()


def test_a_reading_session_cannot_write(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        reader = reader_factory(engine)
        row = insert(ServerMeta).values(key="probe", value="x")
        with pytest.raises(DBAPIError), reader() as session, session.begin():
            session.execute(row)
        with session_factory(engine)() as session, session.begin():  # a writer still can
            session.execute(row)
    finally:
        engine.dispose()
