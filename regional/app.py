"""The FastAPI application of the regional server: routes, error handling, maintenance mode.

Every refusal is an :class:`ErrorBody`; request validation errors are 422
``invalid_request``; database trouble is 503 ``unavailable``; in maintenance every
endpoint answers 503 with ``Retry-After``; a body over its route's limit (see
:mod:`regional.limits`) is 413 ``payload_too_large``, or a bare page on the partner page.
Every answer of the partner page carries its security headers (:class:`PageHeaders`).
Nothing answers 500 on purpose.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from protocol.wire import ErrorBody, PushRequest
from regional import page_html
from regional.api import ApiError
from regional.api import router as api_router
from regional.config import Settings
from regional.dashboard_routes import router as dashboard_router
from regional.limits import PAGE_PREFIX, BodyLimitMiddleware, BodyTooLarge
from regional.page import router as page_router
from regional.runtime import Runtime

RETRY_AFTER = "120"
_NAMES = {
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
}


def _error(
    status: int, error: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = ErrorBody(error=error, message=message).model_dump()
    return JSONResponse(body, status_code=status, headers=headers)


async def _on_api_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    if error.status == 503:
        headers = {"Retry-After": RETRY_AFTER}
    return _error(error.status, error.error, error.message, headers)


async def _on_validation(_request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = error.errors()
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(part) for part in first.get("loc", ())) or "request"
    message = f"{where}: {first.get('msg', 'invalid')}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    return _error(422, "invalid_request", message[:1000])


def _too_large(path: str, error: BodyTooLarge) -> Response:
    """413: a bare page on the partner page, an :class:`ErrorBody` elsewhere."""
    if path.startswith(PAGE_PREFIX):
        page = page_html.plain_page("Erreur", "Formulaire trop long.")
        return HTMLResponse(page, status_code=413, headers={"Connection": "close"})
    message = f"{error.detail} Send less at a time."
    return _error(413, "payload_too_large", message, {"Connection": "close"})


async def _on_http(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if isinstance(error, BodyTooLarge):
        return _too_large(request.url.path, error)
    if request.url.path.startswith(PAGE_PREFIX) and error.status_code == 404:
        return HTMLResponse(page_html.not_found_page(), status_code=404)
    name = _NAMES.get(error.status_code, "http_error")
    return _error(error.status_code, name, str(error.detail), dict(error.headers or {}))


async def _on_database(_request: Request, _error_: Exception) -> Response:
    message = "The server's database is unavailable; try again later."
    return _error(503, "unavailable", message, {"Retry-After": RETRY_AFTER})


class Maintenance:
    """Answer 503 with ``Retry-After`` while the server is in maintenance.

    Pure ASGI: Starlette's ``BaseHTTPMiddleware`` reads the body in a task group, which
    would turn :class:`BodyTooLarge` into an ``ExceptionGroup`` that FastAPI answers 400.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != "/openapi.json":
            if self.settings.in_maintenance():
                message = "The regional server is in maintenance; try again later."
                refusal = _error(503, "maintenance", message, {"Retry-After": RETRY_AFTER})
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


class PageHeaders:
    """Give every answer under ``/r/`` the partner page's headers (``page_html.HEADERS``).

    Outermost, so that refusals made before the routes (413, maintenance) get them too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PAGE_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in page_html.HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _schema(app: FastAPI) -> dict[str, Any]:
    """FastAPI's OpenAPI schema, with the push's body model: the push route reads its body
    itself (``regional.api.push_envelopes``), so FastAPI does not know it."""
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        model = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema["components"]["schemas"]
        components.update(model.pop("$defs", {}))
        components["PushRequest"] = model
    return app.openapi_schema or {}


def create_app(settings: Settings) -> FastAPI:
    """The application for ``settings`` (the schema must already be at its head)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Release the database connections at shutdown."""
        yield
        app.state.regional.close()

    app = FastAPI(
        title="BAOM regional server",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.regional = Runtime(settings)
    app.openapi = lambda: _schema(app)  # type: ignore[method-assign]

    async def live_token(token: str) -> bool:
        """Whether ``token`` is a live PC's (read in a worker thread)."""
        return await run_in_threadpool(app.state.regional.is_live_token, token)

    app.include_router(api_router)
    app.include_router(page_router)
    app.include_router(dashboard_router)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(SQLAlchemyError, _on_database)

    app.add_middleware(Maintenance, settings=settings)
    # Added late, so outer: an over-long body never reaches the other middleware.
    app.add_middleware(
        BodyLimitMiddleware,
        limits=settings.body_limits,
        refuse=_too_large,
        live_token=live_token,
    )
    app.add_middleware(PageHeaders)  # outside even the body limit: its 413 gets them too
    return app
