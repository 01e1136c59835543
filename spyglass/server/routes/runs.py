"""Runs of every check type: start (asynchronously), progress, wait, cancel, list."""

from __future__ import annotations

from fastapi import APIRouter, Query

from spyglass.server.context import ServerContext
from spyglass.server.runner import run_view
from spyglass.server.schemas import RunRequest, RunView


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api/runs", tags=["runs"])

    @api.post("", response_model=RunView, status_code=202)
    def start(body: RunRequest) -> RunView:
        """Start a run in the background; poll ``GET /api/runs/{id}`` or wait on ``/wait``."""
        if body.check_id is not None:
            ctx.workspace.check(body.check_id)
        run_id = ctx.runs.submit(body.spec, check_id=body.check_id)
        return ctx.runs.view(run_id)

    @api.get("", response_model=list[RunView])
    def runs() -> list[RunView]:
        """Runs still running, then finished runs (newest first)."""
        finished = [run_view(r) for r in reversed(ctx.workspace.snapshot().runs)]
        return ctx.runs.running() + finished

    @api.get("/{run_id}", response_model=RunView)
    def run(run_id: str) -> RunView:
        """One run: progress while running, then its result or error."""
        return ctx.runs.view(run_id)

    @api.get("/{run_id}/wait", response_model=RunView)
    async def wait(run_id: str, timeout: float = Query(30.0, ge=0, le=300)) -> RunView:
        """The run once finished, or as it is after ``timeout`` seconds."""
        return await ctx.runs.wait(run_id, timeout)

    @api.post("/{run_id}/cancel", response_model=RunView)
    def cancel(run_id: str) -> RunView:
        """Cancel a running run (its warehouse query is cancelled too)."""
        return ctx.runs.cancel(run_id)

    return api
