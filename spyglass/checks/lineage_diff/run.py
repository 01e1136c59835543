"""Running a lineage diff: the selected nodes' statuses and edges, from the two manifests, with what the
change analysis says of each (category, changed and impacted columns) (pure)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from spyglass.checks.base import CheckContext
from spyglass.checks.lineage_diff.result import ImpactFields, LineageDiffResult, LineageNodeStatus
from spyglass.checks.lineage_diff.spec import LineageDiffParams, describe, selector
from spyglass.project.change_types import NodeImpact
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import NodeChange, ancestors
from spyglass.project.selection import select_nodes

_STATUS_ORDER = {"added": 0, "removed": 1, "modified": 2, "unchanged": 3}


def run(params: LineageDiffParams, ctx: CheckContext) -> LineageDiffResult:
    lineage = ctx.lineage
    ids = select_nodes(ctx.artifacts, lineage, selector(params), params.exclude)
    impacts = selected_impact(ctx.change_analysis(), ids)
    nodes = sorted(
        (node_status(c, impacts.get(uid)) for uid, c in lineage.changes.items() if uid in ids),
        key=lambda n: (_STATUS_ORDER[n.status], n.unique_id),
    )
    edges = sorted((parent, child) for child in ids for parent in lineage.parent_map.get(child, ()) if parent in ids)
    return LineageDiffResult(selection=describe(params), nodes=tuple(nodes), edges=tuple(edges))


def selected_impact(changes: ChangeAnalysis, ids: Collection[str]) -> Mapping[str, NodeImpact]:
    """The impact report's entries of the nodes in ``ids``, in its order: the changes among them, and
    those a change upstream can affect, whether that change is in ``ids`` or not (only the changes that
    can reach ``ids`` are analysed)."""
    if not ids:
        return {}
    upstream = set(ids) | ancestors(ids, changes.lineage.parent_map)
    return {node.unique_id: node for node in changes.impact(upstream).nodes if node.unique_id in ids}


def node_status(change: NodeChange, impact: NodeImpact | None) -> LineageNodeStatus:
    """One node's entry: its lineage status, and the analysis's fields (``impact`` None: no change can
    affect it; its ``change`` is then its status)."""
    fields = ImpactFields.of(impact) if impact is not None else ImpactFields.model_validate(
        {"change": change.status.value})
    return LineageNodeStatus.model_validate({
        **fields.model_dump(), "unique_id": change.unique_id, "name": change.name,
        "resource_type": change.resource_type.value, "status": change.status.value, "impacted": change.impacted,
        "reasons": fields.reasons or change.reasons,
    })
