"""A lineage diff's result: the selected nodes with their change status, and the edges among them.

Each node also carries what ``spyglass impact --json`` says of it, under the same names
(:class:`ImpactFields`: ``change``, ``category``, ``reasons``, ``columns``, ``impacted_columns``).
Results saved before these fields existed still load: ``change`` is then derived from ``status`` and
``impacted``, and the others are empty.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from spyglass.checks.nodes import NodeEntry, NodesResult
from spyglass.project.change_types import NodeImpact

#: ``spyglass impact``'s change, plus "unchanged" for a selected node no change can affect
NodeChangeKind = Literal["added", "removed", "modified", "impacted", "unchanged"]
CategoryName = Literal["breaking", "partial_breaking", "non_breaking", "unknown"]
ColumnChangeKind = Literal["added", "removed", "modified"]

_CATEGORY_LABELS = {"partial_breaking": "partial breaking", "non_breaking": "non-breaking"}


def category_label(category: str) -> str:
    """A category in words: "breaking", "partial breaking", "non-breaking", "unknown"."""
    return _CATEGORY_LABELS.get(category, category)


class ImpactFields(BaseModel):
    """What the change analysis says of one node (``spyglass impact --json``'s fields, by name)."""

    model_config = ConfigDict(frozen=True)

    #: added, removed, modified; "impacted": unchanged, but a change upstream can affect it (as its
    #: category says: a non-breaking change affects nothing downstream); else "unchanged"
    change: NodeChangeKind = "unchanged"
    #: what a modification means (modified nodes only; None for every other change)
    category: CategoryName | None = None
    #: why, in plain words ("new filter `status <> 'returned'`", "config only: materialized")
    reasons: tuple[str, ...] = ()
    #: the node's changed columns (modified nodes), by column name
    columns: dict[str, ColumnChangeKind] = {}
    #: ``"<node name>.<column>"``: for a changed node, the downstream columns it can affect; for an
    #: impacted node, its own columns an upstream change can affect
    impacted_columns: tuple[str, ...] = ()

    @classmethod
    def of(cls, impact: NodeImpact) -> ImpactFields:
        """``impact``'s fields in a stable order: columns and impacted columns sorted, reasons as the
        analysis wrote them."""
        return cls.model_validate({
            "change": impact.change.value, "category": impact.category.value if impact.category else None,
            "reasons": impact.reasons, "columns": {name: impact.columns[name].value for name in sorted(impact.columns)},
            "impacted_columns": tuple(sorted(set(impact.impacted_columns))),
        })


class LineageNodeStatus(NodeEntry, ImpactFields):
    """One selected node: its lineage ``status`` (and ``impacted``: downstream of a change in the graph,
    whatever the change's category), and what the change analysis says of it. ``reasons`` are the
    analysis's where it gives some, else the lineage's own ("code", "config.materialized" ...), which is
    all that results saved before the analysis existed hold."""

    #: unchanged but downstream of a change
    impacted: bool = False

    @model_validator(mode="before")
    @classmethod
    def _change_of_older_results(cls, data: Any) -> Any:
        """A result saved before ``change`` existed: derive it from ``status`` and ``impacted``."""
        if isinstance(data, dict) and "change" not in data and isinstance(data.get("status"), str):
            status = data["status"]
            return {**data, "change": "impacted" if status == "unchanged" and data.get("impacted") else status}
        return data

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"


class LineageDiffResult(NodesResult[LineageNodeStatus]):
    """``nodes``: changed nodes first (added, removed, modified), then unchanged; by unique id within a status."""

    kind: Literal["lineage_diff"] = "lineage_diff"
    #: (parent, child) edges among the selected nodes, over the union of both graphs
    edges: tuple[tuple[str, str], ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for n in self.nodes if n.status == status)

    @property
    def headline(self) -> str:
        total = len(self.nodes)
        if not self.mismatch:
            return f"no changes in {total} node{'s' if total != 1 else ''}"
        parts = [f"{self.count(s)} {s}" for s in ("added", "removed", "modified") if self.count(s)]
        return f"{', '.join(parts)} of {total} nodes"
