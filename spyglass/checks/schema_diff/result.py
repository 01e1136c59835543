"""A schema diff's result: per node, the columns added, removed, retyped and moved, and the coverage."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.checks.nodes import NodeEntry, NodesResult

Coverage = Literal["complete", "partial", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SchemaColumn(_Frozen):
    name: str
    type: str
    #: 1-based position in the relation
    index: int


class TypeChange(_Frozen):
    column: str
    base_type: str
    current_type: str


class ColumnMove(_Frozen):
    """A column whose position relative to the other kept columns changed (1-based indexes)."""

    column: str
    base_index: int
    current_index: int


class NodeSchemaDiff(NodeEntry):
    #: complete: every side the node exists on is in its catalog; unknown: a catalog or entry is missing
    coverage: Literal["complete", "unknown"]
    #: why coverage is unknown ("no base catalog", "not in the current catalog" ...)
    coverage_note: str = ""
    added: tuple[SchemaColumn, ...] = ()
    removed: tuple[SchemaColumn, ...] = ()
    type_changes: tuple[TypeChange, ...] = ()
    reordered: tuple[ColumnMove, ...] = ()
    base_columns: tuple[SchemaColumn, ...] | None = None
    current_columns: tuple[SchemaColumn, ...] | None = None

    @property
    def changed(self) -> bool:
        """Any column added, removed, retyped or moved (an added or removed node counts by its columns)."""
        return bool(self.added or self.removed or self.type_changes or self.reordered)


class SchemaDiffResult(NodesResult[NodeSchemaDiff]):
    kind: Literal["schema_diff"] = "schema_diff"
    coverage: Coverage = "complete"

    @property
    def conclusive(self) -> bool:
        """Only a complete coverage proves the schema unchanged (Recce auto-approves on the same rule)."""
        return self.coverage == "complete"

    @property
    def headline(self) -> str:
        total = len(self.nodes)
        if total == 0:
            text = "no nodes selected"
        else:
            text = f"{len(self.changed_nodes)} of {total} node{'s' if total != 1 else ''} changed schema"
        return text if self.coverage == "complete" else f"{text} (coverage {self.coverage})"
