"""The lineage section: a Mermaid graph of changed nodes and their downstream, capped in size."""

from __future__ import annotations

from spyglass.markup.escape import mermaid_label
from spyglass.state.models import LineageNode, LineageSummary

MAX_NODES = 60

_CLASSES = {
    "added": "fill:#d4f7d4,stroke:#2e7d32",
    "removed": "fill:#fbd5d5,stroke:#c62828",
    "modified": "fill:#fff1c2,stroke:#b26a00",
    "impacted": "fill:#e8eefc,stroke:#4a6fd1,stroke-dasharray: 4 2",
}


def node_class(node: LineageNode) -> str:
    """The Mermaid class of a node: its status when it has a style, else ``impacted`` (a state file is
    input too: an unknown status never reaches the graph's text)."""
    return node.status if node.status in _CLASSES else "impacted"


def render_lineage(lineage: LineageSummary, *, max_nodes: int = MAX_NODES) -> str:
    """Counts line plus a Mermaid ``graph LR`` (changed nodes first when capping)."""
    counts = {status: sum(1 for n in lineage.nodes if n.status == status)
              for status in ("added", "removed", "modified")}
    impacted = sum(1 for n in lineage.nodes if n.status == "unchanged" and n.impacted)
    head = (f"{counts['added']} added, {counts['removed']} removed, {counts['modified']} modified, "
            f"{impacted} impacted downstream.\n")
    if not lineage.nodes:
        return head + "\nNo node changed.\n"
    ranked = sorted(lineage.nodes, key=lambda n: (n.status == "unchanged", n.unique_id))
    shown = ranked[:max_nodes]
    ids = {n.unique_id: f"n{i}" for i, n in enumerate(shown)}
    lines = ["```mermaid", "graph LR"]
    for node in shown:
        label, kind = mermaid_label(node.name), mermaid_label(node.resource_type)
        lines.append(f'  {ids[node.unique_id]}["{label}<br/><small>{kind}</small>"]:::{node_class(node)}')
    for parent, child in lineage.edges:
        if parent in ids and child in ids:
            lines.append(f"  {ids[parent]} --> {ids[child]}")
    lines += [f"  classDef {name} {style}" for name, style in _CLASSES.items()]
    lines.append("```")
    out = head + "\n" + "\n".join(lines) + "\n"
    hidden = len(lineage.nodes) - len(shown)
    if hidden > 0:
        out += f"\n{hidden} more nodes not drawn.\n"
    return out
