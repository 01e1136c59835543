"""The query editor: Jinja SQL with ``ref()`` against base, current, or both as a diff.

Runs go through the same run manager (so they are cancellable); the session's warehouse is opened
sandboxed, so a query cannot read the server's files or reach the network.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from spyglass.checks.query import QueryParams, QuerySpec
from spyglass.checks.query_diff import QueryDiffParams, QueryDiffSpec
from spyglass.exceptions import UsageError
from spyglass.server.context import ServerContext
from spyglass.server.schemas import QueryRequest, RunView


def query_spec(body: QueryRequest) -> QuerySpec | QueryDiffSpec:
    """The check spec for a query request (pure)."""
    if body.env == "diff":
        return QueryDiffSpec(params=QueryDiffParams(sql_template=body.sql_template,
                                                    base_sql_template=body.base_sql_template or None,
                                                    primary_keys=list(body.primary_keys or ()) or None))
    if body.env in ("base", "current"):
        return QuerySpec(params=QueryParams(sql_template=body.sql_template, base=body.env == "base"))
    raise UsageError(f"Unknown query target {body.env!r}.", remedy="Use env: base, current or diff.")


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["query"])

    @api.post("/query", response_model=RunView)
    async def query(body: QueryRequest, timeout: float = Query(60.0, ge=0, le=600)) -> RunView:
        """Run the SQL and wait up to ``timeout`` seconds (then poll ``/api/runs/{id}/wait``)."""
        run_id = ctx.runs.submit(query_spec(body))
        return await ctx.runs.wait(run_id, timeout)

    return api
