"""Column-level lineage of one environment: for each column of each node, the upstream columns it is
made from and how (pure; computed lazily per node, cached by compiled SQL).

A model's columns come from its compiled SQL (:mod:`spyglass.project.sql_lineage`) with every relation it
reads resolved to the node it is; ``SELECT *`` is expanded from the parents' columns: the catalog's,
else the YAML's, else their own SQL's. Seeds and sources are where lineage starts (``source``). A model
whose SQL cannot be read keeps its catalog (or YAML) columns as ``unknown``, with the reason.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from threading import Lock

from sqlglot import exp

from spyglass.exceptions import NotFound, SqlNotUnderstood
from spyglass.project.change_types import (
    ColumnHop,
    ColumnLineageView,
    ColumnOrigin,
    ColumnRef,
    NodeColumns,
    Transformation,
)
from spyglass.project.models import Artifacts, Node, ResourceType
from spyglass.project.sql_lineage import (
    QueryLineage,
    TableColumn,
    analyze_query,
    parse_sql,
    sqlglot_dialect,
    table_text,
)

_PART = re.compile(r'"((?:[^"]|"")*)"|`([^`]*)`|\[([^\]]*)\]|([^."`\[\]\s]+)')
#: deeper chains of models without catalog or YAML columns are not followed to expand ``*``
_MAX_SCHEMA_DEPTH = 100
_SQL_TYPES = frozenset({ResourceType.MODEL, ResourceType.SNAPSHOT})
_Step = Callable[["ColumnRef"], Sequence["ColumnRef"]]

#: dialect, compiled SQL, the parents' columns and relations, and whether row clauses were written in words
CacheKey = tuple[str | None, str, tuple[tuple[str, tuple[str, ...] | None], ...], bool]


class ColumnCache:
    """Query lineages by (dialect, compiled SQL, parents' columns), shared by every analysis of a process
    so a reloaded project re-reads only the models that changed. Bounded (least recently used go)."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, QueryLineage | SqlNotUnderstood] = OrderedDict()
        self._lock = Lock()

    def get(self, key: CacheKey) -> QueryLineage | SqlNotUnderstood | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: CacheKey, value: QueryLineage | SqlNotUnderstood) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def relation_parts(relation_name: str) -> tuple[str, ...]:
    """``"db"."Schema".orders`` -> ``("db", "schema", "orders")`` (lower-case; quotes understood)."""
    return tuple(next(g for g in m.groups() if g is not None).replace('""', '"').lower()
                 for m in _PART.finditer(relation_name))


class SideColumns:
    """The column lineage of one environment's nodes, each computed when first asked for."""

    def __init__(self, artifacts: Artifacts, cache: ColumnCache | None = None) -> None:
        self.artifacts = artifacts
        self.manifest = artifacts.manifest
        self.dialect = sqlglot_dialect(self.manifest.metadata.adapter_type)
        self.cache = cache or ColumnCache()
        self._nodes: dict[str, NodeColumns] = {}
        #: each node's catalog (else YAML) column names, lower-case, in order
        self._declared_names: dict[str, tuple[str, ...]] = {}
        self._relations: dict[tuple[str, ...], str | None] | None = None
        self._functions: dict[str, str] | None = None
        self._depth = 0

    # --- one node -----------------------------------------------------------------------------------
    def node(self, unique_id: str) -> NodeColumns:
        """The columns of ``unique_id`` with their origins (empty for a node this side does not have)."""
        found = self._nodes.get(unique_id)
        if found is None:
            found = self._build(unique_id)
            self._nodes[unique_id] = found
        return found

    def names(self, unique_id: str) -> tuple[str, ...] | None:
        """The node's column names: catalog, else YAML, else its SQL's output (None: unknown)."""
        node = self.manifest.nodes.get(unique_id)
        if node is None:
            return None
        declared = self._declared(node)
        if declared:
            return declared
        if node.resource_type not in _SQL_TYPES or self._depth > _MAX_SCHEMA_DEPTH:
            return None
        self._depth += 1
        try:
            columns = self.node(unique_id)
        finally:
            self._depth -= 1
        return tuple(columns.columns) if columns.reason is None else None

    def query(self, node: Node, *, readable: bool = False) -> QueryLineage:
        """The lineage of a model's compiled SQL (``readable``: with its row clauses in words too).

        Raises:
            SqlNotUnderstood: no compiled SQL, or SQL sqlglot cannot read.
        """
        if not node.compiled_code:
            raise SqlNotUnderstood("no compiled SQL in the manifest (run dbt compile or dbt build)")
        parents = tuple(sorted(p for p in node.depends_on if p in self.manifest.nodes))
        key: CacheKey = (self.dialect, node.compiled_code,
                         tuple((p, self.names(p)) for p in parents) + tuple((self._relation_of(p), None)
                                                                          for p in parents), True)
        cached = self.cache.get(key)
        if cached is None and not readable:
            key = (*key[:3], False)
            cached = self.cache.get(key)
        if cached is None:
            try:
                cached = analyze_query(node.compiled_code, dialect=self.dialect, resolve=self._resolve,
                                       schema=self.names, readable=readable)
            except SqlNotUnderstood as err:
                cached = err
            self.cache.put(key, cached)
        if isinstance(cached, SqlNotUnderstood):
            raise cached
        return cached

    def _build(self, unique_id: str) -> NodeColumns:
        node = self.manifest.nodes.get(unique_id)
        if node is None:
            return NodeColumns(unique_id=unique_id, reason="not in this environment")
        if node.resource_type in (ResourceType.SEED, ResourceType.SOURCE):
            return NodeColumns(unique_id=unique_id, columns={
                name: ColumnOrigin(column=name, transformation=Transformation.SOURCE)
                for name in self._declared(node)})
        if node.resource_type not in _SQL_TYPES:
            return NodeColumns(unique_id=unique_id)
        try:
            query = self.query(node)
        except SqlNotUnderstood as err:
            return self._unknown(node, err.message)
        if any(c.name == "*" or c.name.endswith(".*") for c in query.columns):
            return self._unknown(node, "SELECT * over a relation whose columns are unknown (no catalog or "
                                       "YAML columns); run dbt docs generate")
        columns = {c.name: ColumnOrigin(column=c.name, transformation=c.transformation,
                                        upstream=self._refs(c.upstream)) for c in query.columns}
        if node.resource_type is ResourceType.SNAPSHOT:  # dbt adds its own columns (dbt_valid_from ...)
            for name in self._declared(node):
                columns.setdefault(name, ColumnOrigin(column=name, transformation=Transformation.DERIVED))
        return NodeColumns(unique_id=unique_id, columns=columns, filters=self._refs(query.filters))

    def _unknown(self, node: Node, reason: str) -> NodeColumns:
        return NodeColumns(unique_id=node.unique_id, reason=reason, columns={
            name: ColumnOrigin(column=name, transformation=Transformation.UNKNOWN) for name in self._declared(node)})

    def _declared(self, node: Node) -> tuple[str, ...]:
        found = self._declared_names.get(node.unique_id)  # asked once per node and reader: keep it
        if found is None:
            catalog = self.artifacts.catalog
            table = catalog.tables.get(node.unique_id) if catalog is not None else None
            if table is not None and table.columns:
                found = tuple(c.name.lower() for c in sorted(table.columns, key=lambda c: c.index))
            else:
                found = tuple(name.lower() for name in node.columns)
            self._declared_names[node.unique_id] = found
        return found

    def _refs(self, columns: Iterable[TableColumn]) -> tuple[ColumnRef, ...]:
        refs = set()
        for col in columns:
            if col.external:
                continue
            uid = self._ephemeral(col.table[len("ephemeral:"):]) if col.table.startswith("ephemeral:") else col.table
            if uid is not None:
                refs.add(ColumnRef(node=uid, column=col.column))
        return tuple(sorted(refs))

    def _ephemeral(self, name: str) -> str | None:
        for node in self.manifest.by_name.get(name, ()):
            if node.materialized == "ephemeral":
                return node.unique_id
        return None

    # --- relations ----------------------------------------------------------------------------------
    def _relation_of(self, unique_id: str) -> str:
        node = self.manifest.nodes.get(unique_id)
        return (node.relation_name or "") if node is not None else ""

    def _resolve(self, parts: tuple[str, str, str], function: str) -> str | None:
        if function:
            return self._function_index().get(function)
        return self._relation_index().get(tuple(p for p in parts if p))

    def _function_index(self) -> dict[str, str]:
        """Relations that are table functions (dbt-duckdb's ``external_location`` sources), by their SQL."""
        if self._functions is None:
            self._functions = {}
            for node in self.manifest.nodes.values():
                if node.relation_name and "(" in node.relation_name:
                    try:
                        tree = parse_sql(f"select * from {node.relation_name}", self.dialect)
                    except SqlNotUnderstood:
                        continue
                    table = tree.find(exp.Table)
                    if table is not None:
                        self._functions[table_text(table, self.dialect)] = node.unique_id
        return self._functions

    def _relation_index(self) -> dict[tuple[str, ...], str | None]:
        """Every relation by its full name and by each shorter suffix that names it alone."""
        if self._relations is None:
            index: dict[tuple[str, ...], str | None] = {}
            full: dict[tuple[str, ...], str] = {}
            for node in self.manifest.nodes.values():
                if not node.relation_name:
                    continue
                parts = relation_parts(node.relation_name)
                full[parts] = node.unique_id
                for start in range(1, len(parts)):
                    key = parts[start:]
                    index[key] = node.unique_id if index.get(key, node.unique_id) == node.unique_id else None
            index.update(full)
            self._relations = index
        return self._relations

    # --- walks --------------------------------------------------------------------------------------
    def view(self, unique_id: str, column: str, depth: int | None) -> ColumnLineageView:
        """``unique_id``.``column`` with its upstream and downstream hops.

        Raises:
            NotFound: this side has no such node, or the node no such column.
        """
        node = self.manifest.nodes.get(unique_id)
        if node is None:
            raise NotFound(f"{unique_id} is not in the {self.artifacts.env.value} manifest.",
                           remedy="Pick a node of that environment (spyglass impact lists the changes).")
        name = column.lower()
        columns = self.node(unique_id)
        if name not in columns.columns:
            known = ", ".join(sorted(columns.columns)) or "none known"
            raise NotFound(f"{node.name} has no column {column!r} (columns: {known}).",
                           remedy="Use one of its columns; run dbt docs generate if they are missing.")
        start = ColumnRef(unique_id, name)
        return ColumnLineageView(unique_id=unique_id, node=node.name, column=name,
                                 upstream=self._walk(start, depth, self._upstream_of),
                                 downstream=self._walk(start, depth, self.downstream_of))

    def _upstream_of(self, ref: ColumnRef) -> Sequence[ColumnRef]:
        origin = self.node(ref.node).columns.get(ref.column)
        return origin.upstream if origin is not None else ()

    def downstream_of(self, ref: ColumnRef) -> list[ColumnRef]:
        """The columns of ``ref``'s children made from ``ref``."""
        out = []
        for child in self.manifest.child_map.get(ref.node, ()):
            for name, origin in self.node(child).columns.items():
                if ref in origin.upstream:
                    out.append(ColumnRef(child, name))
        return out

    def filtered_by(self, ref: ColumnRef) -> list[str]:
        """The children of ``ref``'s node whose rows depend on ``ref`` (it is in a filter, join or grouping)."""
        return [child for child in self.manifest.child_map.get(ref.node, ()) if ref in self.node(child).filters]

    def _walk(self, start: ColumnRef, depth: int | None, step: _Step) -> tuple[ColumnHop, ...]:
        seen = {start}
        hops: list[ColumnHop] = []
        frontier = [start]
        level = 0
        while frontier and (depth is None or level < depth):
            level += 1
            nxt = []
            for ref in frontier:
                for other in step(ref):
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
                        hops.append(self._hop(other, level))
            frontier = sorted(nxt)
        return tuple(hops)

    def _hop(self, ref: ColumnRef, depth: int) -> ColumnHop:
        node = self.manifest.nodes.get(ref.node)
        origin = self.node(ref.node).columns.get(ref.column)
        return ColumnHop(unique_id=ref.node, node=node.name if node is not None else ref.node, column=ref.column,
                         transformation=origin.transformation if origin is not None else Transformation.UNKNOWN,
                         depth=depth)


