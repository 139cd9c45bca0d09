"""The HTML of the counter-referral page, in French and Arabic (no JavaScript, no personal data).

Every answer under ``/r/`` carries :data:`HEADERS` (``regional.app.PageHeaders``): a
Content-Security-Policy that allows nothing but the page's own ``<style>`` (by its hash) and
its form posting back to the server, and no framing, caching or referrer.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from regional.outcomes import DECLINE_REASONS

LANGUAGES = ("fr", "ar")
TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Orientation BAOM",
        "service": "Service",
        "made": "Orientation faite le",
        "office": "Bureau",
        "code": "Code",
        "priority": "Priorité",
        "emergency": "Urgence (24 h)",
        "urgent": "Urgent (72 h)",
        "normal": "Normale (2 semaines)",
        "question": "Qu'est-il advenu de cette orientation ?",
        "received": "Personne reçue",
        "done": "Service rendu",
        "declined": "Orientation refusée",
        "provided": "Ce qui a été fourni",
        "date": "Date",
        "reason": "Motif du refus",
        "ineligible": "Non éligible",
        "full": "Complet",
        "declined_by_person": "Refusé par la personne",
        "wrong_service": "Mauvais service",
        "other": "Autre",
        "submit": "Envoyer",
        "thanks": "Merci ! Votre réponse a été transmise au bureau.",
        "refused": "Cette orientation a déjà été signalée plus avancée : la réponse n'a pas "
        "été enregistrée. Merci de contacter le bureau si besoin.",
        "switch": "العربية",
        "missing_date": "Indiquez la date à laquelle le service a été rendu.",
        "missing_reason": "Choisissez le motif du refus.",
        "missing_outcome": "Choisissez une réponse.",
        "bad_date": "La date ne peut être ni avant l'orientation ni dans le futur.",
    },
    "ar": {
        "title": "توجيه مكتب الاستقبال",
        "service": "المصلحة",
        "made": "تاريخ التوجيه",
        "office": "المكتب",
        "code": "الرمز",
        "priority": "الأولوية",
        "emergency": "استعجالي (24 ساعة)",
        "urgent": "عاجل (72 ساعة)",
        "normal": "عادي (أسبوعان)",
        "question": "ماذا حدث لهذا التوجيه؟",
        "received": "تم استقبال الشخص",
        "done": "تم تقديم الخدمة",
        "declined": "تم رفض التوجيه",
        "provided": "ما تم تقديمه",
        "date": "التاريخ",
        "reason": "سبب الرفض",
        "ineligible": "غير مؤهل",
        "full": "لا توجد أماكن",
        "declined_by_person": "رفض الشخص",
        "wrong_service": "مصلحة غير مناسبة",
        "other": "سبب آخر",
        "submit": "إرسال",
        "thanks": "شكرا! تم إرسال جوابكم إلى المكتب.",
        "refused": "سبق الإبلاغ عن مرحلة أكثر تقدما لهذا التوجيه: لم يتم تسجيل الجواب.",
        "switch": "Français",
        "missing_date": "المرجو تحديد تاريخ تقديم الخدمة.",
        "missing_reason": "المرجو اختيار سبب الرفض.",
        "missing_outcome": "المرجو اختيار جواب.",
        "bad_date": "لا يمكن أن يكون التاريخ قبل تاريخ التوجيه ولا في المستقبل.",
    },
}
_STYLE = (
    "body{font-family:sans-serif;font-size:18px;line-height:1.4;margin:0 auto;max-width:40rem;"
    "padding:1rem}h1{font-size:1.6rem}dt{font-weight:bold}dd{margin:0 0 .6rem}"
    "fieldset{border:1px solid #999;padding:.5rem 1rem}legend{font-weight:bold;padding:0 .3rem}"
    "label{display:block;padding:.5rem 0}"
    ".choice{display:flex;align-items:center;gap:.7rem;min-height:48px;padding:0}"
    "input,select,button{font-size:18px;min-height:48px;box-sizing:border-box}"
    ".choice input{width:28px;height:28px;min-height:0;margin:0;flex:none}"
    "input[type=text],input[type=date],select{display:block;width:100%;margin-top:.3rem}"
    "button{width:100%;margin-top:1rem}.switch a{display:inline-block;padding:.7rem 0}"
    ".error{color:#a00;font-weight:bold}"
)


def page_headers(style: str) -> dict[str, str]:
    """The headers of a page of the server's own: nothing runs or loads but its ``style``
    (by hash), no framing, no caching, no referrer."""
    style_hash = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'sha256-{style_hash}'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        ),
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }


HEADERS = page_headers(_STYLE)
"""The headers of every answer of the partner page (the style's hash follows ``_STYLE``)."""


def _page(lang: str, title: str, body: str) -> str:
    direction = "rtl" if lang == "ar" else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )


def referral_page(lang: str, facts: dict[str, str], nonce: str, token: str, error: str = "") -> str:
    """The page of one referral: its facts and the outcome form.

    ``facts`` holds service, made, office, code and priority (already displayable).
    """
    t = TEXTS[lang]
    other = "ar" if lang == "fr" else "fr"
    rows = "".join(
        f"<dt>{escape(t[key])}</dt><dd><bdi>{escape(facts[key])}</bdi></dd>"
        for key in ("service", "made", "office", "code", "priority")
    )
    reasons = "".join(
        f'<option value="{reason}">{escape(t[reason])}</option>' for reason in DECLINE_REASONS
    )
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    action = f"/r/{escape(token)}?lang={lang}"
    form = (
        f'<form method="post" action="{action}"><fieldset><legend>{escape(t["question"])}'
        f'</legend><input type="hidden" name="nonce" value="{escape(nonce)}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        + "".join(
            f'<label class="choice"><input type="radio" name="outcome" value="{value}">'
            f"<span>{escape(t[value])}</span></label>"
            for value in ("received", "done", "declined")
        )
        + f'<label>{escape(t["provided"])} <input type="text" name="provided" maxlength="300">'
        f'</label><label>{escape(t["date"])} <input type="date" name="outcome_date" '
        f'min="{escape(facts["made"])}"></label>'
        f'<label>{escape(t["reason"])} <select name="reason"><option value=""></option>'
        f"{reasons}</select></label></fieldset>"
        f'<button type="submit" id="submit">{escape(t["submit"])}</button></form>'
    )
    link = f'<a href="/r/{escape(token)}?lang={other}">{escape(t["switch"])}</a>'
    switch = f'<p class="switch">{link}</p>'
    body = f"<h1>{escape(t['title'])}</h1><dl>{rows}</dl>{alert}{form}{switch}"
    return _page(lang, t["title"], body)


def message_page(lang: str, key: str) -> str:
    """A page with one sentence (thank-you, refusal)."""
    t = TEXTS[lang]
    return _page(lang, t["title"], f"<h1>{escape(t['title'])}</h1><p>{escape(t[key])}</p>")


def not_found_page() -> str:
    """The same plain page for an unknown and for a closed referral."""
    return _page("fr", "Introuvable", "<h1>Introuvable</h1><p>Page introuvable.</p>")


def plain_page(title: str, sentence: str) -> str:
    """A bare page (rate limit, maintenance)."""
    return _page("fr", title, f"<h1>{escape(title)}</h1><p>{escape(sentence)}</p>")
