"""What the profile, top-k and histogram diffs look at: one model's relation and typed columns per side.

Resolution is the same for the three checks: find the model in each manifest (as dbt resolves
``ref()``: :mod:`spyglass.project.lookup`), get its relation from the warehouse, and its columns with a
coarse type (from the catalog when it lists the table, else from a ``limit 0`` query). A model may exist
on one side only (added or removed); then that side is None.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from spyglass.checks.sql import find_column
from spyglass.exceptions import CheckError
from spyglass.project.lookup import find_in_pair
from spyglass.project.models import ArtifactPair, Artifacts, Env, Node
from spyglass.warehouse.base import CancelToken, QueryResult, Warehouse

#: coarse types with an order (min/max/avg/median make sense)
NUMERIC_TYPES = frozenset({"integer", "number"})
TEMPORAL_TYPES = frozenset({"date", "datetime"})

_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("datetime", ("timestamp", "datetime")),
    ("date", ("date",)),
    ("boolean", ("bool",)),
    ("integer", ("int", "serial")),
    ("number", ("decimal", "numeric", "double", "float", "real", "number")),
    ("text", ("char", "text", "string", "clob")),
)


def coarse_type(raw: str) -> str:
    """A catalog type name (``BIGINT``, ``character varying(20)``, ``TIMESTAMP WITH TIME ZONE``) as
    one of ``integer number text boolean date datetime unknown``.

    Stricter than :func:`spyglass.checks.sql.type_family` on purpose: intervals, arrays, structs and
    uuids are ``unknown`` here, because min/max/avg/median and histogram bins are not defined for them
    on every engine (Postgres has no ``min(uuid)``).
    """
    lowered = raw.lower()
    if "interval" in lowered or "[]" in lowered or lowered.startswith(("struct", "map", "list", "array")):
        return "unknown"
    if lowered.startswith("time") and not lowered.startswith("timestamp"):
        return "unknown"
    for coarse, words in _TYPE_WORDS:
        if any(word in lowered for word in words):
            return coarse
    return "unknown"


@dataclass(frozen=True)
class Column:
    name: str
    #: ``integer number text boolean date datetime unknown``
    type: str

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def is_ordered(self) -> bool:
        """Min and max are meaningful (and supported by every engine)."""
        return self.type in NUMERIC_TYPES | TEMPORAL_TYPES | {"text"}


@dataclass(frozen=True)
class Side:
    """One environment's relation of the model and its columns in warehouse order."""

    env: Env
    relation: str
    columns: tuple[Column, ...]

    def find(self, name: str) -> Column | None:
        """The column named ``name``: exact match first, then case-insensitive."""
        found = find_column([c.name for c in self.columns], name)
        return next((c for c in self.columns if c.name == found), None)


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

    def column(self, env: Env, name: str) -> Column | None:
        side = self.base if env is Env.BASE else self.current
        return side.find(name) if side else None


def load_target(
    warehouse: Warehouse, artifacts: ArtifactPair, model: str, cancel: CancelToken | None = None
) -> Target:
    """Resolve ``model`` on both sides as dbt resolves ``ref()`` (:func:`find_in_pair`): relation names
    and typed columns. A side where the node is missing, or is no relation (ephemeral), is None."""
    found = find_in_pair(artifacts, model)
    nodes = [n if n is not None and n.is_relation else None for n in found.nodes]
    if nodes == [None, None]:
        shown = next(n for n in found.nodes if n is not None)
        raise CheckError(f"{model!r} is {shown.unique_id}, which is not materialized in the warehouse "
                         f"({shown.materialized or shown.resource_type.value}) on either side.",
                         remedy="Choose a table, view, incremental, seed or snapshot node.")
    sides: list[Side | None] = []
    for env, node in zip((Env.BASE, Env.CURRENT), nodes, strict=True):
        if node is None:
            sides.append(None)
            continue
        relation = warehouse.relation(node)
        columns = _catalog_columns(artifacts.side(env), node) or _warehouse_columns(warehouse, node, cancel)
        if not columns:
            probe = warehouse.execute(f"select * from {relation} limit 0", cancel=cancel)
            columns = _result_columns(probe)
        sides.append(Side(env=env, relation=relation, columns=columns))
    return Target(model=model, base=sides[0], current=sides[1], notes=found.notes)


def _catalog_columns(artifacts: Artifacts, node: Node) -> tuple[Column, ...] | None:
    if artifacts.catalog is None:
        return None
    table = artifacts.catalog.tables.get(node.unique_id)
    if table is None or not table.columns:
        return None
    ordered = sorted(table.columns, key=lambda c: c.index)
    return tuple(Column(name=c.name, type=coarse_type(c.type)) for c in ordered)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def columns_sql(node: Node) -> str | None:
    """The information-schema query listing a relation's columns and declared types, in order."""
    table = node.alias or node.name
    if not node.schema:
        return None
    catalog = f" and table_catalog = {_literal(node.database)}" if node.database else ""
    return (f"select column_name, data_type from information_schema.columns "
            f"where table_schema = {_literal(node.schema)} and table_name = {_literal(table)}{catalog} "
            f"order by ordinal_position")


def _warehouse_columns(warehouse: Warehouse, node: Node, cancel: CancelToken | None) -> tuple[Column, ...]:
    """Columns from the warehouse's information schema (empty when it lists none)."""
    sql = columns_sql(node)
    if sql is None:
        return ()
    rows = warehouse.execute(sql, cancel=cancel).rows
    return tuple(Column(name=str(name), type=coarse_type(str(kind))) for name, kind in rows)


def _result_columns(result: QueryResult) -> tuple[Column, ...]:
    return tuple(Column(name=c.name, type=c.type) for c in result.columns)


def first_error(results: Sequence[QueryResult | Exception]) -> list[QueryResult]:
    """The results of ``execute_many``, raising the first failure."""
    out: list[QueryResult] = []
    for item in results:
        if isinstance(item, Exception):
            raise item
        out.append(item)
    return out
