"""``create_app``: the FastAPI app over one :class:`Session`, built from its dependencies.

Nothing here is module-level state: every app gets its own workspace, run manager and watcher.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from spyglass import __version__
from spyglass.server.config import ServerConfig
from spyglass.server.context import ArtifactWatcher, ServerContext
from spyglass.server.errors import install_error_handlers
from spyglass.server.gitlab_port import GitLabPort
from spyglass.server.routes import checks, info, lineage, query, runs, state
from spyglass.server.routes import gitlab as gitlab_routes
from spyglass.server.runner import RunManager
from spyglass.server.security import AuthMiddleware, BodyLimitMiddleware
from spyglass.server.workspace import Workspace
from spyglass.service import Session

STATIC_DIR = Path(__file__).parent / "static"

#: The page loads nothing from elsewhere and tells nobody where it came from.
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def create_app(
    session: Session,
    workspace: Workspace,
    *,
    config: ServerConfig | None = None,
    gitlab: GitLabPort | None = None,
) -> FastAPI:
    """The web app: JSON API under ``/api``, the UI at ``/``, OpenAPI at ``/openapi.json``.

    ``session`` should open its warehouse sandboxed (see :func:`spyglass.server.launch.serve`); without
    ``gitlab`` the ``/api/gitlab`` routes are not mounted.
    """
    config = config or ServerConfig()
    ctx = ServerContext(
        session=session, workspace=workspace,
        runs=RunManager(session, workspace, workers=config.run_workers),
        watcher=ArtifactWatcher(session, workspace, interval=config.reload_interval),
        config=config, gitlab=gitlab,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watch = asyncio.create_task(ctx.watcher.watch())
        try:
            yield
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)
            await asyncio.to_thread(ctx.runs.shutdown)

    # no /docs or /redoc: those pages load their scripts from a CDN (no network call the user did not ask for)
    app = FastAPI(title="Spyglass", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Review what a dbt merge request does to the data.")
    install_error_handlers(app)
    for module in (info, lineage, runs, checks, state, query):
        app.include_router(module.router(ctx))
    if gitlab is not None:
        app.include_router(gitlab_routes.router(ctx, gitlab))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    app.add_middleware(AuthMiddleware, token=config.auth_token)
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes)
    return app
