"""Assemble and run ``spyglass mcp``: the sandboxed session and checklist the server would use, the tools,
then stdio (a local agent) or streamable HTTP (``--http``).

Over HTTP the endpoint is ``/api/mcp`` behind the server's own middleware
(:func:`spyglass.server.security.install_security`): the ``Host`` must name the server (DNS rebinding), the
access token is required when set (always off loopback), and a request from another site's page is
refused. The SDK's own host check is off: the server's, which honours ``--allowed-host``, replaces it.
Starting makes no network call and touches no store: ``gitlab_post`` opens the store when called.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import anyio
import uvicorn
from fastapi import FastAPI
from mcp.server import Server
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings

from spyglass.mcp.catalog import review_tools
from spyglass.mcp.limits import OutputLimits
from spyglass.mcp.protocol import build_server
from spyglass.mcp.review import ReviewTools
from spyglass.server.config import ServerConfig, resolve_allowed_hosts, resolve_auth_token, validate_bind_host
from spyglass.server.launch import open_workspace, sandboxed_session
from spyglass.server.runner import RunManager
from spyglass.server.security import install_security
from spyglass.server.serving import bind_sockets, served_url, uvicorn_config
from spyglass.service import Session
from spyglass.warehouse.base import CancelToken

#: where the streamable HTTP endpoint answers (under /api/, so the server's token check guards it)
MCP_PATH = "/api/mcp"


@contextlib.contextmanager
def mcp_server(session: Session, state_path: Path | None, *, environ: Mapping[str, str],
               limits: OutputLimits | None = None, run_seconds: float = 900.0,
               stop: CancelToken | None = None) -> Iterator[Server[Any]]:
    """The MCP server over a sandboxed copy of ``session`` and the checklist of ``state_path`` (loaded when
    it exists, written after every change); the checklist is written and the copy closed on exit. ``stop``
    cancels every running call."""
    sandboxed = sandboxed_session(session)
    try:
        workspace = open_workspace(sandboxed, state_path)
        runs = RunManager(sandboxed, workspace, workers=1, run_seconds=run_seconds)
        try:
            review = ReviewTools(sandboxed, workspace, limits=limits)
            yield build_server(review_tools(review, environ, runs), run_seconds=run_seconds, stop=stop)
        finally:
            runs.shutdown()
            workspace.close()
    finally:
        sandboxed.close()


def serve_stdio(session: Session, state_path: Path | None, *, environ: Mapping[str, str] | None = None,
                stop: CancelToken | None = None) -> None:
    """Serve over standard input and output until the client closes them, or ``stop`` fires (a signal:
    see :func:`spyglass.cli.interrupt.run_interruptibly`).

    On ``stop`` the running calls are cancelled, the checklist written, and this returns at once: the
    protocol runs on a daemon thread, left behind, since its read of standard input cannot be interrupted.
    """
    stop = stop or CancelToken()
    with mcp_server(session, state_path, environ=environ if environ is not None else os.environ,
                    stop=stop) as server:
        ended = threading.Event()
        errors: list[BaseException] = []

        def serve() -> None:
            try:
                anyio.run(_run_stdio, server)
            except BaseException as exc:  # raised on the caller's thread
                errors.append(exc)
            finally:
                ended.set()

        threading.Thread(target=serve, name="spyglass-mcp-stdio", daemon=True).start()
        stop.on_cancel(ended.set)
        ended.wait()
        if errors and not stop.cancelled:
            raise errors[0]


async def _run_stdio(server: Server[Any]) -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def http_app(server: Server[Any], config: ServerConfig) -> FastAPI:
    """The streamable HTTP endpoint at :data:`MCP_PATH` behind the server's security middleware (stateless:
    each request stands alone, so no session outlives its request)."""
    transport = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, max_request_body_size=config.max_body_bytes,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with server.session_manager.run():
            yield

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.router.routes.extend(transport.routes)
    install_security(app, config)
    return app


def http_config(host: str, port: int, auth_token: str | None, allowed_hosts: Sequence[str],
                environ: Mapping[str, str]) -> ServerConfig:
    """As ``spyglass server`` resolves them: a token is required off loopback (UsageError otherwise)."""
    validate_bind_host(host)
    return ServerConfig(host=host, port=port, auth_token=resolve_auth_token(host, auth_token, environ),
                        allowed_hosts=resolve_allowed_hosts(allowed_hosts, environ))


def serve_http(session: Session, state_path: Path | None, config: ServerConfig, *,
               environ: Mapping[str, str] | None = None) -> None:
    """Serve streamable HTTP as ``config`` says (see :func:`http_config`) until interrupted."""
    env = environ if environ is not None else os.environ
    sockets = bind_sockets(config.host, config.port)
    try:
        with mcp_server(session, state_path, environ=env, run_seconds=config.run_seconds) as server:
            url = served_url(config.host, sockets)
            print(f"Spyglass MCP is serving on {url}{MCP_PATH}  (Ctrl+C to stop)", flush=True)
            uvicorn.Server(uvicorn_config(http_app(server, config), config)).run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
