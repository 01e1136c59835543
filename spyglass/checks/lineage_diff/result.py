"""A lineage diff's result: the selected nodes with their change status, and the edges among them."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.nodes import NodeEntry, NodesResult


class LineageNodeStatus(NodeEntry):
    #: why modified: "code", "config.materialized" ...
    reasons: tuple[str, ...] = ()
    #: unchanged but downstream of a change
    impacted: bool = False

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"


class LineageDiffResult(NodesResult[LineageNodeStatus]):
    """``nodes``: changed nodes first (added, removed, modified), then unchanged; by unique id within a status."""

    kind: Literal["lineage_diff"] = "lineage_diff"
    #: (parent, child) edges among the selected nodes, over the union of both graphs
    edges: tuple[tuple[str, str], ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for n in self.nodes if n.status == status)

    @property
    def headline(self) -> str:
        total = len(self.nodes)
        if not self.mismatch:
            return f"no changes in {total} node{'s' if total != 1 else ''}"
        parts = [f"{self.count(s)} {s}" for s in ("added", "removed", "modified") if self.count(s)]
        return f"{', '.join(parts)} of {total} nodes"
