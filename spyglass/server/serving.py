"""Running an app under uvicorn: listening sockets, the "serving on" line, and stopping on a signal.

* The sockets are bound and listening before uvicorn starts, and "serving on" is announced only once
  uvicorn serves them, so whoever reads that line can connect at once.
* On the first SIGINT/SIGTERM every run is cancelled straight away (their warehouse queries with
  them) and the pages' long polls are answered; open requests then get ``graceful_seconds``, the runs
  ``shutdown_seconds``. Should the process still be alive a little after that (a worker stuck where
  it cannot be interrupted), it exits anyway with ``128 + signal``.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI

from spyglass.exceptions import UsageError
from spyglass.server.app import context_of
from spyglass.server.config import ServerConfig
from spyglass.server.hosts import bind_address, url_host
from spyglass.server.logs import server_log_config

log = logging.getLogger("spyglass.server")

_BACKLOG = 2048
#: a family the machine does not offer (e.g. no IPv6 for "localhost") is skipped if another one binds
_SKIPPABLE = frozenset({errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT})
#: seconds past the graceful and run shutdown before the process ends regardless
_EXIT_MARGIN = 2.0


def bind_sockets(host: str, port: int) -> list[socket.socket]:
    """Listening TCP sockets for ``host:port`` (one per address family of a name); UsageError otherwise."""
    try:
        infos = socket.getaddrinfo(bind_address(host), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise UsageError(f"Cannot listen on {host}: the name does not resolve to an address.",
                         remedy="Pass --host 127.0.0.1 (the default), ::1, or an address of this machine.") from None
    sockets: list[socket.socket] = []
    failures: list[OSError] = []
    for family, kind, proto, _, address in dict.fromkeys(infos):
        try:
            sockets.append(_listen(family, kind, proto, address))
        except OSError as exc:
            failures.append(exc)
    if sockets and all(exc.errno in _SKIPPABLE for exc in failures):
        return sockets
    for sock in sockets:
        sock.close()
    if any(exc.errno == errno.EADDRINUSE for exc in failures):
        raise UsageError(f"Port {port} on {host} is already in use.",
                         remedy="Stop the program using it, or pass --port with another port.")
    reason = failures[0].strerror if failures else "no address"
    raise UsageError(f"Cannot listen on {host} port {port}: {reason}.",
                     remedy="Pass --host 127.0.0.1 (the default), ::1, or an address of this machine.")


def _listen(family: int, kind: int, proto: int, address: Any) -> socket.socket:
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(_BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def served_url(host: str, sockets: list[socket.socket]) -> str:
    """The URL to open: the ``--host`` as given (IPv6 in brackets) and the port actually bound."""
    return f"http://{url_host(host)}:{sockets[0].getsockname()[1]}"


def uvicorn_config(app: FastAPI, config: ServerConfig, *, configure_logging: bool = True) -> uvicorn.Config:
    """uvicorn's settings for the app: Spyglass's one-line logs, no access log, bounded graceful stop.

    ``configure_logging=False`` leaves the process's logging alone (a server inside a test process).
    """
    return uvicorn.Config(
        app, log_config=server_log_config() if configure_logging else None, log_level="warning",
        access_log=False, server_header=False, lifespan="on",
        # open pages keep a long poll running: do not wait long for it
        timeout_graceful_shutdown=config.graceful_seconds,
    )


class StopGuard:
    """Called on each SIGINT/SIGTERM: the first one cancels every run now and arms the exit deadline."""

    def __init__(self, cancel_runs: Callable[[], None], *, deadline: float) -> None:
        self._cancel_runs = cancel_runs
        self._deadline = deadline
        self._armed = threading.Event()

    def __call__(self, signum: int) -> None:
        if self._armed.is_set():
            return
        self._armed.set()
        threading.Thread(target=self._cancel_runs, name="spyglass-cancel-runs", daemon=True).start()
        threading.Thread(target=self._exit_when_late, args=(signum,), name="spyglass-stop-deadline",
                         daemon=True).start()

    def _exit_when_late(self, signum: int) -> None:
        time.sleep(self._deadline)
        log.error("Spyglass did not stop within %.0f s of the signal; exiting now.", self._deadline)
        logging.shutdown()
        os._exit(128 + signum)


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, *, on_ready: Callable[[], None],
                 on_signal: Callable[[int], None], on_stopping: Callable[[], Awaitable[None]]) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self._on_signal = on_signal
        self._on_stopping = on_stopping

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self._on_stopping()  # answer the pages' long polls, so no request is cut off
        await super().shutdown(sockets=sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self._on_ready()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self._on_signal(sig)


def run_app(app: FastAPI, config: ServerConfig, sockets: list[socket.socket],
            *, announce: Callable[[str], None]) -> None:
    """Serve ``app`` (made by :func:`~spyglass.server.app.create_app`) on ``sockets`` until a signal.

    ``announce`` gets the URL once the server answers on it; the caller closes the sockets.
    """
    url = served_url(config.host, sockets)
    ctx = context_of(app)
    guard = StopGuard(ctx.runs.shutdown, deadline=config.graceful_seconds + config.shutdown_seconds + _EXIT_MARGIN)
    server = _Server(uvicorn_config(app, config), on_ready=lambda: announce(url), on_signal=guard,
                     on_stopping=ctx.watcher.release_waiters)
    server.run(sockets=sockets)
