"""The slip of a real referral: its service from the directory in four languages, nothing
personal, and the referral recorded as sent once when the slip is printed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from db.cases import Referral, ReferralEvent, ReferralState
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.referrals import (
    NewReferral,
    StateChange,
    change_state,
    create_referral,
    find_referral,
)
from kiosk.directory.hours_text import DASH, hours_text
from kiosk.directory.importer import import_directory
from kiosk.directory.search import SearchQuery, search
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from printing.errors import SlipError
from printing.jobs import print_referral_slip, slip_layout, spool_for
from printing.labels import print_labels
from printing.layout import QRCode, Text
from printing.printer import PrinterConfig
from printing.referral_slip import read_referral_slip, referral_slip_for, slip_hours_words
from printing.slip import distinct, labelled, slip_document
from tests.helpers.escpos import decode
from tests.helpers.intake import answers
from tests.helpers.printers import loopback_printer

WEEK = f"08:30{DASH}16:30"
MORNING = f"09:00{DASH}12:00"
ANSWERS = answers(
    person__language="ar",
    person__phone="+212 612 345 678",
    person__given_name_ar="أميناتا",
    person__family_name_ar="ديالو",
)


@pytest.fixture
def code(office: OfficeContext) -> str:
    """A referral of a visitor of the test office to the civil registry of Taliouine."""
    import_directory(office.store, office.system, demo_directory())
    saved = submit_intake(office.store, office.system, IntakeRequest(ANSWERS, "fr"))
    assert saved.case_id is not None
    with office.store.session() as session:
        hits = search(session, SearchQuery(text="etat civil", commune="Taliouine", language="fr"))
    service = next(hit for hit in hits if hit.commune == "Taliouine")
    with office.store.unit_of_work(office.system) as uow:
        request = NewReferral(saved.case_id, str(service.service_id), "civil_registration")
        return create_referral(uow, request).code


def _state(office: OfficeContext, code: str) -> ReferralState:
    with office.store.session() as session:
        return ReferralState(find_referral(session, code).state)


def _sent_events(office: OfficeContext) -> int:
    with office.store.session() as session:
        return int(
            session.scalar(
                select(func.count(ReferralEvent.id)).where(
                    ReferralEvent.state == ReferralState.SENT
                )
            )
            or 0
        )


def test_the_slip_says_where_to_go_in_four_languages(office: OfficeContext, code: str) -> None:
    slip = read_referral_slip(office, code)
    content = slip.content
    assert slip.language == "ar"  # the person's preferred language
    assert content.code == code and content.office == office.office_name
    assert content.service["fr"] == "Bureau d'état civil de Taliouine"
    assert set(content.service) == {"fr", "ar", "en", "zgh"}
    assert "تالوين" in content.address["ar"] and "Taliouine" in content.address["fr"]
    assert content.hours["fr"] == f"lun{DASH}ven : {WEEK}"
    assert content.hours["en"] == f"Mon{DASH}Fri: {WEEK}"
    assert content.phone.startswith("+212")
    assert content.documents and all({"fr", "ar"} <= set(doc) for doc in content.documents)
    assert content.need["fr"].startswith("État civil")
    assert content.demo  # the demo directory's contact details are invented
    assert _state(office, code) is ReferralState.CREATED  # reading it sends nothing


def test_a_slip_carries_its_qr_code_only_once_the_office_has_a_server(
    office: OfficeContext, code: str
) -> None:
    """Before the office knows its regional server a QR code would lead nowhere: the slip
    prints the code and a line saying to call the office instead."""
    before = slip_document(referral_slip_for(office, code), "ar")
    assert not any(isinstance(block, QRCode) for block in before.blocks)
    words = print_labels()
    texts = [block.text for block in before.blocks if isinstance(block, Text)]
    assert words.text("ar", "slip.no_qr") in texts and words.text("fr", "slip.no_qr") in texts
    assert words.text("fr", "slip.scan") not in texts
    office.settings.set(office.system, "sync.server_url", "https://regional.baom.example.ma")
    content = referral_slip_for(office, code)
    with office.store.session() as session:
        token = find_referral(session, code).token
    assert content.counter_referral_url == f"https://regional.baom.example.ma/r/{token}"
    after = slip_document(content, "ar")
    assert [block.data for block in after.blocks if isinstance(block, QRCode)] == [
        content.counter_referral_url
    ]


def test_the_slip_carries_nothing_personal_but_the_first_name_when_enabled(
    office: OfficeContext, code: str
) -> None:
    content = referral_slip_for(office, code)
    assert content.first_name is None
    # the referral's random code and link may hold "SN" by chance: they are not the person's
    shown = repr(content).replace(content.code, "").replace(content.counter_referral_url, "")
    for personal in ("Aminata", "Diallo", "أميناتا", "ديالو", "1990", "612 345 678", "SN", "rpt"):
        assert personal not in shown
    office.settings.set(office.system, "slip.print_first_name", "true")
    named = referral_slip_for(office, code)
    assert named.first_name == "Aminata"  # the name in Arabic letters never prints
    for personal in ("Diallo", "أميناتا", "ديالو"):
        assert personal not in repr(named)
    printed = repr(slip_document(named, "ar"))
    assert "Aminata" in printed and "أميناتا" not in printed


def test_a_service_gone_from_the_directory_prints_the_name_copied_with_the_referral(
    office: OfficeContext, code: str
) -> None:
    with office.store.session() as session:
        session.execute(update(Referral).values(service_id=uuid.uuid4()))
        session.commit()
    content = referral_slip_for(office, code)
    assert content.service == {"fr": "Bureau d'état civil de Taliouine"}
    assert not content.address and not content.hours and not content.phone
    assert not content.documents and not content.demo
    texts = [
        block.text for block in slip_layout(office, content, "ar").blocks if isinstance(block, Text)
    ]
    assert not any(text.startswith(("Adresse", "Horaires", "Téléphone")) for text in texts)
    assert texts.count("Bureau d'état civil de Taliouine") == 1  # once, not once per language


def test_printing_the_slip_sends_the_referral_once(office: OfficeContext, code: str) -> None:
    with loopback_printer() as printer:
        config = PrinterConfig.from_settings(office.settings, printer.uri)
        job = print_referral_slip(office, office.system, code, "fr", config)
        assert job.kind == "slip" and job.summary == f"slip {code}"
        assert _state(office, code) is ReferralState.SENT
        spool = spool_for(office)
        spool.attempt(job.id)
        again = print_referral_slip(office, office.system, code, None, config)
        spool.attempt(again.id)
        spool.retry(office.system, job.id)  # a reprint from the spool
        spool.attempt(job.id)
        received = printer.wait_for_jobs(3)
    assert len(received) == 3 and all(decode(data).cut for data in received)
    assert _state(office, code) is ReferralState.SENT
    assert _sent_events(office) == 1


def test_an_unknown_or_closed_referral_has_no_slip(office: OfficeContext, code: str) -> None:
    with pytest.raises(SlipError, match="no referral 2345-6789"):
        referral_slip_for(office, "2345-6789")
    with office.store.unit_of_work(office.system) as uow:
        referral = find_referral(uow.session, code)
        change_state(uow, referral, StateChange(ReferralState.WITHDRAWN, reason="moved"))
    with pytest.raises(SlipError, match=f"referral {code} is withdrawn"):
        print_referral_slip(office, office.system, code, "fr", PrinterConfig("tcp://127.0.0.1:9"))
    assert spool_for(office).jobs() == []


@pytest.mark.parametrize(
    ("language", "week", "every_day", "two_days"),
    [
        ("fr", f"lun{DASH}ven : {WEEK}", "24 h sur 24", f"lun, mer : {MORNING}"),
        ("en", f"Mon{DASH}Fri: {WEEK}", "24 hours a day", f"Mon, Wed: {MORNING}"),
        (
            "ar",
            f"الإثنين{DASH}الجمعة: \u2066{WEEK}\u2069",  # the times isolated left to right
            "24 ساعة على 24",
            f"الإثنين, الأربعاء: \u2066{MORNING}\u2069",
        ),
        (
            "zgh",
            f"ⴰⵢⵏⴰⵙ{DASH}ⴰⵙⵉⵎⵡⴰⵙ: {WEEK}",
            "24 ⵜⵙⵔⴰⴳⵉⵏ ⵖⴼ 24",
            f"ⴰⵢⵏⴰⵙ, ⴰⴽⵕⴰⵙ: {MORNING}",
        ),
    ],
)
def test_opening_hours_print_in_the_slips_words(
    language: str, week: str, every_day: str, two_days: str
) -> None:
    hours = [
        {"byday": "MO,TU,WE,TH,FR", "opens_at": "08:30", "closes_at": "16:30"},
        {"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "00:00"},
        {"byday": "WE,MO", "opens_at": "09:00", "closes_at": "12:00"},
        {"byday": "SA", "opens_at": None, "closes_at": None, "description": "on appointment"},
    ]
    assert hours_text(hours, slip_hours_words(language)) == [week, every_day, two_days]


def test_a_text_in_french_only_prints_once() -> None:
    texts = {"fr": "Bureau", "ar": "مكتب", "zgh": "Bureau"}
    assert distinct(("zgh", "fr"), lambda lang: texts[lang]) == ["zgh"]
    assert distinct(("ar", "fr"), lambda lang: texts[lang]) == ["ar", "fr"]


def test_the_slip_time_is_now(office: OfficeContext, code: str) -> None:
    before = datetime.now(UTC)
    assert before <= referral_slip_for(office, code).issued_at <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("value", "isolate"),
    [
        ("+212 528 00 00 00", "\u2066"),
        ("08:30\u201316:30", "\u2066"),
        ("تالوين", "\u2067"),
        ("Taliouine", "\u2066"),
        ("12, شارع محمد الخامس", "\u2067"),
    ],
)
def test_a_value_in_arabic_lines_keeps_its_own_direction(value: str, isolate: str) -> None:
    line = labelled("ar", "slip.phone", value)
    assert line.endswith(f"{isolate}{value}\u2069")
    assert labelled("fr", "slip.phone", value).endswith(f" {value}")


def test_a_discreet_slip_names_no_service_and_its_referral_keeps_it(
    office: OfficeContext, code: str
) -> None:
    office.settings.set(office.system, "sync.server_url", "https://regional.baom.example.ma")
    plain = referral_slip_for(office, code)
    revealing = [plain.service["fr"], plain.service["ar"], plain.need["fr"], plain.need["ar"]]
    revealing += [plain.phone, plain.address["fr"]]
    with office.store.session() as session:
        session.execute(update(Referral).where(Referral.code == code).values(discreet=True))
        session.commit()
    content = referral_slip_for(office, code)
    words = print_labels()
    assert content.service == {lang: words.text(lang, "slip.discreet") for lang in content.service}
    assert set(content.service) == {"fr", "ar", "en", "zgh"}
    assert (content.need, content.address, content.hours) == ({}, {}, {})
    assert (content.phone, content.documents, content.demo) == ("", (), False)
    assert content.code == code and content.counter_referral_url.endswith(
        "/r/" + _token(office, code)
    )
    for language in ("fr", "ar"):
        printed = repr(slip_document(content, language))
        assert all(text not in printed for text in revealing)
        assert code in printed and words.text(language, "slip.discreet") in printed
    with office.store.session() as session:  # the record keeps the service as usual
        assert find_referral(session, code).service_name == "Bureau d'état civil de Taliouine"


def _token(office: OfficeContext, code: str) -> str:
    with office.store.session() as session:
        return find_referral(session, code).token


def test_the_slip_prints_the_itinerary_s_next_step_its_deadline_and_documents(
    office: OfficeContext, code: str
) -> None:
    from kiosk.cases.work import apply_itinerary, read_case, step_done

    assert read_referral_slip(office, code).content.next_step is None  # no itinerary yet
    case_code = read_case(office, find_code(office, code))["code"]
    born = datetime.now(UTC).date().replace(day=1)
    apply_itinerary(office, office.system, case_code, "civil_registration", anchor_on=born)
    step_done(office, office.system, case_code, "gather_documents")
    content = read_referral_slip(office, code).content
    assert content.next_step is not None
    assert content.next_step["fr"] == "Déclarer la naissance à l'état civil"
    assert content.next_step["ar"] == "التصريح بالولادة لدى الحالة المدنية"
    assert content.next_deadline == (born + timedelta(days=30)).isoformat()
    assert content.next_documents[0]["fr"].startswith("Avis de naissance")
    texts = [b.text for b in slip_document(content, "ar").blocks if isinstance(b, Text)]
    assert "Prochaine étape : Déclarer la naissance à l'état civil" in texts
    assert any(text.startswith("المرحلة المقبلة") for text in texts)
    assert any(content.next_deadline in text for text in texts)


def find_code(office: OfficeContext, referral_code: str) -> str:
    """The case of a referral."""
    with office.store.session() as session:
        return str(find_referral(session, referral_code).case_id)


def test_a_discreet_slip_prints_no_step_of_the_need_s_itinerary(
    office: OfficeContext, code: str
) -> None:
    """A step's title and documents name the need as much as the service would."""
    from kiosk.cases.work import apply_itinerary, read_case

    case_code = read_case(office, find_code(office, code))["code"]
    born = datetime.now(UTC).date().replace(day=1)
    apply_itinerary(office, office.system, case_code, "civil_registration", anchor_on=born)
    with office.store.session() as session:
        session.execute(update(Referral).where(Referral.code == code).values(discreet=True))
        session.commit()

    content = read_referral_slip(office, code).content

    assert (content.next_step, content.next_deadline, content.next_documents) == (None, "", ())
    printed = repr(slip_document(content, "fr"))
    assert "étape" not in printed.lower() and "Avis de naissance" not in printed
