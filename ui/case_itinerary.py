"""The case page's itinerary panel: where the person stands on the itinerary of a need.

It shows what the case page read (``kiosk.itineraries.views``, in the officer's language):
the itinerary of the need chosen, its steps with their due dates, the legal deadline's
countdown, and for the step chosen its purpose, the documents to gather, the services to
refer to and the legal rules it rests on (those the legal partner has not checked are said
so). A need with no itinerary gets the template the office proposes, which the officer
starts (or picks another). The writes run on the worker through the case page.

Signals:
    start_requested(str, str): start a template on a need; carries the need and template.
    replan_requested(str): plan a need's itinerary again with today's facts; carries the need.
    step_requested(str, str): mark a step done (reason "") or skipped (a reason); carries
        the step's id and the reason.
    refer_requested(dict): refer for the step chosen; carries the step as read.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from db.cases import STEP_SKIP_REASONS
from kiosk.i18n import Translator
from ui.accessibility import name_widget
from ui.case_dialogs import ReasonDialog
from ui.language import LanguageState, isolate
from ui.styles import named

MARKS = {"done": "✓", "skipped": "⤼", "current": "→", "planned": "·"}
LTR = "\u2066{}\u2069"


class SkipStepDialog(ReasonDialog):
    """Why a step of an itinerary is skipped."""

    title_key, label_key = "desk.itinerary.skip_title", "desk.itinerary.skip_reason"
    reasons, reason_prefix, combo_name = STEP_SKIP_REASONS, "desk.step_skip_reason", "skipReason"


def deadline_text(deadline: dict[str, Any], tr: Translator) -> str:
    """The legal deadline's countdown in the officer's language."""
    day = LTR.format(deadline["on"])
    left = deadline["days_left"]
    if left < 0:
        return tr("desk.itinerary.deadline_passed", days=-left, date=day)
    if left == 0:
        return tr("desk.itinerary.deadline_today", date=day)
    return tr("desk.itinerary.deadline_left", days=left, date=day)


class ItineraryPanel(QWidget):
    """The itinerary of one need of the case at a time (see the module's docstring)."""

    start_requested = Signal(str, str)
    replan_requested = Signal(str)
    step_requested = Signal(str, str)
    refer_requested = Signal(dict)

    def __init__(self, language: LanguageState) -> None:
        super().__init__()
        self._language = language
        self.detail: dict[str, Any] | None = None
        self.need_combo = named(QComboBox(), "itineraryNeed")
        self.need_label = QLabel()
        self.need_label.setBuddy(self.need_combo)
        self.status_label = named(QLabel(wordWrap=True), "itineraryStatus")
        self.deadline_label = named(QLabel(wordWrap=True), "itineraryDeadline")
        self.proposal = QWidget()
        self.template_combo = named(QComboBox(), "itineraryTemplate")
        self.template_label = QLabel()
        self.template_label.setBuddy(self.template_combo)
        self.start_button = named(QPushButton(), "startItinerary")
        row = QHBoxLayout(self.proposal)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.template_label)
        row.addWidget(self.template_combo, 1)
        row.addWidget(self.start_button)
        self.replan_button = named(QPushButton(), "replanItinerary")
        self.steps = named(QListWidget(), "itinerarySteps")
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.step_label = named(QLabel(wordWrap=True), "itineraryStep")
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        self.step_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.done_button = named(QPushButton(), "itineraryStepDone")
        self.skip_button = named(QPushButton(), "itineraryStepSkip")
        self.refer_button = named(QPushButton(), "itineraryRefer")
        actions = QHBoxLayout()
        for button in (self.done_button, self.skip_button, self.refer_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        need_row = QHBoxLayout()
        need_row.addWidget(self.need_label)
        need_row.addWidget(self.need_combo, 1)
        layout.addLayout(need_row)
        for widget in (
            self.status_label,
            self.deadline_label,
            self.replan_button,
            self.proposal,
        ):
            layout.addWidget(widget)
        self.steps.setMinimumHeight(3 * self.steps.fontMetrics().lineSpacing() + 8)
        details = QScrollArea()
        details.setWidgetResizable(True)
        details.setFrameShape(QFrame.Shape.NoFrame)
        details.setWidget(self.step_label)
        details.setMinimumHeight(3 * self.steps.fontMetrics().lineSpacing())
        details.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop of its own
        layout.addWidget(self.steps, 1)
        layout.addWidget(details, 1)
        layout.addLayout(actions)
        self.need_combo.currentIndexChanged.connect(lambda _index: self._show_need())
        self.steps.currentRowChanged.connect(lambda _row: self._show_step())
        self.start_button.clicked.connect(self.on_start_clicked)
        self.replan_button.clicked.connect(self.on_replan_clicked)
        self.done_button.clicked.connect(lambda: self.on_step_clicked(skip=False))
        self.skip_button.clicked.connect(lambda: self.on_step_clicked(skip=True))
        self.refer_button.clicked.connect(self.on_refer_clicked)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        self.start_button.setText(tr("desk.itinerary.start"))
        self.replan_button.setText(tr("desk.itinerary.update"))
        self.done_button.setText(tr("desk.itinerary.done"))
        self.skip_button.setText(tr("desk.itinerary.skip"))
        self.refer_button.setText(tr("desk.itinerary.refer"))
        self.need_label.setText(tr("desk.itinerary.need"))
        self.template_label.setText(tr("desk.itinerary.template"))
        name_widget(self.steps, tr("desk.itinerary.steps"))
        self.show_case(self.detail)

    # --- showing -------------------------------------------------------------------------

    @property
    def need(self) -> str | None:
        """The need whose itinerary is shown."""
        data = self.need_combo.currentData()
        return str(data) if data else None

    @property
    def itinerary(self) -> dict[str, Any] | None:
        """The itinerary shown (the one leading the need, else its latest)."""
        views = [v for v in (self.detail or {}).get("itineraries", []) if v["need"] == self.need]
        live = [v for v in views if v["state"] in ("active", "ended")]
        found: dict[str, Any] | None = (live or views or [None])[0]
        return found

    def show_case(self, detail: dict[str, Any] | None) -> None:
        """Show the itineraries of the case just read, the need chosen kept chosen."""
        tr = self._language.translator
        self.detail = detail
        chosen = self.need
        needs = (detail or {}).get("needs", [])
        self.need_combo.blockSignals(True)
        self.need_combo.clear()
        for need in needs:
            self.need_combo.addItem(tr(f"directory.category.{need['need']}"), need["need"])
        with_itinerary = [n["need"] for n in needs if n.get("itinerary")]
        wanted = chosen if chosen in [n["need"] for n in needs] else None
        wanted = wanted or (with_itinerary[0] if with_itinerary else None)
        if wanted is not None:
            self.need_combo.setCurrentIndex(self.need_combo.findData(wanted))
        self.need_combo.blockSignals(False)
        self._show_need()

    def _show_need(self) -> None:
        tr = self._language.translator
        view = self.itinerary
        need = next(
            (n for n in (self.detail or {}).get("needs", []) if n["need"] == self.need), None
        )
        is_open = bool(self.detail) and self.detail["status"] == "open"  # type: ignore[index]
        live = view is not None and view["state"] in ("active", "ended")
        self.proposal.setVisible(is_open and need is not None and not live)
        if need is not None and not live:
            self._show_proposal(need)
        self.steps.clear()
        self.replan_button.setVisible(live and bool(view and view["replan"]))
        if need is not None and not live:
            self.status_label.setText(self._proposal_text(need))
        self.deadline_label.hide()
        if view is None:
            self.status_label.setVisible(need is not None)
            self._show_step()
            return
        if live:
            self.status_label.setText(self._status(view))
        self.status_label.show()
        deadline = view.get("deadline")
        self.deadline_label.setText(deadline_text(deadline, tr) if deadline else "")
        self.deadline_label.setVisible(bool(deadline))
        late = bool(deadline and deadline["days_left"] < 7)
        self.deadline_label.setStyleSheet(
            "color: #a00000; font-weight: bold;" if late else "font-weight: bold;"
        )
        current_row = 0
        for index, step in enumerate(view["steps"]):
            due = LTR.format(step["due"])
            mark = MARKS[step["state"]]
            if mark == "→" and self._language.direction == Qt.LayoutDirection.RightToLeft:
                mark = "←"  # the way the reader reads
            line = f"{mark} {due} — {step['title']}"
            if step["deadline"] and step["state"] in ("current", "planned"):
                line += " — " + tr("desk.itinerary.deadline", date=LTR.format(step["deadline"]))
            if step["skip_reason"]:
                line += " — " + tr(f"desk.step_skip_reason.{step['skip_reason']}")
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, step)
            if step["state"] in ("done", "skipped"):
                item.setForeground(Qt.GlobalColor.gray)
            if step["state"] == "current":
                current_row = index
            self.steps.addItem(item)
        self.steps.setCurrentRow(current_row)
        self._show_step()

    def _status(self, view: dict[str, Any]) -> str:
        tr = self._language.translator
        lines = [
            tr(
                "desk.itinerary.progress",
                title=isolate(view["title"]),
                done=view["finished"],
                total=view["total"],
            )
        ]
        if view["state"] == "ended":
            lines.append(tr("desk.itinerary.ended"))
        elif view["state"] == "closed":
            key = "closed_met" if view["outcome"] == "met" else "closed"
            lines.append(tr(f"desk.itinerary.{key}"))
        if view["replan"]:
            branch = next(b for b in view["branches"] if b["branch"] == view["replan"]["branch"])
            lines.append(tr("desk.itinerary.replan", path=isolate(branch["path_label"])))
        if view["review_pending"]:
            lines.append(tr("desk.itinerary.review_pending"))
        return "\n".join(lines)

    def _show_proposal(self, need: dict[str, Any]) -> None:
        self.template_combo.clear()
        names = {t["id"]: t["title"] for t in (self.detail or {}).get("templates", [])}
        for template in need.get("templates", []):
            self.template_combo.addItem(names.get(template, template), template)
        proposed = need.get("proposed")
        if proposed:
            self.template_combo.setCurrentIndex(self.template_combo.findData(proposed))
        self.start_button.setEnabled(self.template_combo.count() > 0)

    def _proposal_text(self, need: dict[str, Any]) -> str:
        """What the office proposes for a need without an itinerary."""
        tr = self._language.translator
        names = {t["id"]: t["title"] for t in (self.detail or {}).get("templates", [])}
        proposed = need.get("proposed")
        if proposed:
            return tr("desk.itinerary.proposed", title=isolate(names.get(proposed, proposed)))
        return tr("desk.itinerary.choose_template")

    @property
    def step(self) -> dict[str, Any] | None:
        """The step chosen in the list."""
        item = self.steps.currentItem()
        step: dict[str, Any] | None = item.data(Qt.ItemDataRole.UserRole) if item else None
        return step

    def _show_step(self) -> None:
        tr = self._language.translator
        step = self.step
        open_step = step is not None and step["state"] in ("current", "planned")
        is_open = bool(self.detail) and self.detail["status"] == "open"  # type: ignore[index]
        self.done_button.setEnabled(is_open and open_step)
        self.skip_button.setEnabled(is_open and open_step)
        self.refer_button.setEnabled(is_open and open_step and bool(step and step["service"]))
        if step is None:
            self.step_label.clear()
            return
        parts = [f"<b>{escape(step['title'])}</b>", escape(step["purpose"])]
        if step["documents"]:
            parts.append(f"<b>{escape(tr('desk.itinerary.documents'))}</b>")
            parts += [f"☐ {escape(d['name'])}" for d in step["documents"]]
        if step["service"] is not None and step["state"] == "current":
            parts.append(f"<b>{escape(tr('desk.itinerary.services'))}</b>")
            services = step.get("services") or []
            parts += [f"• {escape(s['name'])}" for s in services] or [
                escape(tr("desk.itinerary.no_service"))
            ]
        for rule in step["rules"]:
            key = "rule_pending" if rule["review"] == "pending" else "rule_reviewed"
            where = " ".join(part for part in (rule["source"], rule["where"]) if part)
            parts.append(escape(tr(f"desk.itinerary.{key}", text=rule["text"], source=where)))
        self.step_label.setText("<br>".join(parts))

    # --- asking --------------------------------------------------------------------------

    def on_start_clicked(self) -> None:
        """Start the template chosen on the need shown."""
        template = self.template_combo.currentData()
        if self.need and template:
            self.start_requested.emit(self.need, str(template))

    def on_replan_clicked(self) -> None:
        """Plan the itinerary again with today's facts (a deadline passed)."""
        if self.need:
            self.replan_requested.emit(self.need)

    def on_step_clicked(self, skip: bool) -> None:
        """Mark the step chosen done, or skipped once the officer said why."""
        step = self.step
        if step is None:
            return
        reason = ""
        if skip:
            reason = SkipStepDialog.ask(self, self._language) or ""
            if not reason:
                return
        self.step_requested.emit(step["step_id"], reason)

    def on_refer_clicked(self) -> None:
        """Refer for the step chosen: its service's category and priority."""
        step = self.step
        if step is not None and step["service"] is not None:
            self.refer_requested.emit({**step, "need": self.need})
