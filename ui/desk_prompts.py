"""The desk's Kiosk prompts page: a supervisor records the kiosk's prompts in Darija and
Tachelhit with this PC's microphone, hears them back, records again or deletes them.

The list shows every prompt of the office (``kiosk.prompts.prompt_keys``) with what to say
and whether it is recorded, and how many are still missing: the kiosk offers a spoken
language once none is. Recording goes through QtMultimedia (a ``QAudioSource`` at 16 kHz,
mono, 16-bit, into memory); stopping checks the sound as an import does
(``kiosk.prompts.read_sound``: at most 6.25 s) and saves it on the worker
(``save_prompts``: a supervisor's, audited, synced). A folder of WAV files recorded
elsewhere is imported with a button, on the worker, as ``baom kiosk prompts import`` does
(``import_prompts``, all or nothing); a PC without a microphone says so and points to it.
Refusals are said in the officer's language (``error.prompts.*``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from db.uow import Actor
from kiosk.accounts import AccountError
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from kiosk.prompts import (
    RATE,
    ImportRefused,
    ImportReport,
    PromptError,
    Sound,
    delete_prompt,
    import_prompts,
    prompt_keys,
    prompt_status,
    read_sound,
    recordings,
    save_prompts,
    wav_file,
)
from kiosk.queue.config import QueueConfig, load_config
from kiosk.settings import SPOKEN_LANGUAGES
from ui.accessibility import announce, name_widget
from ui.kiosk_voice import PromptPlayer
from ui.language import LanguageState, isolate
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

log = logging.getLogger(__name__)

Status = tuple[dict[str, dict[str, list[str]]], dict[str, Sound]]
Words = Callable[[Translator], str]


def read_prompts(context: OfficeContext, config: QueueConfig, language: str) -> Status:
    """The office's prompt status and ``language``'s recordings (on the worker)."""
    return prompt_status(context, config), recordings(context, language)


def what_to_say(config: QueueConfig, key: str, language: LanguageState) -> str:
    """What the supervisor says for ``key``, in the officer's words."""
    tr = language.translator
    family, _, name = key.partition(".")
    if not name:  # a fixed prompt (kiosk.prompts.FIXED_KEYS)
        return tr(f"desk.prompts.say.{key}")
    if family == "reason":
        return config.reason(name).labels[language.code]
    if family == "priority":
        return tr(f"kiosk.priority.{name}")
    if family == "counter":
        return config.counter(int(name)).labels[language.code]
    if family == "letter":
        return name.upper()
    return name  # a number


def refusal_words(tr: Translator, error: PromptError) -> str:
    """A refusal in the officer's words; an import's lists each file refused and why."""
    lines = [error, *(error.refused if isinstance(error, ImportRefused) else ())]
    return "\n".join(
        tr(line.message_key, **{name: isolate(value) for name, value in line.params.items()})
        for line in lines
    )


class PromptsPage(FollowingWidget):
    """Record, hear and delete the kiosk's prompts of one spoken language at a time."""

    def __init__(
        self, context: OfficeContext, language: LanguageState, actor: Actor, tasks: Tasks
    ) -> None:
        super().__init__()
        self.section = "prompts"
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self._config = load_config(context.paths.config_dir)
        self.spoken = next(iter(SPOKEN_LANGUAGES))
        self.status: dict[str, dict[str, list[str]]] = {}
        self.sounds: dict[str, Sound] = {}
        self.player = PromptPlayer(self)
        self._source: Any = None
        self._buffer: QBuffer | None = None
        self._recording_key: str | None = None
        self._importing = False
        self._message: Words | None = None
        self.choose_folder: Callable[[], str] = self._ask_folder
        """Asks for the folder of WAV files to import ("" when cancelled); tests replace it."""
        self.title_label = named(QLabel(), "pageTitle")
        self.intro_label = QLabel(wordWrap=True)
        self.language_buttons: dict[str, QPushButton] = {}
        languages = QHBoxLayout()
        group = QButtonGroup(self)
        for code in SPOKEN_LANGUAGES:
            button = QPushButton()
            button.setCheckable(True)
            button.setChecked(code == self.spoken)
            button.clicked.connect(partial(self.choose_language, code))
            group.addButton(button)
            languages.addWidget(button)
            self.language_buttons[code] = button
        languages.addStretch(1)
        self.summary_label = named(QLabel(wordWrap=True), "promptSummary")
        self.list = named(QListWidget(), "promptList")
        self.list.currentItemChanged.connect(self._update_buttons)
        self.record_button = QPushButton()
        self.play_button = QPushButton()
        self.delete_button = QPushButton()
        self.import_button = named(QPushButton(), "promptImport")
        self.record_button.clicked.connect(self.on_record_clicked)
        self.play_button.clicked.connect(self.on_play)
        self.delete_button.clicked.connect(self.on_delete)
        self.import_button.clicked.connect(self.on_import_clicked)
        actions = QHBoxLayout()
        for button in (self.record_button, self.play_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        self.message_label = named(QLabel(wordWrap=True), "pageMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addLayout(languages)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message_label)
        language.language_changed.connect(self.retranslate)
        self.follow = Follow(self, tasks, {"kiosk_prompt"}, self.refresh)
        self.retranslate()

    # --- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the status and the recordings of the language shown (on the worker)."""
        work = partial(read_prompts, self._context, self._config, self.spoken)
        self._tasks.run(work, self.on_read, self.on_failed, latest="desk prompts")

    def on_read(self, found: Status) -> None:
        """Show what was read."""
        self.status, self.sounds = found
        self.player.load(self.spoken, self.sounds)
        self._fill()

    def choose_language(self, code: str) -> None:
        """Show the prompts of ``code`` (``ary``, ``shi``)."""
        self.spoken = code
        self.refresh()

    @property
    def selected_key(self) -> str | None:
        """The prompt chosen in the list."""
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _fill(self) -> None:
        tr = self._language.translator
        chosen = self.selected_key
        found = self.status.get(self.spoken, {"recorded": [], "missing": []})
        self.summary_label.setText(
            tr(
                "desk.prompts.summary",
                recorded=len(found["recorded"]),
                missing=len(found["missing"]),
            )
        )
        self.list.clear()
        for key in prompt_keys(self._config):
            sound = self.sounds.get(key)
            state = (
                tr("desk.prompts.recorded", seconds=f"{sound.duration_ms / 1000:.1f}")
                if sound is not None
                else tr("desk.prompts.missing")
            )
            item = QListWidgetItem(f"{what_to_say(self._config, key, self._language)}  ·  {state}")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(key)
            self.list.addItem(item)
            if key == chosen:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        key = self.selected_key
        recording = self._source is not None
        self.record_button.setEnabled(key is not None)
        self.play_button.setEnabled(key in self.sounds and not recording)
        self.delete_button.setEnabled(key in self.sounds and not recording)
        self.list.setEnabled(not recording)
        self.import_button.setEnabled(not recording and not self._importing)

    # --- recording ---------------------------------------------------------------------------

    def on_record_clicked(self) -> None:
        """Start recording the chosen prompt, or stop and save it."""
        if self._source is not None:
            self.stop_recording()
            return
        key = self.selected_key
        if key is None:
            return
        try:
            from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices
        except ImportError:
            self._say("desk.prompts.no_microphone")
            return
        device = QMediaDevices.defaultAudioInput()
        if device.isNull():
            self._say("desk.prompts.no_microphone")
            return
        audio_format = QAudioFormat()
        audio_format.setSampleRate(RATE)
        audio_format.setChannelCount(1)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._buffer = QBuffer(self)
        self._buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self._source = QAudioSource(device, audio_format, self)
        self._source.start(self._buffer)
        self._recording_key = key
        self._say("desk.prompts.recording")
        self.retranslate()
        self._update_buttons()

    def stop_recording(self) -> None:
        """Stop the microphone and save what it heard as the chosen prompt."""
        source, buffer, key = self._source, self._buffer, self._recording_key
        self._source, self._buffer, self._recording_key = None, None, None
        self.retranslate()
        self._update_buttons()
        if source is None or buffer is None or key is None:
            return
        rate = source.format().sampleRate()
        source.stop()
        self.save(key, wav_file(bytes(buffer.data().data()), rate))

    def save(self, key: str, wav: bytes) -> None:
        """Check ``wav`` (as an import does) and save it as ``key``'s recording."""
        try:
            sound = read_sound(wav, what_to_say(self._config, key, self._language))
        except PromptError as error:
            self.on_failed(error)
            return
        work = partial(save_prompts, self._context, self._actor, self.spoken, {key: sound})
        self._tasks.run(work, partial(self.on_saved, key), self.on_failed)

    def on_saved(self, key: str, _result: object) -> None:
        """Saved: say so (the list follows the change)."""
        self._say("desk.prompts.saved", prompt=what_to_say(self._config, key, self._language))

    def on_play(self) -> None:
        """Hear the chosen prompt."""
        key = self.selected_key
        if key is None:
            return
        if not self.player.available:
            self._say("desk.prompts.no_speaker")
            return
        self.player.play(self.spoken, [key])

    def on_delete(self) -> None:
        """Delete the chosen prompt's recording."""
        key = self.selected_key
        if key is None:
            return
        work = partial(delete_prompt, self._context, self._actor, self.spoken, key)
        self._tasks.run(work, lambda _deleted: None, self.on_failed)

    # --- importing ---------------------------------------------------------------------------

    def on_import_clicked(self) -> None:
        """Ask for a folder of WAV files (``<prompt key>.wav``) and import them as the
        recordings of the language shown, on the worker: all or nothing."""
        folder = self.choose_folder()
        if not folder:
            return
        spoken = self.spoken
        work = partial(
            import_prompts, self._context, self._actor, self._config, spoken, Path(folder)
        )
        self._importing = True
        self._update_buttons()
        self._tasks.run(work, partial(self.on_imported, spoken), self.on_import_failed)

    def on_imported(self, spoken: str, report: ImportReport) -> None:
        """Say how many prompts were imported, and the files left aside (the list follows)."""
        self._importing = False
        self._update_buttons()
        count, ignored = len(report.saved), ", ".join(isolate(name) for name in report.ignored)
        key = "desk.prompts.imported_ignored" if ignored else "desk.prompts.imported"
        self._show(
            lambda tr: tr(
                key, count=count, spoken=tr(f"desk.prompts.language.{spoken}"), files=ignored
            )
        )

    def on_import_failed(self, error: BaseException) -> None:
        """Nothing was imported: say why."""
        self._importing = False
        self._update_buttons()
        self.on_failed(error)

    def _ask_folder(self) -> str:
        tr = self._language.translator
        return QFileDialog.getExistingDirectory(self, tr("desk.prompts.import_title"))

    def on_failed(self, error: BaseException) -> None:
        """Say why, in the officer's language."""
        if isinstance(error, PromptError):
            refused = error
            self._show(lambda tr: tr("desk.prompts.refused", reason=refusal_words(tr, refused)))
        elif isinstance(error, AccountError):
            key = error.message_key
            self._show(lambda tr: tr(key))
        else:
            log.error("the kiosk prompts could not be read or saved", exc_info=error)
            self._show(lambda tr: tr("desk.prompts.refused", reason=error))

    # --- words -------------------------------------------------------------------------------

    def _say(self, key: str, **params: object) -> None:
        self._show(lambda tr: tr(key, **params))

    def _show(self, words: Words) -> None:
        self._message = words
        self.message_label.setText(words(self._language.translator))
        announce(self, self.message_label.text())

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.prompts"))
        self.intro_label.setText(tr("desk.prompts.intro"))
        for code, button in self.language_buttons.items():
            button.setText(tr(f"desk.prompts.language.{code}"))
        recording = self._source is not None
        self.record_button.setText(tr("desk.prompts.stop" if recording else "desk.prompts.record"))
        self.play_button.setText(tr("desk.prompts.play"))
        self.delete_button.setText(tr("desk.prompts.delete"))
        self.import_button.setText(tr("desk.prompts.import"))
        name_widget(self.list, tr("desk.nav.prompts"))
        if self._message is not None:
            self.message_label.setText(self._message(tr))
        if self.status:
            self._fill()
