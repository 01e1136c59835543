"""Log lines of the server process: one line each, no traceback, every control character escaped.

A request's path, headers or body, and an exception's message (which may quote them, or a secret),
never reach a log verbatim: :func:`log_safe` escapes what is logged, and :class:`OneLineFormatter`
drops tracebacks and stack information from every record, uvicorn's own included.
"""

from __future__ import annotations

import logging
from typing import Any

_LIMIT = 200


def log_safe(text: str, limit: int = _LIMIT) -> str:
    """``text`` cut to ``limit`` characters, everything but printable ASCII escaped (one harmless token)."""
    cut = text[:limit]
    escaped = "".join(c if " " <= c <= "~" else c.encode("unicode_escape").decode("ascii") for c in cut)
    return escaped + ("..." if len(text) > limit else "")


class OneLineFormatter(logging.Formatter):
    """``time LEVEL logger: message``, escaped to a single line, without exception or stack text."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string in someone's log call must not lose the line
            message = str(record.msg)
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {message}"
        return log_safe(line, limit=2000)


def server_log_config() -> dict[str, Any]:
    """``logging.config.dictConfig`` for ``spyglass server``: warnings and errors, one line each, on stderr.

    Covers uvicorn's loggers, Spyglass's and the root logger (asyncio and libraries); the access log
    (which would repeat request paths) is off.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"one_line": {"()": OneLineFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "one_line",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"level": "WARNING"},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "spyglass": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
    }
