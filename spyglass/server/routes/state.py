"""The state file: save, export (download), import.

Parsing, serialising and writing a state take as long as the state is large: every route here does them
on a worker thread, never on the event loop (``def`` routes run in FastAPI's thread pool; the import,
which reads its body asynchronously, hands the rest to :func:`asyncio.to_thread`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from spyglass.server.context import ServerContext
from spyglass.server.schemas import SaveResponse
from spyglass.server.workspace import Workspace
from spyglass.state.store import dump_state, parse_state


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api/state", tags=["state"])

    @api.post("/save", response_model=SaveResponse)
    def save() -> SaveResponse:
        """Write the state file now and answer once it is on disk (changes are also written on their
        own, within half a second)."""
        return SaveResponse(path=str(ctx.workspace.save()))

    @api.get("/export")
    def export() -> Response:
        """The whole state as a downloadable JSON file (what ``spyglass run`` writes)."""
        return Response(dump_state(ctx.workspace.snapshot()), media_type="application/json",
                        headers={"Content-Disposition": 'attachment; filename="spyglass_state.json"'})

    @api.post("/import")
    async def import_state(request: Request) -> dict[str, int]:
        """Replace the checklist and runs with those of an exported state file (the request body).

        Accepts up to ``StateLimits.state_bytes`` (the app gives this route that body limit), the most a
        state may hold, so every export imports; runs beyond the bounds are dropped, results cut.
        """
        body = await request.body()
        return await asyncio.to_thread(import_body, ctx.workspace, body)

    return api


def import_body(workspace: Workspace, body: bytes) -> dict[str, int]:
    """Parse an uploaded state and make its checks and runs the workspace's; what was kept."""
    state = parse_state(body.decode("utf-8", errors="replace"), Path("uploaded state"))
    kept = workspace.replace(state)
    return {"checks": len(kept.checks), "runs": len(kept.runs)}
