"""Markdown details of a lineage diff: the changed nodes with why, then counts of the rest."""

from __future__ import annotations

from spyglass.checks.lineage_diff.result import LineageDiffResult
from spyglass.markup.escape import md_code, md_text

#: at most this many changed nodes are listed
MAX_NODES = 50


def render(result: LineageDiffResult) -> str:
    changed = result.changed_nodes
    lines = [f"Lineage diff of {md_code(result.selection)}: {md_text(result.headline)}.", ""]
    if changed:
        lines += ["| Status | Node | Type | Why |", "|---|---|---|---|"]
        for node in changed[:MAX_NODES]:
            why = ", ".join(node.reasons) if node.reasons else ""
            lines.append(f"| {node.status} | {md_code(node.name)} | {md_text(node.resource_type)} "
                         f"| {md_text(why)} |")
        if len(changed) > MAX_NODES:
            lines.append(f"| … | {len(changed) - MAX_NODES} more changed nodes | | |")
        lines.append("")
    impacted = sum(1 for n in result.nodes if n.impacted)
    others = len(result.nodes) - len(changed) - impacted
    if impacted:
        names = ", ".join([f"{md_code(n.name)}" for n in result.nodes if n.impacted][:MAX_NODES])
        more = f" and {impacted - MAX_NODES} more" if impacted > MAX_NODES else ""
        lines += [f"Unchanged but downstream of a change: {names}{more}.", ""]
    if others:
        lines += [f"{others} other selected node{'s' if others != 1 else ''} unchanged.", ""]
    return "\n".join(lines).rstrip() + "\n"
