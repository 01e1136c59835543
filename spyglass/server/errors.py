"""The one place errors become HTTP responses: ``{"error": ..., "remedy": ...}`` with a 4xx/5xx status.

No traceback ever reaches a client; unexpected exceptions are logged server-side and answered with a
generic 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from spyglass.exceptions import SpyglassError

log = logging.getLogger("spyglass.server")


def error_response(status: int, error: str, remedy: str = "") -> JSONResponse:
    return JSONResponse({"error": error, "remedy": remedy}, status_code=status)


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
    remedy = "See /openapi.json for the API's routes." if exc.status_code in (404, 405) else ""
    return error_response(exc.status_code, str(exc.detail), remedy)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("Unexpected error on %s %s: %s", request.method, request.url.path, type(exc).__name__,
              exc_info=exc)
    return error_response(500, "Spyglass hit an unexpected error.",
                          "Retry; if it persists, report it with the server's log output.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SpyglassError, _spyglass_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
