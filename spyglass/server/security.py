"""ASGI middleware guarding every request, outermost first (see :func:`install_security`):

1. security headers on every response (CSP, ``frame-ancestors``, ``Referrer-Policy``, ``nosniff``);
2. the ``Host`` header must name the server (DNS rebinding) → 400;
3. the access token on API routes when one is set → 401;
4. state-changing requests only from the server's own origin, with a JSON body or the
   ``X-Spyglass-Request`` header (cross-site request forgery) → 403;
5. the request-body size limit, counted while the app reads the body → 413.

Nothing before step 5 reads the body, so a refused request costs no memory. Pure ASGI (no
``BaseHTTPMiddleware``) so streaming responses pass through untouched.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spyglass.server.asgi import HttpMiddleware, TrackedSend
from spyglass.server.config import ServerConfig
from spyglass.server.errors import UnexpectedErrorMiddleware
from spyglass.server.hosts import parse_authority, parse_origin, request_origin

#: The webhook authenticates with GitLab's own secret header instead.
WEBHOOK_PATH = "/api/gitlab/webhook"
OPEN_API_PATHS = frozenset({WEBHOOK_PATH, "/api/health"})
#: The header the UI sends on every request; a cross-origin page cannot send it without a CORS preflight,
#: which this server never grants.
REQUEST_HEADER = "X-Spyglass-Request"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Every response: the page loads nothing from elsewhere, cannot be framed, tells nobody where it came from.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}
_RAW_SECURITY_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


async def send_error(send: Send, status: int, error: str, remedy: str, **extra: str) -> None:
    """Answer with the usual ``{"error", "remedy"}`` JSON body."""
    body = json.dumps({"error": error, "remedy": remedy, **extra}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def token_matches(expected: str, header_value: str | None) -> bool:
    """Constant-time comparison of ``Authorization: Bearer <token>`` with the expected token."""
    if not header_value or not header_value.startswith("Bearer "):
        return False
    return hmac.compare_digest(header_value[len("Bearer "):].encode(), expected.encode())


class SecurityHeadersMiddleware(HttpMiddleware):
    """Adds :data:`SECURITY_HEADERS` to every response that does not set them itself."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _RAW_SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostCheckMiddleware:
    """Serve only requests whose ``Host`` names this server: anything else is 400 (DNS rebinding)."""

    def __init__(self, app: ASGIApp, *, served: Iterable[str]) -> None:
        self.app = app
        self.served = frozenset(served)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            authority = parse_authority(Headers(scope=scope).get("host", ""))
            if authority is None or authority.host not in self.served:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                # the names served are not listed: a page on a rebound name could read them
                await send_error(
                    send, 400, "This Spyglass server does not answer to the host name in the request.",
                    "Open it by the address it printed when it started (or localhost). To reach it by "
                    "another name (a reverse proxy, or GitLab calling the webhook by the public name), "
                    "restart it with --allowed-host NAME (or SPYGLASS_ALLOWED_HOSTS).")
                return
        await self.app(scope, receive, send)


class AuthMiddleware:
    """Every ``/api/`` route but the webhook and health needs ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, *, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.token is not None and scope["type"] == "http" and scope["path"].startswith("/api/")
                and scope["path"] not in OPEN_API_PATHS):
            raw = Headers(scope=scope).get("authorization")
            if not token_matches(self.token, raw):
                await send_error(send, 401, "This Spyglass server needs its access token.",
                                 "Enter the token the server was started with (--auth-token or "
                                 "SPYGLASS_AUTH_TOKEN); the UI asks for it once.")
                return
        await self.app(scope, receive, send)


def cross_site_problem(scheme: str, path: str, headers: Headers) -> str | None:
    """Why a state-changing request may have been sent by another site's page; None when it is fine.

    The ``Origin`` (else ``Referer``) must be the origin the request was sent to; a request with neither
    comes from a program, not a page. Then the body must be JSON, or the request carry
    ``X-Spyglass-Request``: a cross-origin page can send neither without a CORS preflight. GitLab's
    webhook is exempt from that second rule only: it authenticates with ``X-Gitlab-Token``, itself a
    header no cross-origin page can send.
    """
    own = request_origin(scheme, headers.get("host"))
    claimed = headers.get("origin")
    if claimed is None:
        claimed = headers.get("referer")
    if claimed is not None and (own is None or parse_origin(claimed) != own):
        return "The request was sent by a page of another site."
    if path == WEBHOOK_PATH or headers.get(REQUEST_HEADER):
        return None
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        return f"A request that changes something needs a JSON body or the {REQUEST_HEADER} header."
    return None


class CsrfMiddleware:
    """Refuse state-changing requests that a page of another site could have sent (403)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            problem = cross_site_problem(scope["scheme"], scope["path"], Headers(scope=scope))
            if problem is not None:
                await send_error(send, 403, problem,
                                 "Make the change from the Spyglass page itself. Scripts: send "
                                 f"Content-Type: application/json or {REQUEST_HEADER}: 1, and no Origin "
                                 "or Referer of another site.")
                return
        await self.app(scope, receive, send)


class BodyTooLarge(HTTPException):
    """Raised from the body stream once more than the limit was received (answered with 413)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes // (1024 * 1024)} MB.")
        self.remedy = "Send a smaller body (e.g. a state file without old runs)."


class BodyLimitMiddleware(HttpMiddleware):
    """Refuse request bodies over ``max_bytes`` with 413, whether or not Content-Length is sent.

    The body is not buffered here: the app reads it as it arrives, and the read that passes the limit
    raises :class:`BodyTooLarge`. ``path_limits`` gives single paths their own limit (the state import
    accepts whatever a state may hold, see :class:`spyglass.state.bounds.StateLimits`).
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, path_limits: Mapping[str, int] | None = None) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.path_limits = dict(path_limits or {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.path_limits.get(scope["path"], self.max_bytes)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, BodyTooLarge(limit))
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        tracked = TrackedSend(send)
        try:
            await self.app(scope, limited_receive, tracked)
        except BodyTooLarge as exc:  # normally answered by the app's error handler; this is the fallback
            if not tracked.started:
                await self._too_large(send, exc)

    async def _too_large(self, send: Send, exc: BodyTooLarge) -> None:
        await send_error(send, 413, str(exc.detail), exc.remedy)


def install_security(app: FastAPI, config: ServerConfig, *, path_limits: Mapping[str, int] | None = None) -> None:
    """Add the middleware above (Starlette runs the last one added first); ``path_limits``: body limits
    of single paths instead of ``config.max_body_bytes``.

    Between the headers and the host check sits the catch-all that turns an unexpected exception into
    a 500 and one log line (:class:`spyglass.server.errors.UnexpectedErrorMiddleware`).
    """
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes, path_limits=path_limits)
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(AuthMiddleware, token=config.auth_token)
    app.add_middleware(HostCheckMiddleware, served=config.served_hosts())
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
