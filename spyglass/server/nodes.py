"""Pure views of the lineage and of one node for the API: graph, columns on both sides, SQL."""

from __future__ import annotations

from spyglass.exceptions import NotFound
from spyglass.project.change_types import ImpactReport, NodeImpact
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import ChangeStatus, LineageDiff, NodeChange
from spyglass.project.models import ArtifactPair, Artifacts, Node
from spyglass.server.change_views import impact_by_id, impact_view, node_columns, own_affected
from spyglass.server.schemas import MAX_LISTED, ColumnDiff, Graph, GraphNode, NodeDetail

#: Resource types drawn on the lineage graph.
GRAPH_TYPES = frozenset({"model", "seed", "snapshot", "source", "exposure"})


def _node(pair: ArtifactPair, unique_id: str) -> Node | None:
    return pair.current.manifest.nodes.get(unique_id) or pair.base.manifest.nodes.get(unique_id)


def graph_node(pair: ArtifactPair, change: NodeChange, entry: NodeImpact | None) -> GraphNode:
    """A node as the graph draws it, with what the impact report says of it (``entry`` None: no change
    can affect it)."""
    node = _node(pair, change.unique_id)
    affected = own_affected(entry)
    return GraphNode(
        unique_id=change.unique_id, name=change.name, resource_type=change.resource_type.value,
        status=change.status.value, impacted=change.impacted, reasons=list(change.reasons),
        materialized=node.materialized if node else None, primary_key=node.primary_key if node else None,
        change=entry.change.value if entry else None,
        category=entry.category.value if entry and entry.category else None,
        whole_node=entry.whole_node if entry else False,
        affected_columns=list(affected[:MAX_LISTED]), affected_columns_total=len(affected),
    )


def build_graph(pair: ArtifactPair, lineage: LineageDiff, report: ImpactReport, *, version: int,
                everything: bool = False) -> Graph:
    """Changed nodes and their downstream (or every node), with the edges among them and what the impact
    report says of each."""
    keep = {
        uid for uid, change in lineage.changes.items()
        if change.resource_type.value in GRAPH_TYPES
        and (everything or change.status is not ChangeStatus.UNCHANGED or change.impacted)
    }
    impact = impact_by_id(report)
    nodes = [graph_node(pair, lineage.changes[uid], impact.get(uid)) for uid in sorted(keep)]
    edges = sorted({(parent, child) for child in keep for parent in lineage.parent_map.get(child, ())
                    if parent in keep})
    return Graph(nodes=nodes, edges=edges, version=version)


def _columns(artifacts: Artifacts, node: Node | None) -> tuple[str, list[tuple[str, str | None]]]:
    """(source, [(name, type)]) of a node on one side: the catalog when it has the node, else the YAML."""
    if node is None:
        return "none", []
    catalog = artifacts.catalog
    if catalog is not None and node.unique_id in catalog.tables:
        table = catalog.tables[node.unique_id]
        return "catalog", [(c.name, c.type) for c in sorted(table.columns, key=lambda c: c.index)]
    if node.columns:
        return "manifest", [(c.name, c.data_type) for c in node.columns.values()]
    return "none", []


def diff_columns(base: list[tuple[str, str | None]], current: list[tuple[str, str | None]]) -> list[ColumnDiff]:
    """Column-by-column comparison in current order, then removed columns in base order."""
    base_pos = {name.lower(): (i, name, typ) for i, (name, typ) in enumerate(base)}
    current_names = {name.lower() for name, _ in current}
    common = [name.lower() for name, _ in current if name.lower() in base_pos]
    base_common = [name.lower() for name, _ in base if name.lower() in current_names]
    out: list[ColumnDiff] = []
    for index, (name, typ) in enumerate(current):
        found = base_pos.get(name.lower())
        if found is None:
            out.append(ColumnDiff(name=name, base_type=None, current_type=typ, base_index=None,
                                  current_index=index, change="added"))
            continue
        b_index, _, b_type = found
        if (b_type or "").lower() != (typ or "").lower():
            change = "type_changed"
        elif common.index(name.lower()) != base_common.index(name.lower()):
            change = "reordered"
        else:
            change = "unchanged"
        out.append(ColumnDiff(name=name, base_type=b_type, current_type=typ, base_index=b_index,
                              current_index=index, change=change))
    for index, (name, typ) in enumerate(base):
        if name.lower() not in current_names:
            out.append(ColumnDiff(name=name, base_type=typ, current_type=None, base_index=index,
                                  current_index=None, change="removed"))
    return out


def node_detail(pair: ArtifactPair, lineage: LineageDiff, changes: ChangeAnalysis, unique_id: str) -> NodeDetail:
    """Everything the node panel shows; NotFound when neither manifest has the node."""
    base = pair.base.manifest.nodes.get(unique_id)
    current = pair.current.manifest.nodes.get(unique_id)
    if base is None and current is None:
        raise NotFound(f"No node {unique_id!r} in either manifest.",
                       remedy="Pick a node from the lineage graph (GET /api/lineage).")
    either = current or base
    assert either is not None
    change = lineage.changes.get(unique_id) or NodeChange(
        unique_id=unique_id, name=either.name, resource_type=either.resource_type,
        status=ChangeStatus.UNCHANGED)
    base_source, base_cols = _columns(pair.base, base)
    current_source, current_cols = _columns(pair.current, current)
    source = base_source if base_source == current_source or current is None else current_source
    schema = diff_columns(base_cols, current_cols)
    entry = changes.impact().get(unique_id)
    columns = node_columns(changes, pair, lineage, unique_id, entry, schema)
    return NodeDetail(
        **graph_node(pair, change, entry).model_dump(),
        base_relation=base.relation_name if base else None,
        current_relation=current.relation_name if current else None,
        base_sql=base.raw_code if base else None, current_sql=current.raw_code if current else None,
        columns_source=source, columns=schema,
        impact=impact_view(entry) if entry else None, lineage_columns=list(columns.columns),
        lineage_columns_total=columns.total, lineage_reason=columns.reason,
    )
