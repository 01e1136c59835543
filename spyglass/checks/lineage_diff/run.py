"""Running a lineage diff: the selected nodes' statuses and edges, from the two manifests (pure)."""

from __future__ import annotations

from spyglass.checks.base import CheckContext
from spyglass.checks.lineage_diff.result import LineageDiffResult, LineageNodeStatus
from spyglass.checks.lineage_diff.spec import LineageDiffParams, describe, selector
from spyglass.project.selection import select_nodes

_STATUS_ORDER = {"added": 0, "removed": 1, "modified": 2, "unchanged": 3}


def run(params: LineageDiffParams, ctx: CheckContext) -> LineageDiffResult:
    lineage = ctx.lineage
    ids = select_nodes(ctx.artifacts, lineage, selector(params), params.exclude)
    nodes = sorted(
        (LineageNodeStatus(unique_id=c.unique_id, name=c.name, resource_type=c.resource_type.value,
                           status=c.status.value, reasons=c.reasons, impacted=c.impacted)
         for uid, c in lineage.changes.items() if uid in ids),
        key=lambda n: (_STATUS_ORDER[n.status], n.unique_id),
    )
    edges = sorted((parent, child) for child in ids for parent in lineage.parent_map.get(child, ()) if parent in ids)
    return LineageDiffResult(selection=describe(params), nodes=tuple(nodes), edges=tuple(edges))
