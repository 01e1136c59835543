"""The one place errors become HTTP responses: ``{"error": ..., "remedy": ...}`` with a 4xx/5xx status.

No traceback ever reaches a client or a log line: an unexpected exception is answered with a generic
500 carrying a short error id, and logged as one line with that id, the method, the route and the
exception's type (never its message, which may quote the request or a secret).
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from spyglass.exceptions import SpyglassError
from spyglass.server.asgi import HttpMiddleware, TrackedSend
from spyglass.server.logs import log_safe

log = logging.getLogger("spyglass.server")


def error_response(status: int, error: str, remedy: str = "") -> JSONResponse:
    return JSONResponse({"error": error, "remedy": remedy}, status_code=status)


def request_label(scope: Scope) -> str:
    """``METHOD /route/{template}`` for a matched route, else the escaped path (never raw request text)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    shown = path if isinstance(path, str) else log_safe(str(scope.get("path", "")))
    return f"{log_safe(str(scope.get('method', '')), 16)} {shown}"


async def _spyglass_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SpyglassError)
    return error_response(exc.http_status, exc.message, exc.remedy)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "The request body is not valid JSON.",
                              "Send a JSON object with Content-Type: application/json.")
    parts = []
    for err in errors[:10]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return error_response(422, "The request is invalid: " + "; ".join(parts) + ".",
                          "Fix the listed fields; the API is described at /openapi.json.")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    remedy = getattr(exc, "remedy", None)
    if not isinstance(remedy, str):
        remedy = "See /openapi.json for the API's routes." if exc.status_code in (404, 405) else ""
    return error_response(exc.status_code, str(exc.detail), remedy)


class UnexpectedErrorMiddleware(HttpMiddleware):
    """Any exception the app lets through: one log line and a 500 with an error id, never re-raised.

    (Starlette's own last-resort handler re-raises, and the server then logs a full traceback.)
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked = TrackedSend(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            error_id = secrets.token_hex(4)
            log.error("Unexpected error %s on %s: %s", error_id, request_label(scope), type(exc).__name__)
            if not tracked.started:
                response = JSONResponse(
                    {"error": f"Spyglass hit an unexpected error (id {error_id}).",
                     "remedy": "Retry; if it persists, report it with this id and the server's log line "
                               "that carries it.",
                     "error_id": error_id},
                    status_code=500)
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SpyglassError, _spyglass_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
