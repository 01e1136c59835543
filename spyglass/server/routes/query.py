"""The query editor: Jinja SQL with ``ref()`` against base, current, or both as a diff.

Runs go through the same run manager (so they are cancellable); the session's warehouse is opened
sandboxed, so a query cannot read the server's files or reach the network.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from spyglass.exceptions import UsageError
from spyglass.server.context import ServerContext
from spyglass.server.schemas import QueryRequest, RunView
from spyglass.state.models import RawParams


def query_params(body: QueryRequest) -> tuple[str, RawParams]:
    """The check type and params for a query request (pure)."""
    if body.env == "diff":
        params: RawParams = {"sql_template": body.sql_template}
        if body.base_sql_template:
            params["base_sql_template"] = body.base_sql_template
        if body.primary_keys:
            params["primary_keys"] = list(body.primary_keys)
        return "query_diff", params
    if body.env in ("base", "current"):
        params = {"sql_template": body.sql_template}
        if body.env == "base":
            params["base"] = True
        return "query", params
    raise UsageError(f"Unknown query target {body.env!r}.", remedy="Use env: base, current or diff.")


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["query"])

    @api.post("/query", response_model=RunView)
    async def query(body: QueryRequest, timeout: float = Query(60.0, ge=0, le=600)) -> RunView:
        """Run the SQL and wait up to ``timeout`` seconds (then poll ``/api/runs/{id}/wait``)."""
        type_name, params = query_params(body)
        run_id = ctx.runs.submit(type_name, params)
        return await ctx.runs.wait(run_id, timeout)

    return api
