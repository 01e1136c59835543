"""Pure views of change intelligence for the API: each graph node's impact, a node's columns with their
change, impact and lineage, and a column's lineage walk. Every list is capped at ``MAX_LISTED``; the
``*_total`` fields say how many there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spyglass.project.change_types import (
    ColumnChange,
    ColumnHop,
    ColumnLineageView,
    ColumnOrigin,
    ImpactChange,
    ImpactReport,
    NodeImpact,
)
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import LineageDiff
from spyglass.project.models import RELATION_TYPES, ArtifactPair, Env
from spyglass.server.schemas import (
    MAX_LISTED,
    ColumnDiff,
    ColumnHopView,
    ColumnLineageResponse,
    NodeColumn,
    NodeImpactView,
)


@dataclass(frozen=True)
class NodeColumnsView:
    """What the node panel lists of a node's columns (``columns`` capped, ``total`` counts them all)."""

    columns: tuple[NodeColumn, ...] = ()
    total: int = 0
    #: why the lineage is unknown, else None
    reason: str | None = None


def impact_by_id(report: ImpactReport) -> dict[str, NodeImpact]:
    return {entry.unique_id: entry for entry in report.nodes}


def own_affected(entry: NodeImpact | None) -> tuple[str, ...]:
    """The node's own columns a change touches: changed columns of a changed node with those a change
    upstream of it can affect, the affected columns of an impacted one (``impacted_columns`` name them
    ``"<node name>.<column>"``)."""
    if entry is None:
        return ()
    if entry.change is not ImpactChange.IMPACTED:
        return tuple(dict.fromkeys([*entry.columns, *entry.affected_columns]))
    prefix = f"{entry.name}."
    return tuple(c.removeprefix(prefix) for c in entry.impacted_columns if c.startswith(prefix))


def impact_view(entry: NodeImpact) -> NodeImpactView:
    return NodeImpactView(
        change=entry.change.value, category=entry.category.value if entry.category else None,
        reasons=list(entry.reasons[:MAX_LISTED]),
        columns={name: change.value for name, change in list(entry.columns.items())[:MAX_LISTED]},
        impacted_columns=list(entry.impacted_columns[:MAX_LISTED]),
        impacted_columns_total=len(entry.impacted_columns),
        impacted_nodes=list(entry.impacted_nodes[:MAX_LISTED]), impacted_nodes_total=len(entry.impacted_nodes),
        exposures=list(entry.exposures[:MAX_LISTED]), whole_node=entry.whole_node,
    )


def _hops(hops: Sequence[ColumnHop]) -> list[ColumnHopView]:
    return [ColumnHopView(unique_id=h.unique_id, node=h.node, column=h.column,
                          transformation=h.transformation.value, depth=h.depth) for h in hops[:MAX_LISTED]]


def column_lineage_response(view: ColumnLineageView, env: Env) -> ColumnLineageResponse:
    return ColumnLineageResponse(
        unique_id=view.unique_id, node=view.node, column=view.column, env=env.value,
        upstream=_hops(view.upstream), downstream=_hops(view.downstream),
        upstream_total=len(view.upstream), downstream_total=len(view.downstream),
    )


def _column(name: str, origin: ColumnOrigin | None, change: ColumnChange | None, impacted: bool,
            lineage: LineageDiff) -> NodeColumn:
    def label(uid: str) -> str:
        known = lineage.changes.get(uid)
        return known.name if known else uid

    return NodeColumn(
        name=name, change=change.value if change else None, impacted=impacted,
        transformation=origin.transformation.value if origin else None,
        upstream=[f"{label(ref.node)}.{ref.column}" for ref in (origin.upstream if origin else ())[:MAX_LISTED]],
    )


def _changed(entry: NodeImpact | None, schema: Sequence[ColumnDiff]) -> dict[str, ColumnChange]:
    """The changed columns of the classification, else those the catalogs (or YAML) add or remove."""
    if entry is not None and entry.columns:
        return dict(entry.columns)
    return {c.name.lower(): ColumnChange(c.change) for c in schema if c.change in ("added", "removed")}


def node_columns(changes: ChangeAnalysis, pair: ArtifactPair, lineage: LineageDiff, unique_id: str,
                 entry: NodeImpact | None, schema: Sequence[ColumnDiff]) -> NodeColumnsView:
    """The node's columns: in the order its (current, else base) SQL makes them, then the ones of the
    ``schema`` diff (catalog or YAML) the lineage misses, then changed columns not listed yet."""
    current = pair.current.manifest.nodes.get(unique_id)
    node = current or pair.base.manifest.nodes.get(unique_id)
    if node is None or node.resource_type not in RELATION_TYPES:
        return NodeColumnsView()
    made = changes.columns(Env.CURRENT if current else Env.BASE, unique_id)
    changed = _changed(entry, schema)
    origins: dict[str, ColumnOrigin] = dict(made.columns)
    if current is not None and ColumnChange.REMOVED in changed.values():
        base_made = changes.columns(Env.BASE, unique_id)
        origins.update({k: v for k, v in base_made.columns.items() if k not in origins})
    names = list(dict.fromkeys([*made.columns, *(c.name.lower() for c in schema), *changed]))
    whole = entry is not None and entry.whole_node
    impacted = set(own_affected(entry)) if entry and entry.change is ImpactChange.IMPACTED else set()
    columns = tuple(_column(name, origins.get(name), changed.get(name), whole or name in impacted, lineage)
                    for name in names[:MAX_LISTED])
    return NodeColumnsView(columns=columns, total=len(names), reason=made.reason)
