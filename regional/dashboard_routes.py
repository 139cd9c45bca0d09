"""The dashboard's routes: ``/dashboard``, its exports ``/dashboard.csv`` and ``.xlsx``, and
the CMSM secretariat's view ``/dashboard/cmsm`` (``regional.dashboard_cmsm``).

Region staff only (the HTTP Basic login of ``/stats``, with its rate limit and lock-out): a
visitor without one gets the login challenge and nothing else. ``lang`` is ``fr`` or ``ar``;
``month`` (``YYYY-MM``) a published month, the latest by default; the page's ``measure``
what its map shows, ``count`` (the default) or ``rate`` per 10,000 inhabitants (the exports
hold both), and ``choice`` of whom: ``all`` visitors (the default), ``category:<key>`` or
``need:<key>`` (:func:`regional.dashboard.choices`; the exports hold every visitor's).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse

from regional.api import ERRORS, ApiError, Server, region_staff
from regional.dashboard import ALL, LANGUAGES, MEASURES, Dashboard, choices, load_dashboard
from regional.dashboard_cmsm import CmsmView, load_cmsm
from regional.dashboard_export import to_csv, to_xlsx
from regional.dashboard_html import CMSM_PATH, HEADERS, cmsm_page, dashboard_page
from regional.runtime import Runtime
from regional.stats import MONTH, NotPublished

router = APIRouter(dependencies=[Depends(region_staff)])
Lang = Annotated[str, Query(pattern=f"^({'|'.join(LANGUAGES)})$")]
Month = Annotated[str | None, Query(pattern=MONTH.pattern)]
Measure = Annotated[str, Query(pattern=f"^({'|'.join(MEASURES)})$")]
Choice = Annotated[str, Query(max_length=80)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard(server: Runtime, lang: str, month: str | None, choice: str = ALL) -> Dashboard:
    if choice not in choices():
        raise ApiError(422, "invalid_request", f"choice must be one of {', '.join(choices())}")
    try:
        return load_dashboard(server.reader, server.factory, server.now(), lang, month, choice)
    except NotPublished as refusal:
        raise ApiError(404, "not_published", str(refusal)) from None


def _download(body: bytes, media_type: str, dashboard: Dashboard, suffix: str) -> Response:
    name = f"baom-dashboard-{dashboard.month}-{dashboard.lang}.{suffix}"
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/dashboard", response_class=HTMLResponse, responses=ERRORS)
def dashboard(
    server: Server,
    lang: Lang = "fr",
    month: Month = None,
    measure: Measure = "count",
    choice: Choice = ALL,
) -> HTMLResponse:
    """The region's dashboard page."""
    page = dashboard_page(_dashboard(server, lang, month, choice), measure)
    return HTMLResponse(page, headers=HEADERS)


@router.get(CMSM_PATH, response_class=HTMLResponse, responses=ERRORS)
def dashboard_cmsm(server: Server, lang: Lang = "fr", month: Month = None) -> HTMLResponse:
    """The CMSM secretariat's view: referrals to the network's associations."""
    try:
        view: CmsmView = load_cmsm(server.reader, server.factory, server.now(), lang, month)
    except NotPublished as refusal:
        raise ApiError(404, "not_published", str(refusal)) from None
    return HTMLResponse(cmsm_page(view), headers=HEADERS)


@router.get("/dashboard.csv", responses=ERRORS)
def dashboard_csv(server: Server, lang: Lang = "fr", month: Month = None) -> Response:
    """The dashboard's tables as CSV (UTF-8 with BOM)."""
    found = _dashboard(server, lang, month)
    return _download(to_csv(found), "text/csv; charset=utf-8", found, "csv")


@router.get("/dashboard.xlsx", responses=ERRORS)
def dashboard_xlsx(server: Server, lang: Lang = "fr", month: Month = None) -> Response:
    """The dashboard's tables as an Excel workbook."""
    found = _dashboard(server, lang, month)
    return _download(to_xlsx(found), XLSX, found, "xlsx")
