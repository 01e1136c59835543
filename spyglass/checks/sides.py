"""The one ``Side`` of every two-sided check: what to select from in one environment, and its columns.

Value diffs and query diffs compare a base side with a current side; profile, top-k and histogram
diffs look at each side of a model. They all hold a :class:`Side`: the environment, the FROM item of
that environment (a model's relation, a filtered subquery of it, a user's query as a subquery), and
its columns in warehouse order, each with its type as the warehouse names it when known
(:class:`Column`). What a type means comes from the one vocabulary, :class:`TypeFamily`. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from spyglass.checks.sql import find_column
from spyglass.project.models import Artifacts, CatalogTable, Env, Node
from spyglass.warehouse.base import ResultColumn
from spyglass.warehouse.families import TypeFamily, type_family


@dataclass(frozen=True)
class Column:
    """One column of a side: its name and its type as the warehouse names it (``BIGINT``,
    ``character varying(20)``), or the driver's family name (``integer``); None when unknown."""

    name: str
    type: str | None = None

    @property
    def family(self) -> TypeFamily:
        return type_family(self.type)


@dataclass(frozen=True)
class Side:
    """One environment's side of a check: what to select from and its columns (warehouse order)."""

    env: Env
    #: a FROM item (a relation, or a subquery), aliased as the check's statements refer to it
    from_item: exp.Expr
    columns: tuple[Column, ...]
    #: the relation's name as the adapter writes it, when the side is a model's relation
    relation: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def find(self, name: str) -> Column | None:
        """The column named ``name``: exact match first, then case-insensitive (None when absent)."""
        found = find_column(self.names, name)
        return next((c for c in self.columns if c.name == found), None) if found is not None else None

    def type_of(self, name: str) -> str | None:
        """The type name of the column spelled exactly ``name`` (None when unknown or absent)."""
        return next((c.type for c in self.columns if c.name == name), None)


def catalog_table(artifacts: Artifacts, node: Node) -> CatalogTable | None:
    """The node's table in the environment's catalog (None without a catalog or when it lacks it)."""
    return artifacts.catalog.tables.get(node.unique_id) if artifacts.catalog else None


def typed_columns(probed: Sequence[ResultColumn], table: CatalogTable | None) -> tuple[Column, ...]:
    """Columns as a query returned them, typed from the catalog when it lists them, else by the
    driver's family (None when even that is unknown)."""
    columns = []
    for col in probed:
        listed = table.column(col.name) if table is not None else None
        if listed is not None:
            columns.append(Column(col.name, listed.type))
        else:
            columns.append(Column(col.name, None if col.type is TypeFamily.UNKNOWN else col.type.value))
    return tuple(columns)
