"""The one way to work off the GUI thread: latest of a kind, outside I/O, what changed, Follow."""

from __future__ import annotations

import threading
from concurrent.futures.thread import _WorkItem
from functools import partial

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QStackedWidget, QWidget
from pytestqt.qtbot import QtBot

from db.changes import Changes
from db.models import Role, Setting
from kiosk.office import OfficeContext
from ui.tasks import Follow, FollowingWidget, Tasks


def _write_setting(office: OfficeContext, key: str) -> str:
    with office.store.unit_of_work(office.system) as uow:
        uow.add(Setting(key=key, value="1"))
    return key


def test_only_the_latest_of_a_kind_is_delivered(qtbot: QtBot, tasks: Tasks) -> None:
    gate = threading.Event()
    ran: list[str] = []
    delivered: list[str] = []

    def work(text: str) -> str:
        if text == "h":
            gate.wait(5)
        ran.append(text)
        return text

    for text in ("h", "hô", "hôp", "hôpital"):  # typed while the first search runs
        tasks.run(lambda t=text: work(t), delivered.append, pytest.fail, latest="search")
    gate.set()
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert delivered == ["hôpital"]
    assert ran == ["h", "hôpital"]  # those overtaken while waiting never ran


def test_work_that_writes_announces_its_tables_and_who_asked(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    seen: list[tuple[Changes, object]] = []
    tasks.executed.connect(lambda changes, initiator: seen.append((changes, initiator)))
    tasks.run(lambda: office.settings.all(), lambda _: None, pytest.fail, initiator=page)
    tasks.run(lambda: _write_setting(office, "a"), lambda _: None, pytest.fail, initiator=page)
    qtbot.waitUntil(lambda: bool(seen))
    changes, initiator = seen[0]
    assert initiator is page
    assert changes.tables == {"setting", "outbox_envelope", "audit_entry"}
    qtbot.wait(200)  # several looks for changes: our own write is not announced again
    assert len(seen) == 1


def test_a_write_by_another_connection_is_announced_without_initiator(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    qtbot.waitUntil(lambda: tasks.pending == 0)
    with qtbot.waitSignal(tasks.executed, timeout=3000) as blocker:
        office.accounts.add(office.system, "driss", Role.OFFICER, "long-password-4")
    changes, initiator = blocker.args
    assert "user_account" in changes.tables and initiator is None


def test_a_look_for_changes_asked_again_meanwhile_loses_nothing(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    """The poll's timer fires again while a look is still on its way (a slow machine, long
    work ahead of it on the worker): what the first look found is still announced."""
    qtbot.waitUntil(lambda: tasks.pending == 0)
    seen: list[Changes] = []
    tasks.executed.connect(lambda changes, _initiator: seen.append(changes))
    office.accounts.add(office.system, "driss", Role.OFFICER, "long-password-4")
    tasks.look_for_changes()
    tasks.look_for_changes()  # before the first look's result reached the GUI thread
    qtbot.waitUntil(lambda: any("user_account" in changes.tables for changes in seen), timeout=3000)


def test_outside_work_does_not_hold_up_the_database(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    printer_answers = threading.Event()
    threads: list[str] = []
    read: list[object] = []
    tasks.run_outside(
        lambda: (printer_answers.wait(5), threads.append(threading.current_thread().name)),
        lambda _: None,
        pytest.fail,
    )
    tasks.run(lambda: office.settings.all(), read.append, pytest.fail)
    qtbot.waitUntil(lambda: bool(read), timeout=2000)  # while the printer still hangs
    printer_answers.set()
    qtbot.waitUntil(lambda: bool(threads))
    assert threads[0].startswith("baom-io")


def test_a_forgotten_kind_delivers_nothing(qtbot: QtBot, tasks: Tasks) -> None:
    gate = threading.Event()
    delivered: list[str] = []
    tasks.run(lambda: (gate.wait(5), "ticket")[1], delivered.append, pytest.fail, latest="take")
    tasks.forget("take")  # the visitor left
    gate.set()
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert delivered == []


def test_a_hidden_page_reads_again_only_when_shown(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    stack = QStackedWidget()
    pages = {name: FollowingWidget() for name in ("settings", "hidden", "queue")}
    for page in pages.values():
        stack.addWidget(page)
    qtbot.addWidget(stack)
    reads = dict.fromkeys(pages, 0)

    def count(name: str) -> None:
        reads[name] += 1

    for name, tables in (("settings", {"setting"}), ("hidden", {"setting"}), ("queue", {"ticket"})):
        pages[name].follow = Follow(pages[name], tasks, tables, partial(count, name))
    stack.show()  # the first page is shown: its first read
    assert reads == {"settings": 1, "hidden": 0, "queue": 0}

    tasks.run(lambda: _write_setting(office, "b"), lambda _: None, pytest.fail)
    qtbot.waitUntil(lambda: reads["settings"] == 2)
    assert reads["hidden"] == 0 and pages["hidden"].follow.stale
    assert reads["queue"] == 0  # another table, and hidden: nothing read

    stack.setCurrentWidget(pages["hidden"])
    assert reads["hidden"] == 1 and not pages["hidden"].follow.stale
    stack.setCurrentWidget(pages["settings"])
    assert reads["settings"] == 2  # shown again, nothing changed meanwhile: no read


@pytest.mark.database_on_gui_thread
def test_a_desk_function_using_the_database_on_the_gui_thread_is_caught(
    office: OfficeContext,
) -> None:
    from tests.helpers.gui_thread import watching_the_gui_thread
    from ui.desk import save_language

    with watching_the_gui_thread() as faults:
        office.settings.all()  # the test itself, arranging: allowed
        assert faults == []
        save_language(office, office.accounts.login("amina", "demo-password")[0], "ar")
    assert faults and faults[0].startswith("desk.py: save_language")


def test_garbage_is_collected_on_the_gui_thread_only(qtbot: QtBot, tasks: Tasks) -> None:
    import gc

    assert not gc.isenabled()  # a worker never starts a collection
    collected_on: list[str] = []

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    gc.callbacks.append(note)
    try:
        for _ in range(5000):  # cycles enough to pass the first threshold
            cycle: list[object] = []
            cycle.append(cycle)
        qtbot.waitUntil(lambda: bool(collected_on), timeout=3000)
    finally:
        gc.callbacks.remove(note)
    assert set(collected_on) == {threading.main_thread().name}


def test_what_a_task_held_is_let_go_on_the_gui_thread(
    qtbot: QtBot, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An object whose last reference is a task's callback (a page closed while its search
    ran) is deleted on the GUI thread, even when the worker lets go of its work after the
    GUI thread took the result: deleted on a worker, its running timers would stay
    registered and crash the event loop (seen in the window tests)."""
    taken = threading.Event()
    run = _WorkItem.run

    def run_then_linger(item: _WorkItem) -> None:
        run(item)
        taken.wait(5)  # the worker keeps its work item until the GUI thread took the result

    monkeypatch.setattr(_WorkItem, "run", run_then_linger)
    deleted_on: list[str] = []
    owner = QTimer()  # owned by Python, with a running timer
    owner.start(60_000)
    owner.destroyed.connect(
        lambda *_: deleted_on.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )
    tasks.run(lambda: "done", partial(owner.setProperty, "result"), pytest.fail)
    del owner  # only the task holds it now
    qtbot.waitUntil(lambda: tasks.pending == 0)
    taken.set()
    qtbot.waitUntil(lambda: bool(deleted_on))
    assert deleted_on == [threading.main_thread().name]
