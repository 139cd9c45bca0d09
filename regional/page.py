"""The counter-referral page ``/r/{token}``: what the QR code on a referral slip opens.

It shows only the service, the date the referral was made, the office, the referral code
and its priority, and takes the partner's report. Unknown and closed referrals get the
same plain 404. Requests are rate-limited per client address (the proxy's client when
``serve --forwarded-allow-ips`` trusts it); a form over 8,000 bytes is refused before it
is read (:mod:`regional.limits`).
"""

from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from regional import page_html
from regional.models import Office, ReferralView
from regional.outcomes import DECLINE_REASONS, Report, Result, find_referral, record_report
from regional.runtime import Runtime

router = APIRouter()
_OUTCOMES = {"received": "accepted", "done": "done", "declined": "declined"}


def _clean(text: str) -> str:
    """Printable text only (no NUL or other control characters, no lone surrogates)."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if ch.isprintable())


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.regional
    return runtime


def _lang(value: str | None) -> str:
    return value if value in page_html.LANGUAGES else "fr"


def _limited(request: Request) -> HTMLResponse | None:
    client = request.client.host if request.client else "unknown"
    if _runtime(request).limiter.allow(client):
        return None
    body = page_html.plain_page("Trop de requêtes", "Réessayez dans une minute.")
    return HTMLResponse(body, status_code=429, headers={"Retry-After": "60"})


def _not_found() -> HTMLResponse:
    return HTMLResponse(page_html.not_found_page(), status_code=404)


def _facts(view: ReferralView, office: Office | None, lang: str) -> dict[str, str]:
    texts = page_html.TEXTS[lang]
    return {
        "service": " — ".join(x for x in (view.service_name, view.organization_name) if x),
        "made": view.made_at.date().isoformat(),
        "office": office.name if office else "",
        "code": view.code,
        "priority": texts.get(view.priority, view.priority),
    }


def _show(
    runtime: Runtime, token: str, lang: str, error: str = "", status: int = 200
) -> HTMLResponse:
    with runtime.reader() as session, session.begin():
        view = find_referral(session, token, runtime.now())
        if view is None:
            return _not_found()
        office = session.get(Office, view.office_id)
        facts = _facts(view, office, lang)
    page = page_html.referral_page(lang, facts, runtime.nonce(token), token, error)
    return HTMLResponse(page, status_code=status)


@router.get("/r/{token}", response_class=HTMLResponse, include_in_schema=True)
def referral_page(request: Request, token: str, lang: str = "fr") -> HTMLResponse:
    """The referral's page, in French or (``?lang=ar``) Arabic."""
    return _limited(request) or _show(_runtime(request), token, _lang(lang))


def _report(form: dict[str, str], lang: str) -> Report | str:
    """The report in a submitted form, or the key of the message saying what is missing."""
    outcome = _OUTCOMES.get(form.get("outcome", ""))
    if outcome is None:
        return "missing_outcome"
    if outcome == "accepted":
        return Report("accepted")
    if outcome == "declined":
        reason = form.get("reason", "")
        return Report("declined", reason=reason) if reason in DECLINE_REASONS else "missing_reason"
    try:
        day = date.fromisoformat(form.get("outcome_date", ""))
    except ValueError:
        return "missing_date"
    return Report("done", provided=form.get("provided", "").strip()[:300], outcome_date=str(day))


def _plausible_date(report: Report, made_at: datetime, now: datetime) -> bool:
    """Whether a service was rendered on a day between the referral and today.

    Times are UTC; a day of margin lets an office ahead of UTC report its own today.
    """
    if report.state != "done":
        return True
    day = date.fromisoformat(report.outcome_date)
    return made_at.date() <= day <= (now + timedelta(days=1)).date()


def _submit(runtime: Runtime, token: str, form: dict[str, str], lang: str) -> HTMLResponse:
    if not hmac.compare_digest(form.get("nonce", "").encode(), runtime.nonce(token).encode()):
        return _not_found()
    report = _report(form, lang)
    if isinstance(report, str):
        return _show(runtime, token, lang, page_html.TEXTS[lang][report], status=400)
    now = runtime.now()
    with runtime.factory() as session, session.begin():
        view = find_referral(session, token, now, lock=True)
        if view is None:
            return _not_found()
        plausible = _plausible_date(report, view.made_at, now)
        result = record_report(session, view, report, now) if plausible else None
    if result is None:
        return _show(runtime, token, lang, page_html.TEXTS[lang]["bad_date"], status=400)
    if result is Result.REFUSED:
        return HTMLResponse(page_html.message_page(lang, "refused"), status_code=409)
    return HTMLResponse(page_html.message_page(lang, "thanks"))


@router.post("/r/{token}", response_class=HTMLResponse)
async def referral_report(request: Request, token: str, lang: str = "fr") -> HTMLResponse:
    """Take the partner's report (form-encoded: outcome, provided, outcome_date, reason)."""
    limited = await run_in_threadpool(_limited, request)
    if limited is not None:
        return limited
    try:
        raw = await request.body()  # at most the form's limit (regional.limits)
    except ClientDisconnect:  # the browser left mid-form (or sent a broken chunk)
        return HTMLResponse(page_html.plain_page("Erreur", "Formulaire incomplet."), 400)
    try:
        fields = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=20)
    except ValueError:
        return HTMLResponse(page_html.plain_page("Erreur", "Formulaire invalide."), 400)
    form = {key: _clean(values[0]) for key, values in fields.items()}
    lang = _lang(form.get("lang") or lang)
    return await run_in_threadpool(_submit, _runtime(request), token, form, lang)
