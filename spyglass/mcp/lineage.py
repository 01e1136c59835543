"""``impact`` and ``column_lineage``: what the artifacts say, never the warehouse.

The answers carry ``spyglass impact --json``'s and ``spyglass column-lineage --json``'s fields, by name
and in their order, so an agent reads either the same way.
"""

from __future__ import annotations

from pydantic import JsonValue

from spyglass.checks.lineage_diff.result import ImpactFields
from spyglass.checks.lineage_diff.run import selected_impact
from spyglass.checks.scope import NodeSelection
from spyglass.exceptions import CheckError, NotFound
from spyglass.mcp.answer import ToolAnswer
from spyglass.mcp.inputs import ColumnLineageArgs, ImpactArgs
from spyglass.mcp.limits import OutputLimits, bounded_list, bounded_text
from spyglass.project.change_types import ColumnHop, ImpactChange, NodeImpact
from spyglass.project.lookup import find_in_pair
from spyglass.project.models import Env
from spyglass.project.selection import select_nodes
from spyglass.project.snapshot import ProjectSnapshot

_ORDER = {ImpactChange.ADDED: 0, ImpactChange.REMOVED: 1, ImpactChange.MODIFIED: 2, ImpactChange.IMPACTED: 3}


def impact(snapshot: ProjectSnapshot, args: ImpactArgs, limits: OutputLimits) -> ToolAnswer:
    """The selected nodes a change can affect: what each change means and the columns it can reach."""
    selection = NodeSelection.parse(args.select, args.exclude)  # SelectionError names the bad selector
    ids = select_nodes(snapshot.artifacts, snapshot.lineage, selection.select, selection.exclude or None)
    nodes = sorted(selected_impact(snapshot.changes, ids).values(), key=lambda n: (_ORDER[n.change], n.unique_id))
    rows: list[JsonValue] = [_impact_row(node) for node in nodes]
    kept, cut = bounded_list(rows, limits)
    data: dict[str, JsonValue] = {"nodes": kept}
    if cut:
        data.update(truncated=True, total=len(rows))
    return ToolAnswer(data, bounded_text(_impact_text(nodes, cut, len(kept)), limits))


def _impact_row(node: NodeImpact) -> JsonValue:
    return {"unique_id": node.unique_id, "name": node.name, "resource_type": node.resource_type.value,
            **ImpactFields.of(node).model_dump(mode="json")}


def _impact_text(nodes: list[NodeImpact], cut: bool, kept: int) -> str:
    if not nodes:
        return "Nothing changed in the selection."
    lines = []
    for node in nodes:
        fields = ImpactFields.of(node)
        category = f" ({fields.category})" if fields.category else ""
        why = f": {'; '.join(fields.reasons)}" if fields.reasons else ""
        columns = f" Can affect {len(fields.impacted_columns)} columns." if fields.impacted_columns else ""
        lines.append(f"- {node.change.value}{category} {node.name}{why}.{columns}")
    if cut:
        lines.append(f"(The structured content lists the first {kept} of {len(nodes)} nodes.)")
    return "\n".join(lines)


def column_lineage(snapshot: ProjectSnapshot, args: ColumnLineageArgs, limits: OutputLimits) -> ToolAnswer:
    """Where ``model.column`` comes from and where it goes, column by column."""
    env = Env.BASE if args.base else Env.CURRENT
    try:
        unique_id, notes = _find(snapshot, args.model, env)
    except CheckError as exc:  # unknown or ambiguous: a bad argument
        raise NotFound(exc.message, remedy=exc.remedy) from None
    column = args.column.lower()
    known = snapshot.changes.columns(env, unique_id)
    if column not in known.columns:
        names = ", ".join(sorted(known.columns)) or "none known"
        raise NotFound(f"{args.model} has no column {args.column!r} in the {env.value} environment; its columns: "
                       f"{names}{f' ({known.reason})' if known.reason else ''}.",
                       remedy="Name one of its columns (they come from the catalog and the compiled SQL).")
    view = snapshot.changes.column_lineage(unique_id, column, env=env, depth=args.depth)
    upstream, up_cut = bounded_list(_hops(view.upstream), limits)
    downstream, down_cut = bounded_list(_hops(view.downstream), limits)
    data: dict[str, JsonValue] = {"node": view.node, "column": view.column, "upstream": upstream,
                                  "downstream": downstream}
    if up_cut or down_cut:
        data.update(truncated=True, upstream_total=len(view.upstream), downstream_total=len(view.downstream))
    text = [*(f"Note: {note}" for note in notes),
            f"{view.node}.{view.column} ({env.value}): {len(view.upstream)} upstream columns, "
            f"{len(view.downstream)} downstream columns."]
    text += [f"- upstream {hop.depth}: {hop.node}.{hop.column} ({hop.transformation.value})"
             for hop in _sorted(view.upstream)]
    text += [f"- downstream {hop.depth}: {hop.node}.{hop.column} ({hop.transformation.value})"
             for hop in _sorted(view.downstream)]
    return ToolAnswer(data, bounded_text("\n".join(text), limits))


def _find(snapshot: ProjectSnapshot, model: str, env: Env) -> tuple[str, tuple[str, ...]]:
    found = find_in_pair(snapshot.artifacts, model)
    node = found.base if env is Env.BASE else found.current
    if node is None:
        raise NotFound(f"{model!r} is not in the {env.value} manifest.",
                       remedy="Pass base: true for a node only in base, false for one only in current.")
    return node.unique_id, found.notes


def _sorted(hops: tuple[ColumnHop, ...]) -> list[ColumnHop]:
    return sorted(hops, key=lambda hop: (hop.depth, hop.node, hop.unique_id, hop.column))


def _hops(hops: tuple[ColumnHop, ...]) -> list[JsonValue]:
    return [{"node": hop.node, "column": hop.column, "transformation": hop.transformation.value,
             "depth": hop.depth} for hop in _sorted(hops)]
