"""The state file: save, export (download), import."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from spyglass.server.context import ServerContext
from spyglass.server.schemas import SaveResponse
from spyglass.state.store import dump_state, parse_state


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api/state", tags=["state"])

    @api.post("/save", response_model=SaveResponse)
    def save() -> SaveResponse:
        """Write the state file now (it is also saved after every change)."""
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
        text = (await request.body()).decode("utf-8", errors="replace")
        state = parse_state(text, Path("uploaded state"))
        kept = ctx.workspace.replace(state)
        return {"checks": len(kept.checks), "runs": len(kept.runs)}

    return api
