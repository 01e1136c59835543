"""Running a schema diff: each selected relation's catalog columns compared between base and current (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from spyglass.checks.base import CheckContext
from spyglass.checks.schema_diff.result import (
    ColumnMove,
    Coverage,
    NodeSchemaDiff,
    SchemaColumn,
    SchemaDiffResult,
    TypeChange,
)
from spyglass.checks.schema_diff.spec import SchemaDiffParams, title_selection
from spyglass.project.lineage import NodeChange
from spyglass.project.models import ArtifactPair, Catalog, CatalogTable, Node
from spyglass.project.selection import select_targets


def run(params: SchemaDiffParams, ctx: CheckContext) -> SchemaDiffResult:
    ids = select_targets(ctx.artifacts, ctx.lineage, node_ids=params.node_id, select=params.select,
                         exclude=params.exclude)
    diffs = [node_schema_diff(ctx.artifacts, ctx.lineage.changes[uid]) for uid in sorted(ids)
             if uid in ctx.lineage.changes and _is_relation(ctx.artifacts, uid)]
    missing_catalog = ctx.artifacts.base.catalog is None or ctx.artifacts.current.catalog is None
    return SchemaDiffResult(selection=title_selection(params), nodes=tuple(diffs),
                            coverage=overall_coverage(diffs, missing_catalog=missing_catalog))


def _is_relation(pair: ArtifactPair, uid: str) -> bool:
    node = pair.current.manifest.nodes.get(uid) or pair.base.manifest.nodes.get(uid)
    return node is not None and node.is_relation


def overall_coverage(diffs: Sequence[NodeSchemaDiff], *, missing_catalog: bool) -> Coverage:
    """unknown when a side has no catalog at all (``dbt docs generate`` never ran there) or no node is
    covered; complete when every node is; partial when some nodes are missing from a catalog."""
    if missing_catalog:
        return "unknown"
    covered = sum(1 for d in diffs if d.coverage == "complete")
    if covered == len(diffs):
        return "complete"
    return "unknown" if covered == 0 else "partial"


def node_schema_diff(pair: ArtifactPair, change: NodeChange) -> NodeSchemaDiff:
    """Compare one node's catalog columns between base and current (pure)."""
    uid = change.unique_id
    base_cols = _side_columns(pair.base.catalog, pair.base.manifest.nodes.get(uid))
    current_cols = _side_columns(pair.current.catalog, pair.current.manifest.nodes.get(uid))
    shell = NodeSchemaDiff(unique_id=uid, name=change.name, resource_type=change.resource_type.value,
                           status=change.status.value, coverage="complete", base_columns=base_cols,
                           current_columns=current_cols)
    note = _coverage_note(pair, uid, base_cols, current_cols)
    if note:
        return shell.model_copy(update={"coverage": "unknown", "coverage_note": note})
    base_map = {c.name.lower(): c for c in base_cols or ()}
    current_map = {c.name.lower(): c for c in current_cols or ()}
    kept = [key for key in base_map if key in current_map]
    return shell.model_copy(update=dict(
        added=tuple(c for key, c in current_map.items() if key not in base_map),
        removed=tuple(c for key, c in base_map.items() if key not in current_map),
        type_changes=tuple(
            TypeChange(column=current_map[k].name, base_type=base_map[k].type, current_type=current_map[k].type)
            for k in kept if _normal_type(base_map[k].type) != _normal_type(current_map[k].type)),
        reordered=_moves(kept, base_map, current_map),
    ))


def _side_columns(catalog: Catalog | None, node: Node | None) -> tuple[SchemaColumn, ...] | None:
    if catalog is None or node is None:
        return None
    table: CatalogTable | None = catalog.tables.get(node.unique_id)
    if table is None:
        return None
    return tuple(SchemaColumn(name=c.name, type=c.type, index=c.index) for c in table.columns)


def _coverage_note(pair: ArtifactPair, uid: str, base_cols: tuple[SchemaColumn, ...] | None,
                   current_cols: tuple[SchemaColumn, ...] | None) -> str:
    notes = []
    for label, artifacts, cols in (("base", pair.base, base_cols), ("current", pair.current, current_cols)):
        if uid not in artifacts.manifest.nodes or cols is not None:
            continue
        if artifacts.catalog is None:
            notes.append(f"no {label} catalog")
        else:
            notes.append(f"not in the {label} catalog")
    return "; ".join(notes)


def _normal_type(text: str) -> str:
    return " ".join(text.lower().split())


def _moves(kept: list[str], base_map: dict[str, SchemaColumn], current_map: dict[str, SchemaColumn]
           ) -> tuple[ColumnMove, ...]:
    """Kept columns outside the longest run that stays in order: the fewest columns that moved.

    Positions shifted only by added or removed columns are not moves.
    """
    ranks = sorted(range(len(kept)), key=lambda i: current_map[kept[i]].index)
    order = [0] * len(kept)
    for rank, i in enumerate(ranks):
        order[i] = rank
    stay = _longest_increasing(order)
    return tuple(ColumnMove(column=current_map[k].name, base_index=base_map[k].index,
                            current_index=current_map[k].index)
                 for i, k in enumerate(kept) if i not in stay)


def _longest_increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of ``values`` (patience sorting)."""
    tails: list[int] = []  # index into values of the smallest tail of each length
    previous = [-1] * len(values)
    for i, value in enumerate(values):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if values[tails[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo > 0:
            previous[i] = tails[lo - 1]
        if lo == len(tails):
            tails.append(i)
        else:
            tails[lo] = i
    out: set[int] = set()
    cursor = tails[-1] if tails else -1
    while cursor != -1:
        out.add(cursor)
        cursor = previous[cursor]
    return out
