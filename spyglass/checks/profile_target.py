"""What the profile, top-k and histogram diffs look at: one model's relation and typed columns per side.

Resolution is the same for the three checks: find the model in each manifest (as dbt resolves
``ref()``: :mod:`spyglass.project.lookup`), get its relation from the warehouse, and its columns with
their types (from the catalog when it lists the table, else from the information schema, else from a
query returning no row). Each side is the one :class:`~spyglass.checks.sides.Side` of every two-sided
check, its FROM item the model's relation. A model may exist on one side only (added or removed); then
that side is None. What a column's type allows here is :func:`profiled_family`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlglot import exp

from spyglass.checks.row_filter import FilterParams, RowFilter
from spyglass.checks.row_filter import resolve as resolve_filter
from spyglass.checks.scope import CheckNodes
from spyglass.checks.sides import Column, Side, catalog_table, typed_columns
from spyglass.checks.sql import SqlBuilder, and_all
from spyglass.exceptions import CheckError
from spyglass.project.lookup import find_in_pair
from spyglass.project.models import ArtifactPair, Artifacts, Env, Node
from spyglass.warehouse.base import CancelToken, Warehouse
from spyglass.warehouse.families import TypeFamily, type_family

#: type names whose values have no min/max/avg/median or histogram bin on every engine
_UNPROFILED = re.compile(r"interval|\[|^(struct|map|list|array|union|uuid)\b")


def profiled_family(type_name: str | None) -> TypeFamily:
    """The family a column is profiled as: its :func:`type_family`, stricter on purpose.

    Intervals, arrays, structs, maps and uuids are ``unknown`` here (and times of day are everywhere),
    because min/max/avg/median and histogram bins are not defined for them on every engine (PostgreSQL
    has no ``min(uuid)``).
    """
    if type_name and _UNPROFILED.search(type_name.strip().lower()):
        return TypeFamily.UNKNOWN
    return type_family(type_name)


class ModelParams(FilterParams):
    """The params every check over one model shares (with its row filter: :mod:`spyglass.checks.row_filter`)."""

    model: str

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=(self.model,))


class ColumnParams(ModelParams):
    """The params every check over one column of one model shares."""

    column_name: str


@dataclass(frozen=True)
class Target:
    """The model on both sides; at least one side is present."""

    model: str
    base: Side | None
    current: Side | None
    #: which node the model's name meant, when it could mean another (:mod:`spyglass.project.lookup`)
    notes: tuple[str, ...] = ()

    @property
    def sides(self) -> tuple[Side, ...]:
        return tuple(s for s in (self.base, self.current) if s is not None)

    def column_names(self) -> list[str]:
        """Every column of either side: current's order first, then base-only columns."""
        names: list[str] = []
        for side in (self.current, self.base):
            for column in side.columns if side else ():
                if column.name not in names:
                    names.append(column.name)
        return names

    def resolve(self, name: str) -> str:
        """The real name of a user-given column (raises CheckError listing the available ones)."""
        for side in self.sides:
            found = side.find(name)
            if found is not None:
                return found.name
        available = self.column_names()
        close = difflib.get_close_matches(name, available, n=1)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        raise CheckError(
            f"Model {self.model!r} has no column {name!r}.",
            remedy=f"{hint}Available columns: {', '.join(available) or '(none)'}.",
        )

    def having(self, column: str) -> Target:
        """The same target with only the sides that have ``column`` (a side without it, added or removed
        by the change, is left out like a missing model)."""
        base, current = (s if s is not None and s.find(column) is not None else None for s in (self.base, self.current))
        return Target(model=self.model, base=base, current=current, notes=self.notes)


def load_target(
    warehouse: Warehouse, artifacts: ArtifactPair, model: str, cancel: CancelToken | None = None,
    row_filter: RowFilter | None = None,
) -> Target:
    """Resolve ``model`` on both sides as dbt resolves ``ref()`` (:func:`find_in_pair`): relation names
    and typed columns. A side where the node is missing, or is no relation (ephemeral), is None. With
    ``row_filter``, each side reads only the rows it keeps, and the target's notes say so."""
    found = find_in_pair(artifacts, model)
    nodes = [n if n is not None and n.is_relation else None for n in found.nodes]
    if nodes == [None, None]:
        shown = next(n for n in found.nodes if n is not None)
        raise CheckError(f"{model!r} is {shown.unique_id}, which is not materialized in the warehouse "
                         f"({shown.materialized or shown.resource_type.value}) on either side.",
                         remedy="Choose a table, view, incremental, seed or snapshot node.")
    sql = SqlBuilder.for_warehouse(warehouse)
    sides: list[Side | None] = []
    filter_notes: tuple[str, ...] = ()
    now = datetime.now(timezone.utc)
    for env, node in zip((Env.BASE, Env.CURRENT), nodes, strict=True):
        if node is None:
            sides.append(None)
            continue
        relation = warehouse.relation(node)
        columns = _catalog_columns(artifacts.side(env), node) or _warehouse_columns(warehouse, sql, node, cancel)
        if not columns:
            columns = typed_columns(warehouse.execute(sql.probe(sql.relation(relation)), cancel=cancel).columns, None)
        from_item = sql.relation(relation)
        if row_filter is not None and row_filter.active:
            resolved = resolve_filter(row_filter, sql, node=node, columns=tuple(c.name for c in columns),
                                      model=model, now=now)
            filter_notes = resolved.notes
            if resolved.condition is not None:
                from_item = sql.filtered(relation, resolved.condition, "t")
        sides.append(Side(env=env, from_item=from_item, columns=columns, relation=relation))
    return Target(model=model, base=sides[0], current=sides[1], notes=(*found.notes, *filter_notes))


def _catalog_columns(artifacts: Artifacts, node: Node) -> tuple[Column, ...] | None:
    table = catalog_table(artifacts, node)
    if table is None or not table.columns:
        return None
    return tuple(Column(name=c.name, type=c.type) for c in sorted(table.columns, key=lambda c: c.index))


#: the outputs of :func:`columns_sql`
COLUMN_NAME, DATA_TYPE = "column_name", "data_type"


def columns_sql(node: Node) -> exp.Expr | None:
    """The information-schema query listing a relation's columns and declared types, in order."""
    if not node.schema:
        return None
    table = node.alias or node.name

    def equals(name: str, value: str) -> exp.Expr:
        return exp.EQ(this=exp.column(name), expression=exp.Literal.string(value))

    conditions = [equals("table_schema", node.schema), equals("table_name", table)]
    if node.database:
        conditions.append(equals("table_catalog", node.database))
    return (exp.select(exp.column(COLUMN_NAME), exp.column(DATA_TYPE))
            .from_(exp.table_("columns", db="information_schema"))
            .where(and_all(conditions)).order_by(exp.column("ordinal_position")))


def _warehouse_columns(warehouse: Warehouse, sql: SqlBuilder, node: Node,
                       cancel: CancelToken | None) -> tuple[Column, ...]:
    """Columns from the warehouse's information schema (empty when it lists none, or the engine has none)."""
    query = columns_sql(node)
    if query is None or not warehouse.dialect.information_schema:
        return ()
    records = warehouse.execute(sql.render(query), cancel=cancel).records()
    return tuple(Column(name=str(r[COLUMN_NAME]), type=str(r[DATA_TYPE])) for r in records)

