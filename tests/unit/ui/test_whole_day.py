"""A whole day of a demo office, driven as people would, in Arabic, French and Tamazight.

Issue #13, last part. The kiosk, the desk and the display share one ``Tasks`` as in ``baom
run --desk --kiosk --display``; the day (``tests/helpers/whole_day.py``, which the
screenshot script drives too) goes through their widgets only. At each step the test reads
what the screens show, in the day's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from db.models import TicketState
from kiosk.demo import DEMO_PRINTER_FOLDER, prepare_demo
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService
from tests.helpers.whole_day import Day, QtBotHands, Step, a_visitor_from_last_month, the_day
from ui.desk_reports import ReportsPage
from ui.desk_spool import SpoolPage
from ui.referral_dialog import ReferralDialog
from ui.tasks import Tasks

FSI, LRI, PDI, RLM = "\u2068", "\u2066", "\u2069", "\u200f"
FATIMA_AR = "فاطمة أيت لحسن"
CIVIL_REGISTRATION_ZGH = "ⴰⵃⵍⴰⵍ ⴰⵖⵔⵓⵏ: ⵜⵉⵍⴰⵍⵉⵏ, ⵜⵉⵎⵖⵔⴰ, ⵜⵉⵎⵜⵜⴰⵡⵉⵏ"


@dataclass(frozen=True)
class Words:
    """What the screens say in one language."""

    your_number: str
    why: str
    priority: str
    health: str
    civil_registration: str
    waiting: str
    waiting_priority: str
    called: str
    call_line: str
    language: str
    empty: str
    communes: tuple[str, str]  # Taliouine, Oulad Berhil
    language_row: tuple[str, str] | None  # her language: the record's, the ticket's
    changes: str
    known_title: str
    case_header: str
    needs: list[str]
    referral_created: str
    service: str  # the first health service of the demo directory
    sent: str
    printed: str
    slip: str
    job_printed: str
    demo_printer: str
    no_current: str
    counter: str
    tickets: str


WORDS = {
    "fr": Words(
        your_number="Votre numéro",
        why="Pourquoi venez-vous ?",
        priority="Prioritaire : Personne âgée",
        health="Santé",
        civil_registration="État civil : naissances, mariages, décès",
        waiting="en attente",
        waiting_priority="en attente · prioritaire",
        called="D001 — Santé — appelé · appel 1",
        call_line="D001 → Guichet 1",
        language="Français",
        empty="(vide)",
        communes=("Taliouine", "Oulad Berhil"),
        language_row=("Arabe ou darija", "Français"),
        changes="La fiche changera : Prénom (lettres latines), Nom de famille (lettres latines), "
        "Commune de résidence.",
        known_title="Nouvel entretien : personne déjà connue",
        case_header="Dossier {code} — ",
        needs=["Retraites et sécurité sociale — ouvert", "Santé — ouvert"],
        referral_created="Orientation {code} créée : imprimez la fiche pour la remettre.",
        service="Centre de santé de Taliouine",
        sent="remise",
        printed="Fiche envoyée à l'imprimante, sans QR code : l'office n'est pas encore relié "
        "au serveur régional. Le service devra appeler l'office avec le code.",
        slip="Fiche d'orientation",
        job_printed="Imprimé",
        demo_printer="Imprimante de démonstration : chaque travail devient une image dans",
        no_current="Aucun ticket en cours à ce guichet.",
        counter="Guichet 1",
        tickets="Tickets",
    ),
    "ar": Words(
        your_number="رقمكم",
        why="ما سبب زيارتكم؟",
        priority="أولوية: شخص مسن",
        health="الصحة",
        civil_registration="الحالة المدنية: الولادات والزواج والوفيات",
        waiting="في الانتظار",
        waiting_priority="في الانتظار · ذو أولوية",
        called="D001 — الصحة — تم النداء · النداء 1",
        call_line=RLM + "D001 ← الشباك 1",
        language="العربية أو الدارجة",
        empty="(فارغ)",
        communes=("تالوين", "أولاد برحيل"),
        language_row=None,  # she took the ticket in Arabic, her language on record
        changes="ستتغير البطاقة: الاسم الشخصي (بالحروف اللاتينية)، الاسم العائلي (بالحروف "
        "اللاتينية)، جماعة الإقامة.",
        known_title="مقابلة جديدة: شخص معروف مسبقا",
        case_header="الملف {code} — ",
        needs=["التقاعد والضمان الاجتماعي — مفتوحة", "الصحة — مفتوحة"],
        referral_created="تم إنشاء التوجيه {code}: اطبع البطاقة لتسليمها.",
        service="المركز الصحي تالوين",
        sent="تم التسليم",
        printed="أرسلت البطاقة إلى الطابعة دون رمز QR: المكتب غير مرتبط بعد بالخادم الجهوي. "
        "على المصلحة الاتصال بالمكتب بالرمز.",
        slip="ورقة التوجيه",
        job_printed="مطبوع",
        demo_printer="طابعة تجريبية: كل مهمة تصير صورة في",
        no_current="لا توجد تذكرة حالية في هذا الشباك.",
        counter="الشباك 1",
        tickets="التذاكر",
    ),
    "zgh": Words(
        your_number="ⵓⵟⵟⵓⵏ ⵏⵏⴽ",
        why="ⵎⴰⵅ ⴷ ⵜⵓⵛⴽⵉⴷ?",
        priority="ⵜⴰⵣⵡⴰⵔⵜ: ⴰⵎⵖⴰⵔ",
        health="ⵜⴰⴷⵓⵙⵉ",
        civil_registration=CIVIL_REGISTRATION_ZGH,
        waiting="ⴳ ⵓⵔⴰⵊⵓ",
        waiting_priority="ⴳ ⵓⵔⴰⵊⵓ · ⵙ ⵜⵣⵡⴰⵔⵜ",
        called="D001 — ⵜⴰⴷⵓⵙⵉ — ⵉⵜⵜⵓⵖⵔⴰ · ⴰⵖⵓⵔⵉ 1",
        call_line="D001 → ⴰⵙⵡⵉⵔ 1",
        language="ⵜⴰⵎⴰⵣⵉⵖⵜ",
        empty="(ⵢⵓⵅⵡⴰ)",
        communes=("ⵜⴰⵍⵉⵡⵉⵏ", "Oulad Berhil"),  # no Tifinagh name for Oulad Berhil yet
        language_row=("ⵜⴰⵄⵔⴰⴱⵜ", "ⵜⴰⵎⴰⵣⵉⵖⵜ"),
        changes="ⴰⴼⴰⵢⵍⵓ ⴰⴷ ⵉⵜⵜⵓⵙⵏⴼⵍ: ⵉⵙⵎ (ⵜⵉⵔⵔⴰ ⵜⴰⵍⴰⵜⵉⵏⵉⵜ), ⵉⵙⵎ ⵏ ⵜⵡⴰⵛⵓⵏⵜ (ⵜⵉⵔⵔⴰ "  # noqa: RUF001
        "ⵜⴰⵍⴰⵜⵉⵏⵉⵜ), ⵜⴰⵎⵙⵙⵓⵎⴰ ⵏ ⵓⵣⴷⴰⵖ.",  # noqa: RUF001
        known_title="ⴰⵎⵙⴰⵡⴰⵍ ⴰⵎⴰⵢⵏⵓ: ⴰⵎⴷⴷⴰⴽⴽⵯⵍ ⵉⵜⵜⵓⵙⵙⵏⵏ",
        case_header="ⴰⴼⴰⵢⵍⵓ {code} — ",
        needs=["ⴰⵙⵏⵓⴼⵙ ⴷ ⵓⵙⵓⵔⵙ ⴰⵏⴰⵎⵓⵏ — ⵜⵕⵥⵎ", "ⵜⴰⴷⵓⵙⵉ — ⵜⵕⵥⵎ"],
        referral_created="ⵉⵜⵜⵓⵙⵏⴼⵍⵍ ⵓⵙⵏⴰⵍ {code}: ⵙⵉⴳⴳⵣ ⵜⴰⴽⴰⵔⴹⴰ.",
        service="Centre de santé de Taliouine",  # the demo directory has no Tamazight names
        sent="ⵉⵜⵜⵓⴼⴽⴰ",
        printed="ⵜⵜⵓⵣⵏ ⵜⵡⵔⵇⵇⵉⵜ ⵖⵔ ⵜⵎⵙⵙⵓⵖⵍⵜ ⴱⵍⴰ ⵜⴰⵏⴳⵍⵜ QR: ⴰⵙⵔⴰⴳ ⵓⵔ ⵉⵇⵇⵏ ⵙ ⵓⵎⵙⵍⴽⵉⵎ ⴰⵏⴰⵎⵓⵏ. "
        "ⵜⴰⵙⵏⴰ ⴰⴷ ⵜⵙⵉⵡⵍ ⵉ ⵓⵙⵔⴰⴳ ⵙ ⵓⵏⴳⴰⵍ.",
        slip="ⵜⴰⵡⵔⵇⵜ ⵏ ⵓⵙⵏⵎⴰⵍ",  # noqa: RUF001
        job_printed="ⵉⴼⴼⵖ",
        demo_printer="ⴰⵙⵉⴳⴳⵣ ⵏ ⵓⵙⵎⴰⵍ: ⴽⵓ ⵜⴰⵡⵓⵔⵉ ⵜⴳⴳⴰ ⵜⴰⵡⵍⴰⴼⵜ ⴳ",  # noqa: RUF001
        no_current="ⵓⵔ ⵜⵍⵍⵉ ⴽⵔⴰ ⵏ ⵜⵜⵉⴽⵉⵜ ⴳ ⵓⵙⵡⵉⵔ ⴰⴷ.",  # noqa: RUF001
        counter="ⴰⵙⵡⵉⵔ 1",
        tickets="ⵜⵉⵙⵖⵉⵏⵉⵏ",
    ),
}


class Walk:
    """The day's steps, taken up to the one a check needs."""

    def __init__(self, steps: Iterator[Step]) -> None:
        self._steps = steps

    def to(self, name: str) -> Step:
        """Go on until step ``name``; fail if the day ends first."""
        for step in self._steps:
            if step.name == name:
                return step
        raise AssertionError(f"the day ended before {name}")

    def to_the_end(self) -> None:
        """Go on until the day ends."""
        for _ in self._steps:
            pass


def waiting_list(day: Day) -> list[tuple[str, list[tuple[str, str]]]]:
    """The Queue page's waiting tickets: each reason's heading and its tickets' numbers and
    states."""
    tree = day.queue.tree
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [
        (
            group.text(0),
            [(group.child(j).text(0), group.child(j).text(2)) for j in range(group.childCount())],
        )
        for group in groups
        if group is not None
    ]


@pytest.mark.slow  # a whole day through three windows: about 5 s a language
@pytest.mark.parametrize("language", ["ar", "fr", "zgh"])
def test_a_whole_day_at_the_office(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str
) -> None:
    words = WORDS[language]
    prepare_demo(office.paths)  # the demo's accounts, directory and picture printer
    office.settings.set(office.system, "desk.language", language)  # this PC's desk and display
    fatima = a_visitor_from_last_month(office)
    day = Day.open(office, tasks, QtBotHands(qtbot))
    walk = Walk(the_day(day, language))
    try:
        # The kiosk: a visitor in Tifinagh, then Fatima in the day's language, with priority.
        walk.to("kiosk_ticket_tifinagh")
        screen = day.kiosk.ticket_screen
        assert screen.number_label.text() == "B001"
        assert screen.caption_label.text() == "ⵓⵟⵟⵓⵏ ⵏⵏⴽ"
        assert screen.reason_label.text() == CIVIL_REGISTRATION_ZGH
        assert not screen.priority_label.isVisible()
        walk.to("kiosk_reasons_priority")
        assert day.kiosk.reason_screen.title_label.text() == words.why
        walk.to("kiosk_ticket_priority")
        assert screen.number_label.text() == "D001"
        assert screen.caption_label.text() == words.your_number
        assert screen.reason_label.text() == words.health
        assert screen.priority_label.isVisible()
        assert screen.priority_label.text() == words.priority
        assert day.printed == [True, True]  # both came out of the demo printer
        assert not screen.warning_label.isVisible()

        # The desk: the officer chooses counter 1; both wait, the priority one marked.
        walk.to("desk_queue")
        queue = day.queue
        assert queue.counter_combo.currentText() == words.counter
        assert queue.message_label.text() == ""  # the counter was taken without a refusal
        assert waiting_list(day) == [
            (f"{words.civil_registration} (1)", [("B001", words.waiting)]),
            (f"{words.health} (1)", [("D001", words.waiting_priority)]),
        ]

        # Call next: Fatima's priority ticket first, on the desk and on the display.
        walk.to("desk_called")
        assert queue.current_label.text() == words.called
        walk.to("display_called")
        row = day.display.current_rows[0]
        line = row.lines[language]
        assert line.isVisible() and line.text() == words.call_line
        assert row.lines["zgh"].isVisible() == (language == "zgh")  # her ticket's language

        # The intake knows what she said at the kiosk: her language and her need.
        walk.to("intake_prefilled")
        wizard = day.wizard
        spoken = wizard.fields["person.language"].buttons[language]  # type: ignore[attr-defined]
        assert spoken.isChecked() and spoken.text() == words.language
        health = wizard.fields["needs"].boxes["health"]  # type: ignore[attr-defined]
        assert health.isChecked() and health.text() == words.health
        assert wizard.consent_tools.visitor_language == language

        # Leaving her page finds her record of last month, in Arabic letters.
        walk.to("intake_known_person")
        assert FATIMA_AR in wizard.duplicates.list.item(0).text()
        assert "1958" in wizard.duplicates.list.item(0).text()

        # Using it shows the record and today's answers side by side; the commune she moved
        # to is taken, the rest of the record kept.
        step = walk.to("intake_reuse")
        seen = day.reuse
        assert seen is not None and step.picture is seen.picture
        assert FATIMA_AR in seen.intro
        expected = {
            "given_name": (words.empty, f"{FSI}Fatima{PDI}"),
            "family_name": (words.empty, f"{FSI}Ait Lahcen{PDI}"),
            "commune": words.communes,
        }
        if words.language_row is not None:
            expected["language"] = words.language_row
        assert seen.rows == expected
        assert seen.summary == words.changes
        assert wizard.title_label.text() == words.known_title

        # Saved: the case of last month, one visit more, her names in both scripts.
        walk.to("case")
        assert day.saved is not None
        assert (day.saved.person_id, day.saved.case_id) == (fatima.person_id, fatima.case_id)
        case = day.case_page
        header = case.header_label.text()
        assert header.startswith(words.case_header.format(code=fatima.case_code))
        assert "Fatima Ait Lahcen" in header and FATIMA_AR in header
        assert words.communes[1] in case.person_label.text()
        assert [case.needs.item(i).text() for i in range(case.needs.count())] == words.needs

        # A referral to a health service, then its slip printed from the case page.
        step = walk.to("referral_dialog")
        assert isinstance(step.window, ReferralDialog)
        code = day.referral
        assert code is not None
        assert step.window.message_label.text() == words.referral_created.format(code=code)
        walk.to("case_slip")
        assert case.referrals.item(0).text() == f"{code} — {FSI}{words.service}{PDI} — {words.sent}"
        assert case.message == words.printed

        # The demo printer wrote the slip's picture, and the Printing page lists it printed.
        walk.to("desk_printing")
        folder = office.paths.data_dir / DEMO_PRINTER_FOLDER
        (picture,) = folder.glob(f"*slip-{code}_*.png")
        assert QImage(str(picture)).width() == 576  # the thermal printer's dots
        assert len(list(folder.glob("*ticket-*.png"))) == 2  # and the kiosk's tickets
        spool = day.page("printing", SpoolPage)
        rows = [
            [spool.table.item(r, c).text() for c in (1, 3)] for r in range(spool.table.rowCount())
        ]
        assert [f"{words.slip} {LRI}{code}{PDI}", words.job_printed] in rows
        assert spool.hint_label.text().startswith(words.demo_printer)
        assert str(folder) in spool.hint_label.text()

        # The other visitor's turn: the Tifinagh line under the call, Fatima's below.
        walk.to("display_called_second")
        display = day.display
        assert display.current_texts == ["B001 → Guichet 1"]
        assert display.current_rows[0].lines["zgh"].text() == "B001 → ⴰⵙⵡⵉⵔ 1"
        assert display.history_texts == ["D001 → Guichet 1"]

        # The end of the day: both served, nobody waiting.
        walk.to("desk_queue_empty")
        assert queue.tree.topLevelItemCount() == 0
        assert queue.current_label.text() == words.no_current
        numbers = QueueService.for_office(office)
        assert [numbers.find(n).state for n in ("B001", "D001")] == [TicketState.DONE] * 2

        # The supervisor's report: this month's figures hold the day's two tickets.
        walk.to("desk_report")
        reports = day.page("reports", ReportsPage)
        assert reports.tiles["tickets"].value_label.text() == "2"
        assert reports.tiles["served"].value_label.text() == "2"
        assert reports.tiles["tickets"].caption_label.text() == words.tickets
        walk.to_the_end()
    finally:
        day.close()
