"""The desk window: login, the main page, languages, auto-lock and logout."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from db.models import Role
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_cases import CasesPage
from ui.desk_home import HomePage
from ui.desk_pages import SettingsPage
from ui.tasks import Tasks

from .conftest import OFFICER, LogIn


def test_the_login_page_shows_the_office_and_a_chooser_of_four_languages(
    desk: DeskWindow,
) -> None:
    page = desk.login_page
    assert desk.stack.currentWidget() is page
    assert page.office_label.text() == "BAOM Taliouine"
    assert page.submit_button.text() == "Se connecter"
    names = [page.language_box.itemText(i) for i in range(page.language_box.count())]
    assert names == ["Français", "العربية", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "English"]
    assert desk.windowTitle() == "BAOM Desk — Bureau d'accueil"
    assert not desk.menuBar().isVisible()
    assert not page.demo_label.isVisible()


def test_a_demo_desk_shows_the_demo_credentials(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    desk = DeskWindow(office, tasks, demo_login=OFFICER)
    qtbot.addWidget(desk)
    desk.show()
    assert desk.login_page.demo_label.isVisible()
    assert "amina" in desk.login_page.demo_label.text()
    assert "demo-password" in desk.login_page.demo_label.text()


def test_the_right_password_opens_the_main_page_with_the_status_bar(
    desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)

    assert desk.main_page is not None
    assert desk.stack.currentWidget() is desk.main_page
    assert desk.actor is not None and desk.actor.name == "amina"
    assert desk.sync_label.text() == "Jamais synchronisé"
    assert desk.user_label.text() == "amina (Agent d'accueil)"
    assert desk.office_label.text() == "BAOM Taliouine"
    assert desk.menuBar().isVisible() and desk.statusBar().isVisible()


def test_an_officer_starts_on_the_follow_up_and_sees_no_reports(
    desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None
    assert main.sections == [
        "home",
        "queue",
        "cases",
        "directory",
        "referrals",
        "printing",
        "settings",
    ]
    assert isinstance(main.pages.currentWidget(), HomePage)
    main.show_section("cases")
    page = main.pages.currentWidget()
    assert isinstance(page, CasesPage)
    assert page.search.title_label.text() == "Dossiers"


def test_a_supervisor_also_sees_reports(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")
    log_in(desk, "hassan", "long-password-1")
    assert desk.main_page is not None
    assert "reports" in desk.main_page.sections
    assert desk.user_label.text() == "hassan (Superviseur)"


def test_the_settings_page_lists_the_registry_with_current_values(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    office.settings.set(office.system, "desk.auto_lock_minutes", "12")
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    desk.main_page.show_section("settings")
    page = desk.main_page.pages.currentWidget()
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: page.loaded)
    rows = {
        page.table.item(row, 0).text(): page.table.item(row, 1).text()
        for row in range(page.table.rowCount())
    }
    assert rows["Verrouillage automatique du bureau (minutes sans activité)"] == "12"
    assert rows["Horloge sur 24 heures"] == "Oui"
    assert rows["Langue du bureau"] == "Français"
    assert rows["Adresse du serveur régional"] == "(non défini)"
    assert rows["Langues de la fiche d'orientation"] == "La langue du visiteur, puis le français"
    assert rows["Passage des visiteurs prioritaires (toujours d'abord, ou en alternance)"] == (
        "Toujours d'abord"
    )


def test_a_wrong_password_shows_the_translated_error(desk: DeskWindow, log_in: LogIn) -> None:
    log_in(desk, "amina", "not-her-password")

    assert desk.main_page is None
    assert desk.login_page.error_text == "Nom ou mot de passe incorrect."
    assert desk.login_page.password_edit.text() == ""

    desk.language.set_language("en")
    assert desk.login_page.error_text == "Wrong name or password."


def test_an_empty_form_is_refused_without_asking_the_database(desk: DeskWindow) -> None:
    desk.login_page.submit_button.click()
    assert desk.login_page.error_text == "Entrez votre nom et votre mot de passe."


def test_arabic_mirrors_the_whole_desk_and_translates_it(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None
    assert desk.layoutDirection() == Qt.LayoutDirection.LeftToRight

    desk.language_actions.actions()[1].trigger()  # العربية

    assert desk.language.code == "ar"
    assert desk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert main.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert main.navigation.item(1).text() == "قائمة الانتظار"
    assert desk.sync_label.text() == "لم تتم المزامنة قط"
    assert desk.lock_action.text() == "قفل"
    # The navigation moves to the right of the mirrored page.
    qtbot.waitUntil(lambda: main.navigation.geometry().x() > main.pages.geometry().x())
    # The preference is saved for the next login.
    qtbot.waitUntil(lambda: office.accounts.login(*OFFICER)[1] == "ar")


def test_the_officer_preference_chooses_the_language_at_login(
    office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    office.accounts.add(office.system, "tifawt", Role.OFFICER, "long-password-2", language="zgh")
    log_in(desk, "tifawt", "long-password-2")
    assert desk.language.code == "zgh"
    assert desk.lock_action.text() == "ⵇⵇⵏ"


def test_a_language_picked_on_the_login_page_becomes_the_preference(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    box = desk.login_page.language_box
    box.activated.emit(box.findData("en"))
    assert desk.login_page.submit_button.text() == "Log in"
    field_label = desk.login_page.field_labels["login.password"]
    assert isinstance(field_label, QLabel) and field_label.text() == "Password"

    log_in(desk, *OFFICER)

    assert desk.language.code == "en"
    assert office.accounts.login(*OFFICER)[1] == "en"


def test_the_desk_locks_itself_and_the_same_officer_gets_the_same_page_back(
    qtbot: QtBot, desk: DeskWindow, log_in: LogIn
) -> None:
    desk.idle.timeout_ms = 150
    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None
    main.show_section("directory")

    with qtbot.waitSignal(desk.idle.went_idle, timeout=5000):
        pass
    assert desk.locked
    assert desk.stack.currentWidget() is desk.login_page
    assert desk.login_page.title_label.text() == "Bureau verrouillé"
    assert "amina" in desk.login_page.locked_label.text()
    assert desk.login_page.name_edit.text() == "amina"
    assert not desk.menuBar().isVisible()

    log_in(desk, "amina", "wrong-password")
    assert desk.locked
    assert desk.login_page.error_text == "Nom ou mot de passe incorrect."

    desk.idle.timeout_ms = 60_000
    log_in(desk, *OFFICER)
    assert not desk.locked
    assert desk.main_page is main
    assert desk.stack.currentWidget() is main
    assert main.sections[main.navigation.currentRow()] == "directory"


def test_another_officer_unlocking_gets_a_fresh_page(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    office.accounts.add(office.system, "youssef", Role.OFFICER, "long-password-3")
    log_in(desk, *OFFICER)
    first = desk.main_page
    assert first is not None
    first.show_section("directory")
    desk.lock_action.trigger()
    assert desk.locked

    log_in(desk, "youssef", "long-password-3")

    assert desk.main_page is not None and desk.main_page is not first
    assert desk.actor is not None and desk.actor.name == "youssef"
    assert desk.main_page.navigation.currentRow() == 0
    assert desk.user_label.text() == "youssef (Agent d'accueil)"


def test_input_in_the_desk_postpones_the_lock(
    qtbot: QtBot, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    desk.idle.timeout_ms = 2000
    desk.idle.start()
    qtbot.waitUntil(lambda: desk.idle.remaining_ms < 1800)

    assert desk.main_page is not None
    qtbot.keyClick(desk.main_page.navigation, Qt.Key.Key_Down)

    assert desk.idle.remaining_ms > 1800
    assert not desk.locked


def test_logging_out_discards_the_page_and_empties_the_form(
    desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    desk.logout_action.trigger()

    assert desk.main_page is None and desk.actor is None
    assert not desk.locked
    assert desk.stack.currentWidget() is desk.login_page
    assert desk.login_page.name_edit.text() == ""
    assert desk.login_page.title_label.text() == "Connexion"
    assert not desk.idle.active


def test_input_in_a_dialog_of_the_desk_postpones_the_lock(
    qtbot: QtBot, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    desk.idle.timeout_ms = 2000
    desk.idle.start()
    dialog = QDialog(desk.main_page)  # a referral or an outcome dialog, in its own window
    field = QLineEdit(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: desk.idle.remaining_ms < 1800)

    qtbot.keyClick(field, Qt.Key.Key_A)

    assert desk.idle.remaining_ms > 1800
    stranger = QLineEdit()  # a window that is not the desk's does not count
    qtbot.addWidget(stranger)
    stranger.show()
    qtbot.waitUntil(lambda: desk.idle.remaining_ms < 1800)
    qtbot.keyClick(stranger, Qt.Key.Key_A)
    assert desk.idle.remaining_ms < 1800
    dialog.close()


def test_qts_own_dialogs_speak_the_desks_language(desk: DeskWindow) -> None:
    def cancel() -> str:
        return QCoreApplication.translate("QPlatformTheme", "Cancel")

    desk.language.set_language("ar")
    assert cancel() == "ألغِ"  # Qt's own Arabic
    desk.language.set_language("fr")
    assert cancel() == "Annuler"
    desk.language.set_language("zgh")  # Qt has no Tamazight: French, as the catalog falls back
    assert cancel() == "Annuler"
