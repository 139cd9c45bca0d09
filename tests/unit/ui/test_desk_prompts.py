"""The desk's Kiosk prompts page: a supervisor records, hears, records again and deletes.

This PC has no microphone: the recorder is tested as far as saying so; the page's saving,
listing and deleting are tested with WAV files made here (as the microphone's samples are
saved: ``PromptsPage.save``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.models import Role
from db.uow import Actor
from kiosk.office import OfficeContext
from kiosk.prompts import prompt_keys, prompt_status
from kiosk.queue.config import load_config
from tests.helpers.sounds import tone_wav
from ui.desk_pages import visible_sections
from ui.desk_prompts import PromptsPage
from ui.language import LanguageState
from ui.tasks import Tasks

SUPERVISOR = ("hassan", "long-password-1")


def _supervisor(office: OfficeContext) -> Actor:
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    return office.accounts.login(*SUPERVISOR)[0]


@pytest.fixture
def page(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> PromptsPage:
    shown = PromptsPage(office, LanguageState(office.catalog, "fr"), _supervisor(office), tasks)
    qtbot.addWidget(shown)
    shown.resize(1000, 620)
    shown.show()
    qtbot.waitUntil(lambda: shown.list.count() > 0, timeout=5000)
    return shown


def shown(page: PromptsPage) -> str:
    """The page's message without the marks that isolate a name or a number."""
    return page.message_label.text().replace("\u2068", "").replace("\u2069", "")


def row_text(page: PromptsPage, key: str) -> str:
    for row in range(page.list.count()):
        item = page.list.item(row)
        if item.toolTip() == key:
            return item.text()
    raise AssertionError(key)


def test_only_supervisors_see_the_page(office: OfficeContext) -> None:
    officer, _ = office.accounts.login("amina", "demo-password")
    assert "prompts" not in visible_sections(officer)
    assert "prompts" in visible_sections(_supervisor(office))


def test_a_supervisor_saves_hears_records_again_and_deletes_a_prompt(
    qtbot: QtBot, office: OfficeContext, page: PromptsPage
) -> None:
    keys = prompt_keys(load_config(office.paths.config_dir))
    assert page.list.count() == len(keys)
    assert page.summary_label.text() == f"0 enregistrées, {len(keys)} manquantes"
    assert row_text(page, "choose_reason") == "Pourquoi venez-vous ?  ·  manquante"
    assert row_text(page, "reason.health") == "Santé  ·  manquante"
    assert row_text(page, "priority").startswith("Avez-vous besoin d'une priorité ?  ·")
    assert row_text(page, "priority.baby").startswith("Avec un bébé  ·")
    assert row_text(page, "counter.2").startswith("Guichet 2  ·")
    assert row_text(page, "number.42").startswith("42  ·")

    page.choose_language("shi")
    page.save("welcome", tone_wav(1.2, rate=44_100, channels=2))
    qtbot.waitUntil(lambda: "enregistrée (1.2 s)" in row_text(page, "welcome"), timeout=5000)
    assert page.message_label.text().startswith("Annonce enregistrée : Bienvenue")
    page.save("welcome", tone_wav(0.8))  # recorded again
    qtbot.waitUntil(lambda: "enregistrée (0.8 s)" in row_text(page, "welcome"), timeout=5000)
    assert prompt_status(office, load_config(office.paths.config_dir))["shi"]["recorded"] == [
        "welcome"
    ]
    assert page.summary_label.text() == f"1 enregistrées, {len(keys) - 1} manquantes"

    page.save("back", tone_wav(9.0))
    assert shown(page) == (
        "Refusé : Retour : le son dure 9.0 s ; une annonce dure au plus 6.2 s, pour voyager "
        "avec la synchronisation."
    )

    page.list.setCurrentRow(0)
    assert page.selected_key == "welcome" and page.play_button.isEnabled()
    page.on_play()  # heard where the PC has an audio output, else it says it has none
    if not page.player.available:
        assert "pas de sortie audio" in page.message_label.text()
    page.delete_button.click()
    qtbot.waitUntil(lambda: row_text(page, "welcome").endswith("manquante"), timeout=5000)
    assert not page.play_button.isEnabled()


def test_without_a_microphone_the_page_says_how_to_import(page: PromptsPage) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    if not QMediaDevices.defaultAudioInput().isNull():
        pytest.skip("this PC has a microphone")
    page.list.setCurrentRow(3)
    page.record_button.click()
    assert f"« {page.import_button.text()} »" in page.message_label.text()
    assert "baom" not in page.message_label.text()  # no command line for an officer
    assert page.record_button.text() == "Enregistrer"


def test_a_folder_of_wav_files_is_imported_or_refused_in_the_officers_words(
    qtbot: QtBot, office: OfficeContext, page: PromptsPage, tmp_path: Path
) -> None:
    (tmp_path / "welcome.wav").write_bytes(tone_wav(0.5, rate=44_100, channels=2))
    (tmp_path / "hello.wav").write_bytes(tone_wav(0.3))
    (tmp_path / "back.wav").write_bytes(b"not a sound")
    (tmp_path / "notes.txt").write_text("recorded by Fatima")
    page.choose_folder = lambda: str(tmp_path)
    page.choose_language("ary")
    page.import_button.click()
    qtbot.waitUntil(lambda: page.message_label.text() != "", timeout=5000)
    assert shown(page).splitlines() == [
        "Refusé : rien n'a été importé ; 2 fichier(s) refusé(s) :",
        "back.wav : ce n'est pas un fichier WAV de son PCM.",
        "hello.wav : « hello » n'est pas le nom d'une annonce.",
    ]
    assert page.import_button.isEnabled()
    page._language.set_language("ar")
    assert shown(page).splitlines()[1] == "back.wav: ليس ملف WAV لصوت PCM."
    page._language.set_language("fr")

    (tmp_path / "hello.wav").unlink()
    (tmp_path / "back.wav").write_bytes(tone_wav(0.4))
    page.import_button.click()
    qtbot.waitUntil(lambda: "enregistrée" in row_text(page, "back"), timeout=5000)
    assert shown(page) == (
        "2 annonces importées en Darija ; laissés de côté (pas des fichiers .wav) : notes.txt."
    )
    config = load_config(office.paths.config_dir)
    assert prompt_status(office, config)["ary"]["recorded"] == ["welcome", "back"]

    page.choose_folder = lambda: str(tmp_path / "nowhere")
    page.import_button.click()
    qtbot.waitUntil(lambda: "dossier" in page.message_label.text(), timeout=5000)
    assert shown(page) == f"Refusé : {tmp_path / 'nowhere'} : ce n'est pas un dossier."
    page.choose_folder = lambda: ""  # cancelled: nothing happens
    page.import_button.click()
    assert "dossier" in page.message_label.text()


def test_where_there_is_a_microphone_a_prompt_is_recorded_from_it(
    qtbot: QtBot, office: OfficeContext, page: PromptsPage
) -> None:
    """Run where the PC has an audio input (a PulseAudio null sink's monitor will do)."""
    from PySide6.QtMultimedia import QMediaDevices

    if QMediaDevices.defaultAudioInput().isNull():
        pytest.skip("this PC has no microphone")
    page.list.setCurrentRow(2)  # choose_reason
    page.record_button.click()
    assert page.record_button.text() == "Arrêter et garder" and not page.list.isEnabled()
    qtbot.wait(600)
    page.record_button.click()
    assert page.record_button.text() == "Enregistrer" and page.list.isEnabled()
    # A null source hears silence, which is refused; a real microphone hears the room.
    qtbot.waitUntil(
        lambda: (
            "enregistrée" in row_text(page, "choose_reason")
            or "the sound is silent" in page.message_label.text()
        ),
        timeout=5000,
    )
