"""``create_app``: the FastAPI app over one :class:`Session`, built from its dependencies.

Nothing here is module-level state: every app gets its own workspace, run manager and watcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from spyglass import __version__
from spyglass.exceptions import SpyglassError
from spyglass.server.config import ServerConfig
from spyglass.server.context import ArtifactWatcher, ServerContext
from spyglass.server.errors import install_error_handlers
from spyglass.server.gitlab_port import GitLabPort
from spyglass.server.index_page import index_page
from spyglass.server.routes import checks, info, lineage, query, runs, state
from spyglass.server.routes import gitlab as gitlab_routes
from spyglass.server.runner import RunManager
from spyglass.server.security import install_security
from spyglass.server.workspace import Workspace
from spyglass.service import Session

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("spyglass.server")


def create_app(
    session: Session,
    workspace: Workspace,
    *,
    config: ServerConfig | None = None,
    gitlab: GitLabPort | None = None,
) -> FastAPI:
    """The web app: JSON API under ``/api``, the UI at ``/``, OpenAPI at ``/openapi.json``.

    ``session`` should open its warehouse sandboxed (see :func:`spyglass.server.launch.serve`); without
    ``gitlab`` the ``/api/gitlab`` routes are not mounted, with it the app closes it (and its store) when it
    shuts down. Every request passes the checks of :mod:`spyglass.server.security` first.
    """
    config = config or ServerConfig()
    ctx = ServerContext(
        session=session, workspace=workspace,
        runs=RunManager(session, workspace, workers=config.run_workers, run_seconds=config.run_seconds),
        watcher=ArtifactWatcher(session, workspace, interval=config.reload_interval),
        config=config, gitlab=gitlab,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watch = asyncio.create_task(ctx.watcher.watch())
        # the token's expiry: warned at start, then checked daily (rotated when the user opted in)
        tasks = [watch] + ([asyncio.create_task(gitlab.rotation.run())] if gitlab is not None else [])
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            try:
                await stop_runs(ctx, config.shutdown_seconds)
            finally:
                if gitlab is not None:
                    gitlab.close()

    # no /docs or /redoc: those pages load their scripts from a CDN (no network call the user did not ask for)
    app = FastAPI(title="Spyglass", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Review what a dbt merge request does to the data.")
    app.state.spyglass = ctx
    install_error_handlers(app)
    for module in (info, lineage, runs, checks, state, query):
        app.include_router(module.router(ctx))
    if gitlab is not None:
        app.include_router(gitlab_routes.router(ctx, gitlab))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    page = index_page(STATIC_DIR)

    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(page)

    # an exported state is never larger than the workspace's bound, so the import accepts exactly that
    install_security(app, config, path_limits={"/api/state/import": workspace.limits.state_bytes})
    return app


def context_of(app: FastAPI) -> ServerContext:
    """The :class:`ServerContext` of an app made by :func:`create_app`."""
    ctx = getattr(app.state, "spyglass", None)
    if not isinstance(ctx, ServerContext):
        raise TypeError("This app was not made by spyglass.server.app.create_app.")
    return ctx


async def stop_runs(ctx: ServerContext, timeout: float) -> None:
    """Cancel every run and wait for the workers at most ``timeout`` seconds (the server is stopping),
    then write the state file with every change, and the runs that ended, not on disk yet.

    :meth:`RunManager.shutdown` returns within its timeout even if a worker is stuck; should the
    process still not end, :class:`spyglass.server.serving.StopGuard` ends it.
    """
    await asyncio.to_thread(ctx.runs.shutdown, timeout)
    try:
        await asyncio.to_thread(ctx.workspace.close)
    except SpyglassError as exc:  # said once: nothing is left to answer it
        log.error("The state file could not be written as the server stopped: %s %s", exc.message, exc.remedy)
