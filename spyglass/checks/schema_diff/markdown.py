"""Markdown details of a schema diff: one compact table per changed node; unchanged nodes only counted."""

from __future__ import annotations

from spyglass.checks.schema_diff.result import NodeSchemaDiff, SchemaDiffResult
from spyglass.markup.escape import md_code, md_text

#: at most this many nodes get a table, and this many rows per table, so one check cannot flood a note
MAX_NODES = 40
MAX_ROWS = 30
MAX_UNKNOWN = 20


def change_rows(node: NodeSchemaDiff) -> list[tuple[str, str, str, str]]:
    """``(column, change, base, current)`` rows of one node, in a stable order."""
    rows = [(c.name, "added", "", c.type) for c in node.added]
    rows += [(c.name, "removed", c.type, "") for c in node.removed]
    rows += [(t.column, "type changed", t.base_type, t.current_type) for t in node.type_changes]
    rows += [(m.column, "moved", f"position {m.base_index}", f"position {m.current_index}") for m in node.reordered]
    return rows


def _node_block(node: NodeSchemaDiff) -> list[str]:
    lines = [f"**{md_code(node.name)}** ({md_text(node.resource_type)}, {node.status})", "",
             "| Column | Change | Base | Current |", "|---|---|---|---|"]
    rows = change_rows(node)
    for column, change, base, current in rows[:MAX_ROWS]:
        lines.append(f"| {md_code(column)} | {change} | {md_text(base)} | {md_text(current)} |")
    if len(rows) > MAX_ROWS:
        lines.append(f"| … | {len(rows) - MAX_ROWS} more changes | | |")
    lines.append("")
    return lines


def render(result: SchemaDiffResult) -> str:
    changed = result.changed_nodes
    unknown = [n for n in result.nodes if n.coverage == "unknown"]
    unchanged = len(result.nodes) - len(changed) - sum(1 for n in unknown if not n.changed)
    lines = [f"Schema diff of {md_code(result.selection)}: {md_text(result.headline)}.", ""]
    for node in changed[:MAX_NODES]:
        lines.extend(_node_block(node))
    if len(changed) > MAX_NODES:
        lines += [f"… and {len(changed) - MAX_NODES} more nodes with schema changes.", ""]
    if unchanged:
        lines += [f"{unchanged} node{'s' if unchanged != 1 else ''} with an unchanged schema.", ""]
    if unknown:
        listed = ", ".join(f"{md_code(n.name)} ({md_text(n.coverage_note)})" for n in unknown[:MAX_UNKNOWN])
        more = f" and {len(unknown) - MAX_UNKNOWN} more" if len(unknown) > MAX_UNKNOWN else ""
        lines += [f"Schema not known for {listed}{more}: run `dbt docs generate` on that side to compare it.", ""]
    return "\n".join(lines).rstrip() + "\n"
