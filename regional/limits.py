"""Request body limits per route family, enforced before a body is read (pure ASGI).

A ``Content-Length`` above the route's limit is refused at once, before the application
runs; a body without one (chunked) is counted as it arrives and refused as soon as it
passes the limit. Either way nothing of it reaches a route, so nothing is stored. Only a
push whose bearer token is a live PC's gets the push's limit, decided from the header
before any of the body is read: a stranger's push gets the small limit of the other routes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from protocol.wire import API_PREFIX, MAX_PUSH_BYTES

PUSH_PATH = f"{API_PREFIX}/push"
PAGE_PREFIX = "/r/"
FORM_MAX_BYTES = 8_000
"""The partner page's form: a few short fields."""
OTHER_MAX_BYTES = 64 * 1024
"""Every other route: enrolment takes a few hundred bytes, the rest take no body."""
PUSH_MAX_BYTES = MAX_PUSH_BYTES
"""A push: what the office's client sends at most in one request (``kiosk.sync.push``)."""


@dataclass(frozen=True)
class BodyLimits:
    """The largest request body, in bytes, of each route family."""

    form: int = FORM_MAX_BYTES
    push: int = PUSH_MAX_BYTES
    other: int = OTHER_MAX_BYTES

    def for_request(self, path: str, live_office: bool) -> int:
        """The limit of the route at ``path``; a push without a live PC's token (which will
        be refused) gets the small limit of the other routes, not the push's."""
        if path.startswith(PAGE_PREFIX):
            return self.form
        return self.push if path == PUSH_PATH and live_office else self.other


class BodyTooLarge(HTTPException):
    """A request body over its route's limit (413); the app's handler answers it."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is over {limit} bytes.")
        self.limit = limit


Refusal = Callable[[str, BodyTooLarge], Response]
LiveToken = Callable[[str], Awaitable[bool]]
"""Whether a bearer token is a live PC's (a quick read of the database)."""


class BodyLimitMiddleware:
    """Refuse request bodies over ``limits`` with ``refuse(path, error)``'s response.

    The refusal of a counted (chunked) body is raised as :class:`BodyTooLarge` from the
    route's ``receive``: FastAPI passes an ``HTTPException`` on to the app's handler, and
    this middleware answers it when nothing else did.
    """

    def __init__(
        self, app: ASGIApp, limits: BodyLimits, refuse: Refusal, live_token: LiveToken
    ) -> None:
        self.app = app
        self.limits = limits
        self.refuse = refuse
        self.live_token = live_token

    async def _limit(self, scope: Scope, declared: int | None) -> int:
        """The request's limit. Only a push whose length the two limits would judge apart
        (or that declares none) asks the database whether its token is a live PC's."""
        path: str = scope["path"]
        small = self.limits.for_request(path, live_office=False)
        large = self.limits.for_request(path, live_office=True)
        if small == large or (declared is not None and declared <= min(small, large)):
            return small
        token = _bearer_token(scope)
        return large if token and await self.live_token(token) else small

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        declared = _content_length(scope)
        limit = await self._limit(scope, declared)
        if declared is not None and declared > limit:
            await self.refuse(path, BodyTooLarge(limit))(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as error:
            if started:
                raise
            await self.refuse(path, error)(scope, receive, send)


def _bearer_token(scope: Scope) -> str:
    """The token of ``Authorization: Bearer <token>`` ("" without one)."""
    header: bytes
    for name, header in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = header.partition(b" ")
            if scheme.lower() == b"bearer":
                return token.strip().decode("latin-1")
    return ""


def _content_length(scope: Scope) -> int | None:
    """The declared body length (the HTTP server already refused a malformed one)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
