"""What a screen reader needs from the desk beyond Qt's own: names, descriptions, news.

Qt hands its accessibility tree to the platform (AT-SPI on Linux, read by Orca; UI
Automation on Windows, read by NVDA). It names most controls by themselves: a button by its
text, a field by the label whose buddy it is (``QLabel.setBuddy``, label and field in the
same parent widget). What it cannot guess is here:

- a combo box is named by its value, whatever its label: :func:`name_widget` gives it (and the
  line of an editable one) a name, to call again on every change of language;
- a choice among several (a radio button, a check box) is named by its bare text, "Oui"
  read without its question: :func:`choice_name` says both;
- a field's state beyond Qt's (required, its error) goes into its description
  (:func:`describe`), Qt's states having none for them;
- what happens without the focus moving (a ticket called, a login refused, a page that
  cannot be left) is said with :func:`announce`, Qt's announcement event (Qt 6.8).

A test walks the tree of every page as a screen reader does
(``tests/unit/ui/test_desk_accessibility.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QComboBox, QTabWidget, QToolButton, QWidget

from kiosk.i18n import Translator


def spoken(text: str) -> str:
    """``text`` as a name: without the "*" of a required field or the ":" of a label."""
    return text.strip().removesuffix("*").strip().removesuffix(":").strip()


def name_widget(widget: QWidget, text: str) -> None:
    """Name ``widget`` for a screen reader (a combo box's line too, when it has one)."""
    widget.setAccessibleName(spoken(text))
    if isinstance(widget, QComboBox):
        line = widget.lineEdit()
        if line is not None:
            line.setAccessibleName(spoken(text))


def choice_name(tr: Translator, question: str, choice: str) -> str:
    """The name of one choice of a question: "Consentement : Oui", not a bare "Oui"."""
    return tr("a11y.choice", question=spoken(question), choice=choice)


def describe(widget: QWidget, *parts: str) -> None:
    """Describe ``widget`` with the non-empty ``parts`` (read after its name and role)."""
    text = " ".join(part.strip() for part in parts if part and part.strip())
    widget.setAccessibleDescription(text)
    if isinstance(widget, QComboBox):
        line = widget.lineEdit()
        if line is not None:
            line.setAccessibleDescription(text)


def field_states(tr: Translator, *, required: bool, error: str | None) -> list[str]:
    """A field's states as words: required, and the error it shows."""
    states = []
    if required:
        states.append(tr("a11y.required"))
    if error:
        states.append(tr("a11y.invalid", message=error))
    return states


def shortcut_button(button: QAbstractButton, text: str) -> None:
    """Show ``text`` on ``button`` with its shortcut, as sighted officers know it
    ("Appeler le suivant  [F2]"), but name it without: the key is the button's own
    shortcut (``setShortcut``), which a screen reader reads as such."""
    key = button.shortcut()
    shown = key.toString(QKeySequence.SequenceFormat.NativeText)
    button.setText(f"{text}  [{shown}]" if shown else text)
    button.setShortcut(key)  # setText made it the text's mnemonic (none)
    button.setAccessibleName(spoken(text))


def announce(widget: QWidget, message: str, *, urgent: bool = False) -> None:
    """Have a screen reader say ``message`` now (from ``widget``'s window), without moving
    the focus: politely after what it is saying, or at once when ``urgent`` (a refusal)."""
    if not message:
        return
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if urgent
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)


def name_tab_scrollers(tabs: QTabWidget) -> None:
    """Name a tab bar's scroll buttons again in Qt's words of the moment: Qt names them once,
    when made, and never again when the desk changes language."""
    bar = tabs.tabBar()
    for name, words in (("ScrollLeftButton", "Scroll Left"), ("ScrollRightButton", "Scroll Right")):
        button = bar.findChild(QToolButton, name)
        if button is not None:
            button.setAccessibleName(QCoreApplication.translate("QTabBar", words))
