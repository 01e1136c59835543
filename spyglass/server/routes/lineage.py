"""Lineage graph, node details, column lineage and selection."""

from __future__ import annotations

from fastapi import APIRouter, Query

from spyglass.project.models import Env
from spyglass.project.selection import select_nodes
from spyglass.server.badges import node_badges
from spyglass.server.change_views import column_lineage_response
from spyglass.server.context import ServerContext
from spyglass.server.nodes import build_graph, node_detail
from spyglass.server.schemas import ColumnLineageResponse, Graph, NodeDetail, SelectRequest, SelectResponse

#: the longest column-lineage walk a request may ask for, each way
MAX_DEPTH = 100


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["lineage"])

    @api.get("/lineage", response_model=Graph)
    def lineage(all: bool = False) -> Graph:
        """Changed nodes and their downstream (``all=true``: every node) with the edges among them, and for
        each what the change can affect (``change``, ``category``, ``whole_node``, ``affected_columns``);
        ``badges``: what the checklist found about each node a check is about."""
        version = ctx.watcher.version  # read first: a graph newer than its version is only fetched again
        snapshot = ctx.session.snapshot
        graph = build_graph(snapshot.artifacts, snapshot.lineage, snapshot.changes.impact(), version=version,
                            everything=all)
        return graph.model_copy(update={"badges": node_badges(ctx.workspace.snapshot(), graph.nodes)})

    @api.get("/nodes/{unique_id:path}", response_model=NodeDetail)
    def node(unique_id: str) -> NodeDetail:
        """Columns on both sides with their change, base and current SQL, the primary key, the change's
        category and reasons, and the columns it changes or can affect."""
        snapshot = ctx.session.snapshot
        return node_detail(snapshot.artifacts, snapshot.lineage, snapshot.changes, unique_id)

    @api.get("/column-lineage", response_model=ColumnLineageResponse)
    def column_lineage(
        node: str = Query(min_length=1, max_length=1_000, description="the node's unique id"),
        column: str = Query(min_length=1, max_length=1_000),
        env: Env = Env.CURRENT,
        depth: int | None = Query(default=None, ge=1, le=MAX_DEPTH, description="hops each way; none: all"),
    ) -> ColumnLineageResponse:
        """A column's upstream and downstream columns across nodes, as ``env``'s SQL makes them."""
        changes = ctx.session.snapshot.changes
        view = changes.column_lineage(node, column.lower(), env=env, depth=depth)
        return column_lineage_response(view, env)

    @api.post("/select", response_model=SelectResponse)
    def select(body: SelectRequest) -> SelectResponse:
        """The node ids a selector picks, with the CLI's syntax (``state:modified+``, ``tag:x`` ...)."""
        snapshot = ctx.session.snapshot
        chosen = select_nodes(snapshot.artifacts, snapshot.lineage, body.select, body.exclude)
        return SelectResponse(nodes=sorted(chosen))

    return api
