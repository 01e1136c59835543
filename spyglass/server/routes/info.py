"""Health, server info, and the refresh signal for open pages."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Query

from spyglass import __version__
from spyglass.checks.registry import DEFINITIONS
from spyglass.server.context import ServerContext
from spyglass.server.schemas import InfoResponse


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["info"])

    @api.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/info", response_model=InfoResponse)
    def info() -> InfoResponse:
        session = ctx.session
        environment = session.environment_info()
        warehouse = session.try_warehouse()
        return InfoResponse(
            version=__version__, project_dir=str(session.settings.project_dir),
            state_file=str(ctx.workspace.path) if ctx.workspace.path else None,
            adapter_type=environment.current.adapter_type,
            warehouse=warehouse.dialect.name if warehouse is not None else None,
            auth_required=ctx.config.auth_token is not None,
            check_types=list(DEFINITIONS), artifacts_version=ctx.watcher.version,
            environment=environment,
        )

    @api.get("/events")
    async def events(version: int = Query(0, ge=0), timeout: float = Query(25.0, ge=0, le=60)) -> dict[str, int]:
        """Long poll: answers once the artifacts version differs from ``version`` (or after ``timeout``)."""
        try:
            return {"version": await ctx.watcher.wait_for_change(version, timeout)}
        except asyncio.CancelledError:  # the server is shutting down: answer instead of logging a traceback
            return {"version": ctx.watcher.version}

    return api
