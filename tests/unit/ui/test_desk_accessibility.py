"""The desk as a screen reader meets it: every control of every page has a name.

Each test walks Qt's accessibility interface (``QAccessible``, what AT-SPI hands to Orca) of
one surface of the desk, in French and then in Arabic, and fails on an interactive object
with no name, a combo box named only by its value, a radio button that does not carry its
question, a shortcut written into a name, a nameless Tab stop, or a name that stayed French
in the Arabic desk. One desk is built for the whole module, logged in as a supervisor
(who sees every section), with a case and the directory to show.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import getCppPointer

from db.models import Role
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.forms import load_form
from kiosk.i18n import default_catalog
from kiosk.office import OfficeContext, open_office
from kiosk.paths import Paths
from ui.desk import DeskWindow
from ui.desk_directory import DirectoryPage
from ui.desk_pages import SECTIONS, MainPage
from ui.intake_wizard import IntakeWizard
from ui.language import LanguageState
from ui.tasks import Tasks

from .case_helpers import AICHA, OFFICER

Role_ = QAccessible.Role
INTERACTIVE = frozenset(
    {
        Role_.Button,
        Role_.PushButton,
        Role_.CheckBox,
        Role_.RadioButton,
        Role_.ComboBox,
        Role_.EditableText,
        Role_.List,
        Role_.Table,
        Role_.Tree,
        Role_.PageTab,
        Role_.PageTabList,
        Role_.Slider,
        Role_.SpinBox,
        Role_.Dial,
        Role_.ButtonMenu,
        Role_.ButtonDropDown,
        Role_.ButtonDropGrid,
        Role_.HotkeyField,
        Role_.Link,
        Role_.MenuItem,
    }
)
"""What a screen reader user acts on: each needs a name to be told apart."""
ITEM_VIEWS = frozenset({Role_.List, Role_.Table, Role_.Tree})
"""Their rows are data, named by their text: the walk does not go into them."""
SHORTCUT_IN_NAME = re.compile(r"\[\s*(F\d{1,2}|Ctrl\+|Alt\+|Shift\+)")
SUPERVISOR = ("hassan", "long-password-1")
NAME = QAccessible.Text.Name
VALUE = QAccessible.Text.Value


@dataclass
class Found:
    """One interactive object of a walk: where it is, its role and name."""

    path: str
    role: QAccessible.Role
    name: str
    problem: str = ""


@dataclass
class Walk:
    """Every interactive object under a widget, and what is wrong with each."""

    objects: dict[int, Found] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return [
            f"{found.path} ({found.role.name}, {found.name!r}): {found.problem}"
            for found in self.objects.values()
            if found.problem
        ]


def _label(widget: QWidget | None) -> str:
    if widget is None:
        return "?"
    return widget.objectName() or type(widget).__name__


def _grouped(iface: QAccessibleInterface) -> bool:
    """Whether ``iface`` sits in a named group (a group box with its question as title)."""
    parent = iface.parent()
    while parent is not None and parent.isValid():
        if parent.role() == Role_.Grouping and parent.text(NAME).strip():
            return True
        if parent.role() in (Role_.Window, Role_.Dialog):
            return False
        parent = parent.parent()
    return False


def spoken_name(iface: QAccessibleInterface) -> str:
    """The name a screen reader says. A combo box's is its value on Linux (Qt's AT-SPI
    bridge): Orca says the label tied to it (``QLabel.setBuddy``) instead."""
    name = iface.text(NAME).strip()
    if iface.role() == Role_.ComboBox and name == iface.text(VALUE).strip():
        labels = iface.relations(QAccessible.RelationFlag.Label)
        return " ".join(label.text(NAME).strip() for label, _relation in labels).strip()
    return name


def _problem(iface: QAccessibleInterface, widget: QWidget | None) -> str:
    role, name = iface.role(), spoken_name(iface)
    if not name:
        if role == Role_.ComboBox and iface.text(VALUE).strip():
            return "named only by its value (tie a label to it)"
        return "no name"
    if SHORTCUT_IN_NAME.search(name):
        return "a shortcut written in its name (make it a real shortcut)"
    if role == Role_.RadioButton and isinstance(widget, QAbstractButton):
        if name == widget.text().strip() and not _grouped(iface):
            return "a bare choice: its name does not carry the question"
    return ""


def walk(root: QWidget, skip: tuple[QWidget, ...] = ()) -> Walk:
    """Walk the accessibility interface of ``root`` as a screen reader reads it (hidden
    parts too: they are shown at another moment), but for the widgets of ``skip``."""
    result = Walk()

    def visit(iface: QAccessibleInterface, path: str, depth: int, index_in_parent: int = 0) -> None:
        if depth > 60 or not iface.isValid():
            return
        obj = iface.object()
        widget = obj if isinstance(obj, QWidget) else None
        if widget is not None and widget in skip:
            return
        role = iface.role()
        here = f"{path}/{_label(widget)}" if widget is not None else f"{path}/{role.name}"
        tab_stop = (
            widget is not None
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            and widget.focusProxy() is None  # else the focus goes to its proxy
            and widget.isEnabled()
        )
        if role in INTERACTIVE or tab_stop:
            key = getCppPointer(obj)[0] if obj is not None else hash((here, index_in_parent))
            result.objects[key] = Found(here, role, spoken_name(iface), _problem(iface, widget))
        if role in ITEM_VIEWS:
            return
        if role == Role_.ComboBox:  # its popup list is Qt's own; its line is the officer's
            for index in range(iface.childCount()):
                child = iface.child(index)
                if child is not None and child.role() == Role_.EditableText:
                    visit(child, here, depth + 1, index)
            return
        for index in range(iface.childCount()):
            child = iface.child(index)
            if child is not None:
                visit(child, here, depth + 1, index)

    top = QAccessible.queryAccessibleInterface(root)
    assert top is not None, f"{_label(root)} has no accessibility interface"
    visit(top, "", 0)
    return result


LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")


def still_french(french: Walk, arabic: Walk) -> list[str]:
    """Names that stayed the same French words in the Arabic desk (but the languages' own
    names, "Français" among the languages offered)."""
    native = {language.native_name for language in default_catalog().languages}
    return [
        f"{found.path}: {found.name!r}"
        for key, found in arabic.objects.items()
        if key in french.objects
        and found.name == french.objects[key].name
        and LATIN_WORD.search(found.name)
        and found.name not in native
    ]


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Run the event loop until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()
        time.sleep(0.01)


@dataclass
class Desk:
    """The module's desk, logged in as a supervisor, and what the surfaces need."""

    office: OfficeContext
    tasks: Tasks
    window: DeskWindow
    case_id: str

    @property
    def main(self) -> MainPage:
        assert self.window.main_page is not None
        return self.window.main_page

    def language(self, code: str) -> None:
        self.window.language.set_language(code)
        QApplication.processEvents()


@pytest.fixture(scope="module")
def desk_built(
    qapp: QApplication, office_template: Paths, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Desk]:
    """One desk for the module: building it for every test would take most of the time."""
    root = tmp_path_factory.mktemp("accessibility")
    paths = Paths.resolve(data_dir=root / "data", config_dir=root / "config")
    shutil.copytree(office_template.data_dir, paths.data_dir)
    shutil.copytree(office_template.config_dir, paths.config_dir)
    office = open_office(paths)
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    import_directory(office.store, office.system, demo_directory())
    officer = office.accounts.login(*OFFICER)[0]
    case_id = str(submit_intake(office.store, officer, IntakeRequest(AICHA)).case_id)
    tasks = Tasks(office.store, poll_interval_ms=50)
    window = DeskWindow(office, tasks, lock_after_ms=600_000)
    window.resize(1280, 800)
    window.show()
    page = window.login_page
    page.name_edit.setText(SUPERVISOR[0])
    page.password_edit.setText(SUPERVISOR[1])
    page.submit_button.click()
    wait_for(lambda: window.main_page is not None)
    yield Desk(office, tasks, window, case_id)
    window.close()
    window.deleteLater()
    tasks.shutdown()
    QApplication.processEvents()
    office.close()


@pytest.fixture
def desk_shown(desk_built: Desk) -> Iterator[Desk]:
    """The module's desk, unlocked, in French, back there after the test."""
    if desk_built.window.locked:
        page = desk_built.window.login_page
        page.password_edit.setText(SUPERVISOR[1])
        page.submit_button.click()
        wait_for(lambda: not desk_built.window.locked)
    desk_built.language("fr")
    yield desk_built
    desk_built.language("fr")


def both_languages(show: Callable[[], QWidget], desk: Desk, skip: tuple[QWidget, ...] = ()) -> None:
    """Walk what ``show()`` returns in French and in Arabic; fail on any problem."""
    desk.language("fr")
    french = walk(show(), skip)
    desk.language("ar")
    arabic = walk(show(), skip)
    assert french.objects, "nothing interactive found: the walk is broken"
    problems = [f"fr {line}" for line in french.problems]
    problems += [f"ar {line}" for line in arabic.problems]
    problems += [f"ar still in French: {line}" for line in still_french(french, arabic)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("section", SECTIONS)
def test_every_control_of_a_desk_page_has_a_name(
    qtbot: QtBot, desk_shown: Desk, section: str
) -> None:
    main = desk_shown.main
    assert section in main.sections  # a supervisor sees every section

    def show() -> QWidget:
        main.show_section(section)
        QApplication.processEvents()
        return main.section_pages[section]

    both_languages(show, desk_shown)


def test_every_control_around_the_pages_has_a_name(qtbot: QtBot, desk_shown: Desk) -> None:
    """The navigation, the menus and the status bar's buttons."""
    window = desk_shown.window
    frame = [desk_shown.main.navigation, window.menuBar(), window.statusBar()]
    for part in frame:
        both_languages(lambda part=part: part, desk_shown)


def test_every_control_of_the_login_page_has_a_name(qtbot: QtBot, desk_shown: Desk) -> None:
    window = desk_shown.window
    window.on_logout_requested()
    try:
        both_languages(lambda: window, desk_shown)
    finally:
        page = window.login_page
        page.name_edit.setText(SUPERVISOR[0])
        page.password_edit.setText(SUPERVISOR[1])
        page.submit_button.click()
        wait_for(lambda: window.main_page is not None and not window.locked)


def test_every_control_of_the_locked_screen_has_a_name(qtbot: QtBot, desk_shown: Desk) -> None:
    window = desk_shown.window
    window.on_lock_requested()
    assert window.locked
    both_languages(lambda: window.login_page, desk_shown)


def test_every_control_of_the_case_page_has_a_name(qtbot: QtBot, desk_shown: Desk) -> None:
    main = desk_shown.main
    case_page = main.cases_page.case_page
    main.open_case(desk_shown.case_id)
    wait_for(lambda: case_page.detail is not None)
    both_languages(lambda: case_page, desk_shown)


def test_every_control_of_the_referral_dialog_has_a_name(qtbot: QtBot, desk_shown: Desk) -> None:
    from ui.referral_dialog import ReferralDialog

    main = desk_shown.main
    case_page = main.cases_page.case_page
    main.open_case(desk_shown.case_id)
    wait_for(lambda: case_page.detail is not None)
    assert case_page.detail is not None
    dialogs: list[ReferralDialog] = []

    def show() -> QWidget:
        dialog = ReferralDialog(
            desk_shown.office,
            desk_shown.window.language,
            main.actor,
            desk_shown.tasks,
            case_page.detail or {},
            case_page,
        )
        dialogs.append(dialog)
        dialog.show()
        wait_for(lambda: not dialog.directory.searching)
        return dialog

    try:
        both_languages(show, desk_shown)
    finally:
        for dialog in dialogs:
            dialog.close()
            dialog.deleteLater()


@pytest.fixture
def wizard_shown(desk_shown: Desk) -> Iterator[IntakeWizard]:
    """An intake started, every question asked (the visitor agreed to everything)."""
    wizard = desk_shown.main.start_intake()
    wizard.prefill({"consent.record": True, "consent.share": True, "consent.stats": True})
    yield wizard
    wizard.finished = True  # no draft left behind
    desk_shown.main.cases_page.on_intake_abandoned()


@pytest.mark.parametrize("index", range(len(load_form("intake").sections)))
def test_every_control_of_an_intake_page_has_a_name(
    qtbot: QtBot, desk_shown: Desk, wizard_shown: IntakeWizard, index: int
) -> None:
    def show() -> QWidget:
        wizard_shown.show_section(index)
        QApplication.processEvents()
        return wizard_shown.pages[index]

    both_languages(show, desk_shown)


def test_every_control_around_the_intake_pages_has_a_name(
    qtbot: QtBot, desk_shown: Desk, wizard_shown: IntakeWizard
) -> None:
    """The wizard's own buttons, its progress and the duplicates' list."""

    both_languages(lambda: wizard_shown, desk_shown, skip=tuple(wizard_shown.pages))


def test_the_walk_finds_a_control_without_a_name(qtbot: QtBot, desk_shown: Desk) -> None:
    """The walk itself: a name taken away is caught (else the tests above pass for nothing)."""
    main = desk_shown.main
    main.show_section("directory")
    page = main.section_pages["directory"]
    assert isinstance(page, DirectoryPage)
    assert not walk(page).problems

    search = page.search_edit.accessibleName()
    page.search_edit.setAccessibleName("")
    page.commune_label.setBuddy(None)  # type: ignore[arg-type]
    try:
        problems = walk(page).problems
    finally:
        page.search_edit.setAccessibleName(search)
        page.commune_label.setBuddy(page.commune_combo)
    assert len(problems) == 2, problems
    assert "directorySearch (EditableText, ''): no name" in problems[0]
    assert "directoryCommune (ComboBox, ''): named only by its value" in problems[1]
    assert not walk(page).problems


PARENTS: list[QWidget] = []


def _outcome(language: LanguageState) -> QDialog:
    from ui.case_dialogs import OutcomeDialog

    referral = {"code": "R-ABC123", "service": "Centre de santé"}
    return OutcomeDialog(language, [referral])


def _close(language: LanguageState) -> QDialog:
    from ui.case_dialogs import CloseCaseDialog

    return CloseCaseDialog(language)


def _erase(language: LanguageState) -> QDialog:
    from ui.case_dialogs import EraseDialog

    return EraseDialog(language, None, "Aïcha Diallo", "C-ABC123")


def _reuse(language: LanguageState) -> QDialog:
    from ui.person_reuse import PersonReuseDialog

    person = {"person_id": "0190a5c4-0000-7000-8000-000000000001", "given_name": "Aïcha"}
    rows = [
        {"field": "phone", "existing": "+212612345678", "new": "+212700000000"},
        {"field": "nationality", "existing": "SN", "new": "ML"},
    ]
    return PersonReuseDialog(language, load_form("intake"), person, rows)


def _note(language: LanguageState) -> QDialog:
    from ui.desk_sync_review import NoteDialog

    return NoteDialog(language, "Pourquoi ?")


def _monthly(language: LanguageState) -> QDialog:
    from ui.desk_reports import MonthlyReportDialog

    parent = QWidget()
    PARENTS.append(parent)  # alive as long as its dialog
    return MonthlyReportDialog(parent, language)


@pytest.mark.parametrize("build", [_outcome, _close, _erase, _reuse, _note, _monthly])
def test_every_control_of_a_case_dialog_has_a_name(
    qtbot: QtBot, build: Callable[[LanguageState], QDialog]
) -> None:
    """The dialogs opened on a case, a person or the sync review, built in the desk's
    language (they do not change language while open)."""
    problems = []
    for code in ("fr", "ar"):
        dialog = build(LanguageState(default_catalog(), code))
        qtbot.addWidget(dialog)
        found = walk(dialog)
        assert found.objects, "nothing interactive found: the walk is broken"
        problems += [f"{code} {line}" for line in found.problems]
    assert not problems, "\n".join(problems)
