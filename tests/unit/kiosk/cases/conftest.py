"""Fixtures of the case tests: an office with the demo directory, and intake answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db.directory import Service
from db.uow import Actor
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext


@pytest.fixture
def desk(office: OfficeContext) -> Iterator[OfficeContext]:
    """The test office with the demo service directory imported."""
    import_directory(office.store, office.system, demo_directory())
    yield office


@pytest.fixture
def officer(office: OfficeContext) -> Actor:
    """An officer of the test office (may not override consent nor merge persons)."""
    return Actor(name="amina", role="officer", office_id=office.office_id)


@pytest.fixture
def supervisor(office: OfficeContext) -> Actor:
    """A supervisor of the test office."""
    return Actor(name="sara", role="supervisor", office_id=office.office_id)


def service_for(context: OfficeContext, fragment: str) -> str:
    """The id of the first demo service whose French name contains ``fragment``."""
    with context.store.session() as session:
        found = session.scalar(select(Service.id).where(Service.name.contains(fragment)))
    assert found is not None, fragment
    return str(found)
