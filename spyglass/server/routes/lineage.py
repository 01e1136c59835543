"""Lineage graph, node details and selection."""

from __future__ import annotations

from fastapi import APIRouter

from spyglass.project.selection import select_nodes
from spyglass.server.context import ServerContext
from spyglass.server.nodes import build_graph, node_detail
from spyglass.server.schemas import Graph, NodeDetail, SelectRequest, SelectResponse


def router(ctx: ServerContext) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["lineage"])

    @api.get("/lineage", response_model=Graph)
    def lineage(all: bool = False) -> Graph:
        """Changed nodes and their downstream (``all=true``: every node) with the edges among them."""
        version = ctx.watcher.version  # read first: a graph newer than its version is only fetched again
        snapshot = ctx.session.snapshot
        return build_graph(snapshot.artifacts, snapshot.lineage, version=version, everything=all)

    @api.get("/nodes/{unique_id:path}", response_model=NodeDetail)
    def node(unique_id: str) -> NodeDetail:
        """Columns on both sides with their change, base and current SQL, the primary key."""
        snapshot = ctx.session.snapshot
        return node_detail(snapshot.artifacts, snapshot.lineage, unique_id)

    @api.post("/select", response_model=SelectResponse)
    def select(body: SelectRequest) -> SelectResponse:
        """The node ids a selector picks, with the CLI's syntax (``state:modified+``, ``tag:x`` ...)."""
        snapshot = ctx.session.snapshot
        chosen = select_nodes(snapshot.artifacts, snapshot.lineage, body.select, body.exclude)
        return SelectResponse(nodes=sorted(chosen))

    return api
