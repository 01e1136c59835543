"""Markdown details of a lineage diff: the changed nodes with their category, why, their changed columns
and the downstream columns they can affect; then the nodes a change upstream can affect, and counts of
the rest."""

from __future__ import annotations

from collections.abc import Sequence

from spyglass.checks.lineage_diff.result import LineageDiffResult, LineageNodeStatus, category_label
from spyglass.markup.escape import md_code, md_text

#: at most this many changed nodes are listed
MAX_NODES = 50
#: at most this many column names in one cell
MAX_COLUMNS = 8


def render(result: LineageDiffResult) -> str:
    changed = result.changed_nodes
    lines = [f"Lineage diff of {md_code(result.selection)}: {md_text(result.headline)}.", ""]
    if changed:
        lines += ["| Status | Node | Type | Category | Why | Changed columns | Can affect |",
                  "|---|---|---|---|---|---|---|"]
        lines += [_row(node) for node in changed[:MAX_NODES]]
        if len(changed) > MAX_NODES:
            lines.append(f"| … | {len(changed) - MAX_NODES} more changed nodes | | | | | |")
        lines.append("")
    unchanged = [n for n in result.nodes if not n.changed]
    affected = [n for n in unchanged if n.change == "impacted"]
    spared = [n for n in unchanged if n.impacted and n.change != "impacted"]
    if affected:
        lines += [f"Unchanged but a change upstream can affect them: {_listed(affected, with_columns=True)}.", ""]
    if spared:
        lines += [f"Downstream of a change that cannot affect them: {_listed(spared)}.", ""]
    others = len(unchanged) - len(affected) - len(spared)
    if others:
        lines += [f"{others} other selected node{'s' if others != 1 else ''} unchanged.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _row(node: LineageNodeStatus) -> str:
    category = md_text(category_label(node.category)) if node.category else ""
    kinds = ("modified", "removed", "added")
    columns = "; ".join(f"{kind}: {_names([c for c, k in node.columns.items() if k == kind])}"
                        for kind in kinds if kind in node.columns.values())
    return (f"| {node.status} | {md_code(node.name)} | {md_text(node.resource_type)} | {category} "
            f"| {md_text(', '.join(node.reasons))} | {columns} | {_names(node.impacted_columns)} |")


def _names(names: Sequence[str]) -> str:
    """Up to :data:`MAX_COLUMNS` names as code, then how many more."""
    shown = ", ".join(md_code(name) for name in names[:MAX_COLUMNS])
    return shown + (f" and {len(names) - MAX_COLUMNS} more" if len(names) > MAX_COLUMNS else "")


def _listed(nodes: Sequence[LineageNodeStatus], *, with_columns: bool = False) -> str:
    """Node names (with how many of their columns can be affected), up to :data:`MAX_NODES`."""
    def one(node: LineageNodeStatus) -> str:
        count = len(node.impacted_columns)
        suffix = f" ({count} column{'s' if count != 1 else ''})" if with_columns and count else ""
        return md_code(node.name) + suffix

    more = f" and {len(nodes) - MAX_NODES} more" if len(nodes) > MAX_NODES else ""
    return ", ".join(one(n) for n in nodes[:MAX_NODES]) + more
