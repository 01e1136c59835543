"""ASGI middleware: the access token on API routes, and the request-body size limit.

Pure ASGI (no ``BaseHTTPMiddleware``) so streaming responses pass through untouched.
"""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The webhook authenticates with GitLab's own secret header instead.
OPEN_API_PATHS = frozenset({"/api/gitlab/webhook", "/api/health"})


async def _send_error(send: Send, status: int, error: str, remedy: str) -> None:
    body = json.dumps({"error": error, "remedy": remedy}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def token_matches(expected: str, header_value: str | None) -> bool:
    """Constant-time comparison of ``Authorization: Bearer <token>`` with the expected token."""
    if not header_value or not header_value.startswith("Bearer "):
        return False
    return hmac.compare_digest(header_value[len("Bearer "):].encode(), expected.encode())


class AuthMiddleware:
    """Every ``/api/`` route but the webhook and health needs ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, *, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.token is not None and scope["type"] == "http" and scope["path"].startswith("/api/")
                and scope["path"] not in OPEN_API_PATHS):
            headers = dict(scope["headers"])
            raw = headers.get(b"authorization")
            if not token_matches(self.token, raw.decode("latin-1") if raw else None):
                await _send_error(send, 401, "This Spyglass server needs its access token.",
                                  "Enter the token the server was started with (--auth-token or "
                                  "SPYGLASS_AUTH_TOKEN); the UI asks for it once.")
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _send_error(send, 413, f"The request body is larger than {self.max_bytes // (1024 * 1024)} MB.",
                          "Send a smaller body (e.g. a state file without old runs).")
