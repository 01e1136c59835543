"""Results over a selection of nodes, one entry per node (lineage diff, schema diff).

An entry names its node and carries the node's lineage status; each type says what ``changed`` means
for it (the node itself for a lineage diff, its columns for a schema diff). The result is a mismatch
when any entry changed.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from spyglass.checks.base import Result

NodeStatus = Literal["added", "removed", "modified", "unchanged"]


class NodeEntry(BaseModel):
    """One selected node: its id, name and type, and its lineage status."""

    model_config = ConfigDict(frozen=True)

    unique_id: str
    name: str
    resource_type: str
    #: the node's lineage status
    status: NodeStatus

    @property
    def changed(self) -> bool:
        """True when the check sees a difference on this node."""
        raise NotImplementedError


N = TypeVar("N", bound=NodeEntry)


class NodesResult(Result, Generic[N]):
    """A result with one entry per selected node (in the order the check chose)."""

    #: the result union's key, narrowed to its literal by each type
    kind: str
    #: what was asked for, in words ("state:modified", "orders, customers")
    selection: str = ""
    nodes: tuple[N, ...] = ()

    @property
    def mismatch(self) -> bool:
        """Any entry changed."""
        return bool(self.changed_nodes)

    @property
    def changed_nodes(self) -> tuple[N, ...]:
        """The entries that changed, in the order of ``nodes``."""
        return tuple(n for n in self.nodes if n.changed)
