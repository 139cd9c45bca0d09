"""Writes resources/directory/souss-massa-demo.json, the demo directory: run it as a module.

Real kinds of institution in real communes; every address, phone number and opening hour
is invented and marked as demo data, in the ``baom_demo`` field and in the text itself.
"""

from __future__ import annotations

import json
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.directory.profile import COMMUNES, PROVINCES_AR, TIME_ZONE, Commune
from protocol.directory.profile import NEEDS_TAXONOMY

TARGET = Path(__file__).resolve().parents[2] / "resources" / "directory" / "souss-massa-demo.json"
Text = tuple[str, str, str]  # fr, ar, en; {c}/{a} commune, {p}/{pa} province (Latin/Arabic)
_NS = uuid.UUID("0b7a4c1e-5f3d-4e8a-9c2b-6d1e0f4a8b37")

NEEDS: dict[str, Text] = {
    "pensions_social_security": (
        "Retraites et sécurité sociale",
        "التقاعد والضمان الاجتماعي",
        "Pensions and social security",
    ),
    "civil_registration": ("État civil", "الحالة المدنية", "Civil registration"),
    "residence_papers": ("Titres de séjour", "بطاقات الإقامة", "Residence papers"),
    "health": ("Santé", "الصحة", "Health"),
    "education": ("Éducation et scolarité", "التعليم والتمدرس", "Education"),
    "employment": ("Emploi et formation", "الشغل والتكوين", "Employment and training"),
    "housing": ("Logement", "السكن", "Housing"),
    "legal_aid": ("Aide juridique", "المساعدة القانونية", "Legal aid"),
    "family_child_protection": (
        "Protection de la famille et de l'enfance",
        "حماية الأسرة والطفولة",
        "Family and child protection",
    ),
    "womens_services": ("Services aux femmes", "خدمات لفائدة النساء", "Women's services"),
    "psychosocial_support": (
        "Soutien psychosocial",
        "الدعم النفسي والاجتماعي",
        "Psychosocial support",
    ),
    "emergency_relief": (
        "Aide d'urgence : nourriture, abri",
        "المساعدة الاستعجالية: الغذاء والإيواء",
        "Emergency relief: food, shelter",
    ),
    "consular": ("Affaires consulaires", "الشؤون القنصلية", "Consular matters"),
    "diaspora_investment": (
        "Investissement de la diaspora",
        "استثمار مغاربة العالم",
        "Diaspora investment",
    ),
    "other": ("Autres démarches", "مساطر أخرى", "Other matters"),
}
ID_DOCUMENT: Text = (
    "Pièce d'identité (CNIE, passeport ou carte de séjour)",
    "وثيقة الهوية (البطاقة الوطنية أو جواز السفر أو بطاقة الإقامة)",
    "Identity document (national ID card, passport or residence card)",
)
HOURS: dict[str, list[tuple[str, str, str]]] = {
    "office": [("MO,TU,WE,TH,FR", "08:30", "16:30")],
    "always": [("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")],
    "association": [("MO,TU,WE,TH,FR,SA", "09:00", "18:00")],
    "night": [("MO,TU,WE,TH,FR,SA,SU", "20:00", "08:00")],
}
HOURS_NOTE: Text = (
    "Horaires de démonstration, non vérifiés",
    "أوقات تجريبية غير مؤكدة",
    "Demo opening hours, not verified",
)
PHONE_NOTE: Text = (
    "Numéro fictif (démo), non vérifié",
    "رقم وهمي (تجريبي) غير مؤكد",
    "Fictitious number (demo), not verified",
)


@dataclass(frozen=True)
class Kind:
    """A kind of service, written once for every commune that has one."""

    name: Text
    org: Text
    needs: list[str]
    text: Text
    documents: list[Text] = field(default_factory=lambda: [ID_DOCUMENT])
    eligible: list[str] = field(default_factory=list)
    sex: str | None = None
    ages: tuple[int, int] | None = None
    hours: str = "office"
    phone_type: str = "voice"
    languages: tuple[str, ...] = ("ar", "fr", "zgh")


PER_COMMUNE = [
    Kind(
        ("Centre de santé de {c}", "المركز الصحي {a}", "{c} health centre"),
        (
            "Délégation provinciale de la Santé de {p}",
            "المندوبية الإقليمية للصحة {pa}",
            "Provincial health delegation, {p}",
        ),
        ["health"],
        (
            "Consultations de médecine générale, vaccination, suivi de grossesse et santé de l'enfant.",
            "فحوصات الطب العام والتلقيح وتتبع الحمل وصحة الطفل.",
            "General medical consultations, vaccination, pregnancy follow-up and child health.",
        ),
        [
            ID_DOCUMENT,
            (
                "Carnet de santé ou de vaccination",
                "الدفتر الصحي أو دفتر التلقيح",
                "Health or vaccination booklet",
            ),
        ],
    ),
    Kind(
        ("Bureau d'état civil de {c}", "مكتب الحالة المدنية {a}", "{c} civil registry office"),
        ("Commune de {c}", "جماعة {a}", "Commune of {c}"),
        ["civil_registration"],
        (
            "Déclaration des naissances (30 jours sans jugement) et des décès, copies d'actes, livret de famille.",
            "التصريح بالولادات (30 يوما دون حكم) والوفيات، نسخ العقود، الدفتر العائلي.",
            "Registration of births (30 days without a court judgment) and deaths, copies of records, family booklet.",
        ),
        [
            (
                "Avis de naissance de la maternité",
                "شهادة الولادة من دار الولادة",
                "Notice of birth from the maternity",
            ),
            ("Pièces d'identité des parents", "وثائق هوية الوالدين", "Parents' identity documents"),
            ("Acte de mariage des parents", "عقد زواج الوالدين", "Parents' marriage certificate"),
        ],
    ),
    Kind(
        ("Inscription scolaire à {c}", "التسجيل المدرسي في {a}", "School enrolment in {c}"),
        (
            "Direction provinciale de l'Éducation nationale de {p}",
            "المديرية الإقليمية للتربية الوطنية {pa}",
            "Provincial directorate of national education, {p}",
        ),
        ["education"],
        (
            "Inscription à l'école publique, y compris des enfants étrangers et de ceux qui arrivent en cours d'année.",
            "التسجيل في المدرسة العمومية، بما في ذلك الأطفال الأجانب والوافدون خلال السنة.",
            "Enrolment in public school, including foreign children and those arriving during the year.",
        ),
        [
            ("Acte de naissance de l'enfant", "عقد ازدياد الطفل", "Child's birth record"),
            (
                "Certificat de scolarité précédent, s'il existe",
                "شهادة مدرسية سابقة إن وجدت",
                "Previous school certificate, if any",
            ),
        ],
        ages=(6, 18),
    ),
    Kind(
        (
            "BAOM de {c} : accueil et orientation des migrants",
            "مكتب استقبال وتوجيه المهاجرين {a}",
            "{c} BAOM: migrant welcome and orientation",
        ),
        ("Commune de {c}", "جماعة {a}", "Commune of {c}"),
        ["pensions_social_security", "diaspora_investment", "other"],
        (
            "Accueil, information et orientation des Marocains résidant à l'étranger, des retraités de retour et des nouveaux habitants.",
            "استقبال وإخبار وتوجيه مغاربة العالم والمتقاعدين العائدين والمقيمين الجدد.",
            "Welcome, information and orientation for Moroccans abroad, returning retirees and new residents.",
        ),
        eligible=["mre", "mre_returnee", "rpt", "refugee", "asylum_seeker"],
    ),
]
PER_PROVINCE = [  # in each province capital
    Kind(
        ("Hôpital provincial de {c}", "المستشفى الإقليمي {a}", "{c} provincial hospital"),
        (
            "Délégation provinciale de la Santé de {p}",
            "المندوبية الإقليمية للصحة {pa}",
            "Provincial health delegation, {p}",
        ),
        ["health"],
        (
            "Urgences jour et nuit, consultations spécialisées, maternité.",
            "المستعجلات ليلا ونهارا، الفحوصات المتخصصة، دار الولادة.",
            "Emergencies day and night, specialist consultations, maternity.",
        ),
        hours="always",
    ),
    Kind(
        ("Agence ANAPEC de {c}", "وكالة أنابيك {a}", "ANAPEC agency, {c}"),
        (
            "ANAPEC - Agence nationale de promotion de l'emploi et des compétences",
            "الوكالة الوطنية لإنعاش التشغيل والكفاءات",
            "ANAPEC - National agency for employment and skills",
        ),
        ["employment"],
        (
            "Inscription des demandeurs d'emploi, offres, formation et aide à la création d'entreprise.",
            "تسجيل الباحثين عن الشغل، عروض العمل، التكوين والمساعدة على إنشاء المقاولة.",
            "Registration of job seekers, job offers, training and help to start a business.",
        ),
        [ID_DOCUMENT, ("Diplômes et CV", "الشهادات والسيرة الذاتية", "Diplomas and CV")],
        languages=("ar", "fr"),
    ),
    Kind(
        (
            "Espace multifonctionnel pour les femmes de {c}",
            "الفضاء متعدد الوظائف للنساء {a}",
            "{c} multi-purpose centre for women",
        ),
        ("Entraide nationale", "التعاون الوطني", "Entraide nationale (national mutual aid)"),
        ["womens_services", "family_child_protection", "psychosocial_support"],
        (
            "Écoute, orientation et accompagnement des femmes et de leurs enfants, y compris les femmes en difficulté.",
            "الاستماع والتوجيه والمواكبة للنساء وأطفالهن، بما في ذلك النساء في وضعية صعبة.",
            "Listening, orientation and support for women and their children, including women in difficulty.",
        ),
        sex="female",
    ),
    Kind(
        ("Agence CNSS de {c}", "وكالة الصندوق الوطني للضمان الاجتماعي {a}", "CNSS agency, {c}"),
        (
            "CNSS - Caisse nationale de sécurité sociale",
            "الصندوق الوطني للضمان الاجتماعي",
            "CNSS - National social security fund",
        ),
        ["pensions_social_security"],
        (
            "Immatriculation, AMO, pensions, et dossiers des conventions bilatérales de sécurité sociale.",
            "التسجيل، التأمين الإجباري عن المرض، المعاشات، وملفات الاتفاقيات الثنائية للضمان الاجتماعي.",
            "Registration, health insurance, pensions, and files under bilateral social security agreements.",
        ),
        [
            ID_DOCUMENT,
            (
                "Relevé de carrière ou attestation d'affiliation étrangère",
                "كشف المسار المهني أو شهادة الانخراط الأجنبية",
                "Career statement or foreign affiliation certificate",
            ),
        ],
        eligible=["mre", "mre_returnee", "rpt", "everyone"],
        languages=("ar", "fr"),
    ),
]
AGADIR = [
    Kind(
        (
            "Hôpital régional Hassan II",
            "المستشفى الجهوي الحسن الثاني",
            "Hassan II regional hospital",
        ),
        (
            "Direction régionale de la Santé Souss-Massa",
            "المديرية الجهوية للصحة سوس ماسة",
            "Regional health directorate, Souss-Massa",
        ),
        ["health"],
        (
            "Urgences, hospitalisation et consultations spécialisées.",
            "المستعجلات والاستشفاء والفحوصات المتخصصة.",
            "Emergencies, hospital care and specialist consultations.",
        ),
        hours="always",
    ),
    Kind(
        (
            "Académie régionale d'éducation et de formation Souss-Massa",
            "الأكاديمية الجهوية للتربية والتكوين سوس ماسة",
            "Souss-Massa regional academy of education and training",
        ),
        ("AREF Souss-Massa", "الأكاديمية الجهوية للتربية والتكوين سوس ماسة", "AREF Souss-Massa"),
        ["education"],
        (
            "Équivalences de diplômes, intégration scolaire des enfants migrants, éducation non formelle.",
            "معادلة الشهادات، الإدماج المدرسي لأطفال المهاجرين، التربية غير النظامية.",
            "Diploma equivalence, school integration of migrant children, non-formal education.",
        ),
    ),
    Kind(
        (
            "Service des étrangers de la Sûreté préfectorale d'Agadir",
            "مصلحة الأجانب بالأمن الولائي لأكادير",
            "Foreigners' department, Agadir police prefecture",
        ),
        (
            "DGSN - Direction générale de la Sûreté nationale",
            "المديرية العامة للأمن الوطني",
            "DGSN - National police",
        ),
        ["residence_papers"],
        (
            "Demande et renouvellement des cartes de séjour des étrangers.",
            "طلب وتجديد بطاقات إقامة الأجانب.",
            "Applications and renewals of foreigners' residence cards.",
        ),
        [
            ID_DOCUMENT,
            ("Justificatif de domicile", "شهادة السكنى", "Proof of address"),
            ("Photos d'identité", "صور شمسية", "Identity photos"),
        ],
        eligible=["rpt", "refugee", "asylum_seeker"],
        languages=("ar", "fr"),
    ),
    Kind(
        (
            "Consulat général de France à Agadir",
            "القنصلية العامة لفرنسا بأكادير",
            "Consulate General of France in Agadir",
        ),
        (
            "Ministère français de l'Europe et des Affaires étrangères",
            "وزارة أوروبا والشؤون الخارجية الفرنسية",
            "French Ministry for Europe and Foreign Affairs",
        ),
        ["consular", "pensions_social_security"],
        (
            "Services aux ressortissants français et visas ; informations sur les pensions françaises.",
            "خدمات للرعايا الفرنسيين والتأشيرات؛ معلومات حول المعاشات الفرنسية.",
            "Services to French nationals and visas; information on French pensions.",
        ),
        languages=("fr", "ar", "en"),
    ),
    Kind(
        (
            "Consulat général d'Espagne à Agadir",
            "القنصلية العامة لإسبانيا بأكادير",
            "Consulate General of Spain in Agadir",
        ),
        (
            "Ministère espagnol des Affaires étrangères",
            "وزارة الشؤون الخارجية الإسبانية",
            "Spanish Ministry of Foreign Affairs",
        ),
        ["consular"],
        (
            "Services aux ressortissants espagnols et visas.",
            "خدمات للرعايا الإسبان والتأشيرات.",
            "Services to Spanish nationals and visas.",
        ),
        languages=("es", "fr", "ar"),
    ),
    Kind(
        (
            "Bureau d'assistance judiciaire du Tribunal de première instance d'Agadir",
            "مكتب المساعدة القضائية بالمحكمة الابتدائية بأكادير",
            "Legal aid office, Agadir court of first instance",
        ),
        ("Ministère de la Justice", "وزارة العدل", "Ministry of Justice"),
        ["legal_aid", "family_child_protection"],
        (
            "Assistance judiciaire gratuite, jugements déclaratifs de naissance, cellule d'accueil des femmes et enfants victimes de violence.",
            "المساعدة القضائية المجانية، الأحكام التصريحية بالولادة، خلية التكفل بالنساء والأطفال ضحايا العنف.",
            "Free legal aid, court declarations of birth, unit for women and children victims of violence.",
        ),
    ),
    Kind(
        (
            "Commission régionale des droits de l'Homme Souss-Massa",
            "اللجنة الجهوية لحقوق الإنسان سوس ماسة",
            "Souss-Massa regional human rights commission",
        ),
        (
            "CNDH - Conseil national des droits de l'Homme",
            "المجلس الوطني لحقوق الإنسان",
            "CNDH - National human rights council",
        ),
        ["legal_aid"],
        (
            "Réception des plaintes et orientation, y compris des migrants et des réfugiés.",
            "تلقي الشكايات والتوجيه، بما في ذلك المهاجرون واللاجئون.",
            "Complaints and orientation, including for migrants and refugees.",
        ),
    ),
    Kind(
        (
            "Organisation internationale pour les migrations - permanence d'Agadir",
            "المنظمة الدولية للهجرة - مداومة أكادير",
            "International Organization for Migration - Agadir desk",
        ),
        (
            "OIM - Organisation internationale pour les migrations",
            "المنظمة الدولية للهجرة",
            "IOM - International Organization for Migration",
        ),
        ["emergency_relief", "psychosocial_support", "other"],
        (
            "Aide au retour volontaire, assistance aux migrants vulnérables, orientation.",
            "المساعدة على العودة الطوعية، مساعدة المهاجرين في وضعية هشاشة، التوجيه.",
            "Assisted voluntary return, help for vulnerable migrants, orientation.",
        ),
        eligible=["rpt", "refugee", "asylum_seeker"],
        languages=("fr", "en", "ar"),
    ),
    Kind(
        (
            "Association d'accueil des migrants d'Agadir (démo)",
            "جمعية استقبال المهاجرين بأكادير (تجريبي)",
            "Agadir migrant welcome association (demo)",
        ),
        (
            "Association d'accueil des migrants d'Agadir (démo)",
            "جمعية استقبال المهاجرين بأكادير (تجريبي)",
            "Agadir migrant welcome association (demo)",
        ),
        ["emergency_relief", "housing", "psychosocial_support"],
        (
            "Membre du comité régional migration : accueil de jour, cours de darija et de français, aide au logement.",
            "عضو في اللجنة الجهوية للهجرة: استقبال نهاري، دروس الدارجة والفرنسية، المساعدة على السكن.",
            "Member of the regional migration committee: day centre, Darija and French lessons, help with housing.",
        ),
        eligible=["rpt", "refugee", "asylum_seeker"],
        hours="association",
        phone_type="whatsapp",
        languages=("fr", "en", "ar", "wo"),
    ),
    Kind(
        (
            "Croissant-Rouge marocain - comité d'Agadir",
            "الهلال الأحمر المغربي - لجنة أكادير",
            "Moroccan Red Crescent - Agadir committee",
        ),
        ("Croissant-Rouge marocain", "الهلال الأحمر المغربي", "Moroccan Red Crescent"),
        ["emergency_relief"],
        (
            "Permanence de nuit : premiers secours, nourriture et abri d'urgence.",
            "مداومة ليلية: الإسعافات الأولية والغذاء والإيواء الاستعجالي.",
            "Night desk: first aid, food and emergency shelter.",
        ),
        hours="night",
    ),
    Kind(
        (
            "Centre régional d'investissement Souss-Massa",
            "المركز الجهوي للاستثمار سوس ماسة",
            "Souss-Massa regional investment centre",
        ),
        ("CRI Souss-Massa", "المركز الجهوي للاستثمار سوس ماسة", "CRI Souss-Massa"),
        ["diaspora_investment"],
        (
            "Accompagnement des projets d'investissement, y compris ceux des Marocains du monde.",
            "مواكبة مشاريع الاستثمار بما فيها مشاريع مغاربة العالم.",
            "Support for investment projects, including those of Moroccans abroad.",
        ),
        eligible=["mre", "mre_returnee", "everyone"],
        languages=("ar", "fr", "en"),
    ),
    Kind(
        (
            "Al Omrane Souss-Massa - logement social",
            "العمران سوس ماسة - السكن الاجتماعي",
            "Al Omrane Souss-Massa - social housing",
        ),
        ("Holding Al Omrane", "مجموعة العمران", "Al Omrane group"),
        ["housing"],
        (
            "Information sur les programmes de logement social et d'habitat.",
            "معلومات حول برامج السكن الاجتماعي.",
            "Information on social housing programmes.",
        ),
        languages=("ar", "fr"),
    ),
    Kind(
        (
            "Centre d'écoute et de soutien psychologique d'Agadir (démo)",
            "مركز الاستماع والدعم النفسي بأكادير (تجريبي)",
            "Agadir listening and psychological support centre (demo)",
        ),
        (
            "Association d'écoute et de soutien d'Agadir (démo)",
            "جمعية الاستماع والدعم بأكادير (تجريبي)",
            "Agadir listening and support association (demo)",
        ),
        ["psychosocial_support", "womens_services"],
        (
            "Écoute anonyme et soutien psychologique ; orientation vers des spécialistes.",
            "استماع مجهول الهوية ودعم نفسي؛ التوجيه نحو المختصين.",
            "Anonymous listening and psychological support; referral to specialists.",
        ),
        hours="association",
        phone_type="whatsapp",
        languages=("ar", "fr", "en"),
    ),
]
PROVINCE_CAPITALS = ("Taroudant", "Tiznit", "Biougra", "Inezgane", "Tata")


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NS, "/".join(map(str, parts))))


def _fill(text: str, commune: Commune) -> str:
    filled = text.format(
        c=commune.name, a=commune.name_ar, p=commune.province, pa=PROVINCES_AR[commune.province]
    )
    return re.sub(r"\bde ([AEIOU])", r"d'\1", filled)


def _texts(text: Text, commune: Commune) -> tuple[str, dict[str, str]]:
    return _fill(text[0], commune), {"ar": _fill(text[1], commune), "en": _fill(text[2], commune)}


@cache
def _zgh_labels() -> dict[str, str]:
    """The Tamazight labels of the need categories that the queue's reasons already have."""
    reasons = tomllib.loads((TARGET.parents[1] / "queue" / "reasons.toml").read_text("utf-8"))
    return {reason["key"]: reason["labels"]["zgh"] for reason in reasons["reason"]}


def _term(key: str) -> dict[str, Any]:
    fr, ar, en = NEEDS[key]
    zgh = {"zgh": _zgh_labels()[key]} if key in _zgh_labels() else {}
    return {
        "id": _id("term", key),
        "code": key,
        "name": fr,
        "description": fr,
        "taxonomy": NEEDS_TAXONOMY,
        "taxonomy_id": _id("taxonomy"),
        "language": "fr",
        "baom_translations": {
            "name": {"ar": ar, "en": en, **zgh},
            "description": {"ar": ar, "en": en, **zgh},
        },
        "taxonomy_detail": {
            "id": _id("taxonomy"),
            "name": NEEDS_TAXONOMY,
            "description": "Need categories of the BAOM offices (DOMAIN.md keys)",
            "version": "1",
        },
    }


def service(kind: Kind, commune: Commune, number: int) -> dict[str, Any]:
    """One service of ``kind`` in ``commune`` as a full HSDS 3.0 object with the profile."""
    key = _id("service", kind.name[0], commune.name)
    name, name_tr = _texts(kind.name, commune)
    org_name, org_tr = _texts(kind.org, commune)
    description, description_tr = _texts(kind.text, commune)
    shift = (number % 7 - 3) * 0.002
    location_id, place_id = _id("location", key), _id("sal", key)
    result: dict[str, Any] = {
        "id": key,
        "name": name,
        "description": description,
        "status": "active",
        "organization": {
            "id": _id("organization", org_name),
            "name": org_name,
            "description": org_name,
            "baom_translations": {"name": org_tr},
        },
        "baom_translations": {"name": name_tr, "description": description_tr},
        "service_at_locations": [
            {
                "id": place_id,
                "location_id": location_id,
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": name,
                    "baom_translations": {"name": name_tr},
                    "latitude": round(commune.latitude + shift, 4),
                    "longitude": round(commune.longitude - shift, 4),
                    "addresses": [
                        {
                            "id": _id("address", key),
                            "attention": "Adresse fictive (démo) - non vérifiée",
                            "address_1": f"Adresse de démonstration n° {number}, centre de {commune.name}",
                            "city": commune.name,
                            "state_province": "Souss-Massa",
                            "postal_code": "00000 (démo)",
                            "country": "MA",
                            "address_type": "physical",
                            "baom_commune": commune.code,
                            "baom_province": commune.province,
                            "baom_demo": True,
                        }
                    ],
                },
            }
        ],
        "phones": [
            {
                "id": _id("phone", key),
                "number": f"+212 500-000-{number:03d}",
                "type": kind.phone_type,
                "description": PHONE_NOTE[0],
                "baom_translations": {"description": {"ar": PHONE_NOTE[1], "en": PHONE_NOTE[2]}},
                "baom_demo": True,
            }
        ],
        "schedules": [
            {
                "id": _id("schedule", key, days),
                "freq": "WEEKLY",
                "byday": days,
                "opens_at": opens,
                "closes_at": closes,
                "baom_timezone": TIME_ZONE,
                "description": HOURS_NOTE[0],
                "baom_translations": {"description": {"ar": HOURS_NOTE[1], "en": HOURS_NOTE[2]}},
                "baom_demo": True,
            }
            for days, opens, closes in HOURS[kind.hours]
        ],
        "languages": [{"id": _id("language", key, code), "code": code} for code in kind.languages],
        "required_documents": [
            {
                "id": _id("document", key, index),
                "document": fr,
                "baom_translations": {"document": {"ar": ar, "en": en}},
            }
            for index, (fr, ar, en) in enumerate(kind.documents)
        ],
        "attributes": [
            {
                "id": _id("attribute", key, need),
                "link_id": key,
                "link_entity": "service",
                "taxonomy_term_id": _id("term", need),
                "taxonomy_term": _term(need),
            }
            for need in kind.needs
        ],
    }
    if kind.eligible:
        result["baom_eligible_categories"] = kind.eligible
    if kind.sex:
        result["baom_eligible_sex"] = kind.sex
    if kind.ages:
        result["minimum_age"], result["maximum_age"] = kind.ages
    return result


def build() -> list[dict[str, Any]]:
    """Every demo service."""
    services: list[dict[str, Any]] = []
    for commune in COMMUNES:
        kinds = [*PER_COMMUNE] if commune.baom else []
        kinds += PER_PROVINCE if commune.name in PROVINCE_CAPITALS else []
        kinds += [*PER_PROVINCE[1:], *AGADIR] if commune.name == "Agadir" else []
        services += [
            service(kind, commune, len(services) + index + 1) for index, kind in enumerate(kinds)
        ]
    return services


if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    demo = build()
    TARGET.write_text(json.dumps(demo, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(demo)} services written to {TARGET}")
