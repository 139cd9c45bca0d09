"""Shared fixtures: every test works in a temporary office, never the user's own data."""

from __future__ import annotations

import atexit
import gc
import inspect
import logging
import os
import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path
from types import CodeType

import pytest
from argon2 import PasswordHasher

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db.base import Base
from db.models import Role
from kiosk import accounts
from kiosk.office import OfficeContext, create_office, open_office, open_store
from kiosk.paths import Paths
from regional import region_accounts

# The parsed catalog's cache (kiosk.i18n) goes to a folder of the run, not the user's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="baom-tests-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)

OFFICER = ("amina", "demo-password")


@pytest.fixture(scope="session", autouse=True)
def _one_application_first(qapp: object) -> None:
    """The run's QApplication, made before any test: a command run in this process may draw
    with Qt (printing makes a QGuiApplication when none exists, as the console's ``baom``
    does), and a window test after it could then have no QApplication of its own."""


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""Argon2id at its smallest cost: a hash or a check takes well under a millisecond."""
OFFICE_HASHER = accounts._hasher
REGION_HASHER = region_accounts._hasher
"""What the office and the region really hash with (tests of the cost use them)."""


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Passwords and PINs hashed with :data:`CHEAP_HASHER` in the tests that run in this
    process: at the real cost each login, new account or PIN takes 0.15 s, and the tests
    make hundreds. The algorithm is the real one; ``tests/unit/kiosk/test_accounts.py``
    checks the cost the office really uses, and the commands the end-to-end tests run
    use it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", lambda: CHEAP_HASHER)
        patch.setattr(region_accounts, "_hasher", CHEAP_HASHER)
        yield


@pytest.fixture(scope="session", autouse=True)
def _session_objects_frozen(_one_application_first: None) -> None:
    """What the run holds before its first test (modules, the QApplication, the bundled
    fonts) is frozen out of the garbage collector (``gc.freeze``): every window test's
    collection then scans only what the tests made. Nothing a test makes is frozen: a
    window or a worker frozen alive could never be collected."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the real data folders or a real key."""
    monkeypatch.setenv("BAOM_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.delenv("BAOM_CONFIG_DIR", raising=False)
    monkeypatch.delenv("BAOM_DB_KEY", raising=False)


class _ErrorRecords(logging.Handler):
    """Every record of level ERROR or above that reaches the root logger, from any thread."""

    def __init__(self, expected: frozenset[str]) -> None:
        super().__init__(logging.ERROR)
        self.expected = expected
        self.records: list[logging.LogRecord] = []
        self.reported = 0  # records before this index were already reported or forgiven

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take_unexpected(self) -> list[logging.LogRecord]:
        """The records not yet reported whose logger the test did not declare."""
        new = self.records[self.reported :]
        self.reported = len(self.records)
        return [r for r in new if not any(_logged_by(r, name) for name in self.expected)]

    def silent(self) -> list[str]:
        """The declared loggers that logged no error."""
        return sorted(n for n in self.expected if not any(_logged_by(r, n) for r in self.records))


def _logged_by(record: logging.LogRecord, logger: str) -> bool:
    return record.name == logger or record.name.startswith(logger + ".")


_ERROR_RECORDS = pytest.StashKey[_ErrorRecords]()
_CALL_PASSED = pytest.StashKey[bool]()


def _fail_on(records: list[logging.LogRecord], when: str) -> None:
    if not records:
        return
    lines = [f"{len(records)} unexpected error(s) logged {when}:"]
    for record in records:
        lines.append(f"- {record.name} [{record.levelname}]: {record.getMessage()}")
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            lines.append(f"    {type(error).__module__}.{type(error).__qualname__}: {error}")
    lines.append(
        'A test that means to log an error says so: @pytest.mark.logs_errors("logger.name").'
    )
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(autouse=True)
def _no_unexpected_logged_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test during which an error was logged (level ERROR or above, from any thread:
    a background task's failure callback logs and the test would pass otherwise), unless
    the test declares the logger with ``@pytest.mark.logs_errors("logger.name", ...)``;
    such a test fails if none of its declared loggers logged an error."""
    marker = request.node.get_closest_marker("logs_errors")
    expected = frozenset(marker.args) if marker is not None else frozenset()
    if marker is not None and not expected:
        pytest.fail("@pytest.mark.logs_errors needs the names of the loggers", pytrace=False)
    handler = _ErrorRecords(expected)
    request.node.stash[_ERROR_RECORDS] = handler
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    # Records logged by the teardown of other fixtures (qtbot's delivers pending callbacks)
    _fail_on(handler.take_unexpected(), "after the test")
    silent = handler.silent()
    if silent and request.node.stash.get(_CALL_PASSED, False):
        pytest.fail(
            f"@pytest.mark.logs_errors: no error logged by {', '.join(silent)}", pytrace=False
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fail the test itself (not its teardown) on an error logged while it ran."""
    handler = item.stash.get(_ERROR_RECORDS, None)
    try:
        result = yield
    except BaseException:
        if handler is not None:
            handler.take_unexpected()  # the test failed anyway; pytest shows the captured log
        raise
    if handler is not None:
        _fail_on(handler.take_unexpected(), "during the test")
        item.stash[_CALL_PASSED] = True
    return result


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    """Folders of a new installation."""
    return Paths.resolve(data_dir=tmp_path / "office")


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The folders of an office set up once per session, with one officer account
    (``OFFICER``): migrating a new database and hashing a password take most of a second,
    so each test's ``office`` is a copy of these."""
    root = tmp_path_factory.mktemp("office-template")
    template = Paths.resolve(data_dir=root / "data", config_dir=root / "config")
    store, _ = open_store(template, create=True)
    create_office(store, "BAOM Taliouine", "Taliouine")
    store.close()
    context = open_office(template)
    context.accounts.add(context.system, OFFICER[0], Role.OFFICER, OFFICER[1])
    context.close()
    return template


@pytest.fixture
def office(paths: Paths, office_template: Paths) -> Iterator[OfficeContext]:
    """An office in a temporary folder, copied from ``office_template``: its own database,
    the same office id, recovery key and officer account (``OFFICER``) as every test's."""
    shutil.copytree(office_template.data_dir, paths.data_dir, dirs_exist_ok=True)
    shutil.copytree(office_template.config_dir, paths.config_dir, dirs_exist_ok=True)
    context = open_office(paths)
    yield context
    context.close()
    forget_compiled_statements()


def forget_compiled_statements() -> None:
    """Empty the ORM's caches of compiled INSERT and UPDATE statements. Each mapper keeps
    its last hundred, keyed by the database's dialect: in one process that is one dialect,
    but each test opens its own office, and the old ones kept every closed office's dialect
    and compiled statements alive, some 1,600 objects a test, making every later full
    garbage collection slower."""
    for mapper in Base.registry.mappers:
        mapper._compiled_cache.clear()


@pytest.fixture
def command_account(office: OfficeContext) -> tuple[str, str]:
    """The office's administrator that ``tests.helpers.sync_office.baom`` runs the commands
    needing a named account as (``ACCOUNT``), added to this test's office."""
    from tests.helpers.sync_office import ACCOUNT

    office.accounts.add(office.system, ACCOUNT[0], Role.ADMIN, ACCOUNT[1])
    return ACCOUNT


OUTSIDE_FIXTURES = frozenset({"postgresql_server", "cups_server", "browser"})
"""Fixtures that start a server or a browser outside the test's process."""
OUTSIDE_HELPERS = frozenset({"running_server", "throwaway_cluster", "chromium"})
"""The helpers of ``tests/helpers`` that start one (``baom-regional serve``, a PostgreSQL
cluster, headless Chromium)."""


def _names(code: CodeType) -> set[str]:
    """The global and attribute names that ``code`` and the functions nested in it use."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= _names(constant)
    return names


def _outside(item: pytest.Item) -> bool:
    """Whether ``item`` needs an outside server or browser: it (or one of its fixtures) uses
    an outside fixture or helper, or it is the ``postgresql`` case of a parametrised test
    (``db_url`` reaches the cluster with ``request.getfixturevalue``)."""
    if OUTSIDE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgresql" in callspec.params.values():
        return True
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)  # pytest's record of the fixtures a test uses
    if info is not None:
        functions += [fixture.func for defs in info.name2fixturedefs.values() for fixture in defs]
    for function in functions:
        code = getattr(inspect.unwrap(function), "__code__", None) if function else None
        if code is not None and OUTSIDE_HELPERS & _names(code):
            return True
    return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses qtbot as ``gui``, and every test that needs an outside
    server or browser as ``outside`` (``make test-fast`` leaves those out)."""
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
        if _outside(item):
            item.add_marker(pytest.mark.outside)
