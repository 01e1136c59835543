"""The state's lineage summary, built from one artifact snapshot (pure).

The summary in a state file is all the Markdown summary reads (:mod:`spyglass.report.markdown` renders
a state alone), so it carries, per changed or impacted node, the change intelligence of
:mod:`spyglass.project.changes` (change, category and reasons, changed and impacted columns, impacted
nodes and exposures) and what explains why a node could not be verified (materialization, key, built,
selected). Every list is capped so a change to the root of a 5,000-model project keeps the file small;
the full lengths are kept beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from spyglass.checks.base import Params
from spyglass.checks.presets.suggest import key_columns
from spyglass.exceptions import SpyglassError
from spyglass.project.change_types import ImpactReport, NodeImpact
from spyglass.project.lineage import LineageDiff, NodeChange
from spyglass.project.models import ArtifactPair, Node
from spyglass.project.selection import select_targets
from spyglass.state.models import LineageNode, LineageSummary

#: the most impacted columns and impacted nodes (and exposures) kept per node
MAX_IMPACTED = 30
#: the most changed columns kept per node
MAX_COLUMNS = 100
#: the most reasons kept per node, and the longest one (SQL fragments can be long)
MAX_REASONS = 8
REASON_CHARS = 300
#: the most node ids kept on one run record
MAX_RUN_NODES = 500

#: how many columns a node has in current (None: unknown)
ColumnCount = Callable[[str], "int | None"]


def _no_count(unique_id: str) -> int | None:
    return None


def summary_nodes(lineage: LineageDiff) -> frozenset[str]:
    """The nodes a summary is about: the changed ones and everything downstream of them."""
    return frozenset(uid for uid, c in lineage.changes.items() if c.status.value != "unchanged" or c.impacted)


def build_summary(pair: ArtifactPair, lineage: LineageDiff, report: ImpactReport | None = None, *,
                  column_count: ColumnCount = _no_count, selected: Collection[str] | None = None,
                  selection: str | None = None) -> LineageSummary:
    """The lineage summary of ``pair``: changed nodes, their downstream, the edges among them and, with
    ``report`` (the change analysis's impact), each node's change intelligence.

    ``selected``: the nodes in a run's ``--select/--exclude`` (None: every node), described as
    ``selection``.
    """
    impacts = {n.unique_id: n for n in report.nodes} if report is not None else {}
    keep = summary_nodes(lineage) | impacts.keys()
    nodes = []
    for uid in sorted(keep):
        change = lineage.changes.get(uid)
        impact = impacts.get(uid)
        if change is None and impact is None:  # pragma: no cover - keep is built from both
            continue
        node = _lineage_node(uid, change, impact, pair)
        if impact is not None:
            node = node.model_copy(update=_intelligence(impact, column_count))
        if selected is not None and uid not in selected:
            node = node.model_copy(update={"selected": False})
        nodes.append(node)
    edges = sorted({(parent, child) for child in keep for parent in lineage.parent_map.get(child, ())
                    if parent in keep})
    return LineageSummary(nodes=nodes, edges=edges, analysed=report is not None,
                          selection=selection if selected is not None else None)


def _lineage_node(uid: str, change: NodeChange | None, impact: NodeImpact | None, pair: ArtifactPair) -> LineageNode:
    """What the lineage diff says of a node, and how it is built."""
    current, base = pair.current.manifest.nodes.get(uid), pair.base.manifest.nodes.get(uid)
    defined = current or base
    if change is not None:
        head = {"name": change.name, "resource_type": change.resource_type.value, "status": change.status.value,
                "impacted": change.impacted, "reasons": list(change.reasons)}
    else:
        assert impact is not None
        head = {"name": impact.name, "resource_type": impact.resource_type.value,
                "status": "unchanged" if impact.change.value == "impacted" else impact.change.value,
                "impacted": impact.change.value == "impacted"}
    catalog = pair.current.catalog
    built = None
    if current is not None and current.is_relation and catalog is not None:
        built = uid in catalog.tables
    return LineageNode(unique_id=uid, **head, materialized=defined.materialized if defined else None,
                       primary_key=_key(current, base), built=built)


def _key(*nodes: Node | None) -> list[str]:
    """The key dbt's tests declare on the first of ``nodes`` that has one."""
    for node in nodes:
        key = key_columns(node) if node is not None else ()
        if key:
            return list(key)
    return []


def _intelligence(impact: NodeImpact, column_count: ColumnCount) -> dict[str, object]:
    """The state fields of one node of the impact report, capped."""
    columns = dict(sorted(impact.columns.items())[:MAX_COLUMNS])
    whole_impacted = impact.whole_node and impact.change.value == "impacted"
    per_node: dict[str, int] = {}
    for name in impact.impacted_columns:
        node = name.split(".", 1)[0]
        per_node[node] = per_node.get(node, 0) + 1
    return {
        "change": impact.change.value,
        "category": impact.category.value if impact.category is not None else None,
        "category_reasons": [_short(reason) for reason in impact.reasons[:MAX_REASONS]],
        "columns": {name: change.value for name, change in columns.items()},
        # an impacted node reached whole has every column impacted: its count says as much as the list
        "impacted_columns": [] if whole_impacted else sorted(impact.impacted_columns)[:MAX_IMPACTED],
        "impacted_column_count": len(impact.impacted_columns),
        "impacted_column_counts": dict(sorted(per_node.items())[:MAX_IMPACTED]),
        "impacted_nodes": sorted(impact.impacted_nodes)[:MAX_IMPACTED],
        "impacted_node_count": len(impact.impacted_nodes),
        "exposures": sorted(impact.exposures)[:MAX_IMPACTED],
        "whole_node": impact.whole_node,
        "column_count": column_count(impact.unique_id) if impact.change.value != "removed" else None,
    }


def _short(text: str) -> str:
    return text if len(text) <= REASON_CHARS else text[:REASON_CHARS - 1] + "…"


def catalog_column_count(pair: ArtifactPair) -> ColumnCount:
    """Columns of a node in the current catalog (None when it is not there)."""
    tables = pair.current.catalog.tables if pair.current.catalog is not None else {}

    def count(unique_id: str) -> int | None:
        table = tables.get(unique_id)
        return len(table.columns) if table is not None else None

    return count


def check_nodes(params: Params, pair: ArtifactPair, lineage: LineageDiff) -> list[str]:
    """The changed or impacted nodes (of :func:`summary_nodes`) a check's ``params`` are about, sorted and
    capped; empty for a check about no node in particular, or whose nodes cannot be resolved (the check
    itself says so when it runs)."""
    nodes = params.nodes()
    if nodes is None:
        return []
    try:
        ids = select_targets(pair, lineage, node_ids=nodes.names or None, select=nodes.select or None,
                             exclude=nodes.exclude or None, default_select=None)
    except SpyglassError:
        return []
    return sorted(ids & summary_nodes(lineage))[:MAX_RUN_NODES]

