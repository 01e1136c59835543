"""The scope walk behind :mod:`spyglass.project.sql_lineage`: from each output column of a qualified query
down through CTEs, derived tables, subqueries and set operations to table columns, and each SELECT's row
clauses in canonical form (pure; sqlglot scopes)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from spyglass.project.change_types import Transformation

#: the row clauses of a SELECT, in the order they are reported
ROW_CLAUSES = ("from", "joins", "where", "group", "having", "qualify", "distinct", "limit", "offset")
_EPHEMERAL_PREFIX = "__dbt__cte__"


@dataclass(frozen=True, order=True)
class TableColumn:
    """A column of a table the query reads: ``table`` is a node's unique id when the table is a dbt
    relation (or an ephemeral model's CTE), else the table as written (``external`` is then True)."""

    table: str
    column: str
    external: bool = False


@dataclass(frozen=True)
class QueryColumn:
    name: str
    transformation: Transformation
    upstream: frozenset[TableColumn]
    #: the canonical expression (see module doc); equal definitions mean equal values
    definition: str


@dataclass(frozen=True)
class ScopeRows:
    """The row clauses of one SELECT: canonical text (compared) and readable text (quoted in reasons)."""

    canonical: Mapping[str, str] = field(default_factory=dict)
    readable: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryLineage:
    columns: tuple[QueryColumn, ...]
    #: table columns used in row clauses anywhere in the query
    filters: frozenset[TableColumn]
    #: row clauses per scope: "final", "cte <name>", "subquery <alias>", "<scope> branch <n>"
    rows: Mapping[str, ScopeRows]
    #: how the query combines its branches at the top ("union all", "union" ...), "" for one SELECT
    set_operation: str = ""

    def column(self, name: str) -> QueryColumn | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None


@dataclass
class _Origin:
    upstream: frozenset[TableColumn]
    transformation: Transformation
    definition: str
    #: the column's name at its origin, while it is a bare column all the way (for passthrough/renamed)
    bare_name: str | None


class Walker:
    """Walks one qualified query's scopes; memoises each (scope, column) it resolves."""

    def __init__(self, mapping: Mapping[str, str], dialect: str | None, *, readable: bool) -> None:
        self.mapping = mapping
        self.readable = readable
        self.dialect = sqlglot.Dialect.get_or_raise(dialect)
        self.memo: dict[tuple[int, str], _Origin] = {}
        self.filters: set[TableColumn] = set()
        self.rows: dict[str, ScopeRows] = {}

    def lineage(self, root: Scope) -> QueryLineage:
        outputs = self.output_names(root)
        columns = []
        for name in outputs:
            origin = self.resolve(root, name)
            kind = origin.transformation
            if origin.bare_name is not None and kind is Transformation.PASSTHROUGH and origin.bare_name != name:
                kind = Transformation.RENAMED
            columns.append(QueryColumn(name=_norm(name), transformation=kind, upstream=origin.upstream,
                                       definition=origin.definition))
        for label, scope in self.labelled_scopes(root, "final"):
            self.rows[label] = self.scope_rows(scope)
        top = root.expression
        set_op = ""
        if isinstance(top, exp.SetOperation):
            set_op = type(top).__name__.lower() + ("" if top.args.get("distinct") else " all")
        return QueryLineage(columns=tuple(columns), filters=frozenset(self.filters), rows=self.rows,
                            set_operation=set_op)

    # --- scopes -------------------------------------------------------------------------------------
    def output_names(self, scope: Scope) -> list[str]:
        node = scope.expression
        while isinstance(node, exp.SetOperation):
            node = node.left
        if isinstance(node, exp.Subquery):
            node = node.unnest()
        return [s.alias_or_name for s in node.selects] if isinstance(node, exp.Select) else []

    def labelled_scopes(self, scope: Scope, label: str) -> Iterator[tuple[str, Scope]]:
        """Every SELECT scope under ``scope`` with a label stable across versions of the query."""
        for cte in scope.cte_scopes:
            name = cte.expression.parent.alias_or_name if cte.expression.parent else "?"
            yield from self.labelled_scopes(cte, f"cte {name}")
        if isinstance(scope.expression, exp.SetOperation):
            for i, branch in enumerate(scope.set_operation_scopes):
                yield from self.labelled_scopes(branch, f"{label} branch {i + 1}")
            return
        for derived in scope.derived_table_scopes:
            alias = derived.expression.parent.alias_or_name if derived.expression.parent else "?"
            yield from self.labelled_scopes(derived, f"{label} subquery {alias}")
        for sub in scope.subquery_scopes:
            yield from self.labelled_scopes(sub, f"{label} scalar subquery")
        if isinstance(scope.expression, exp.Select):
            yield label, scope

    # --- columns ------------------------------------------------------------------------------------
    def resolve(self, scope: Scope, name: str) -> _Origin:
        key = (id(scope), name.lower())
        found = self.memo.get(key)
        if found is None:
            found = self._resolve(scope, name)
            self.memo[key] = found
        return found

    def _resolve(self, scope: Scope, name: str) -> _Origin:
        node = scope.expression
        if isinstance(node, exp.SetOperation):
            branches = [self.resolve_position(b, self.output_names(scope).index(name) if name in
                                              self.output_names(scope) else -1) for b in scope.set_operation_scopes]
            return _combine(branches)
        if not isinstance(node, exp.Select):
            return _Origin(frozenset(), Transformation.UNKNOWN, f"?{name}", None)
        for select in node.selects:
            if select.alias_or_name.lower() == name.lower():
                return self.expression_origin(scope, select.unalias() if isinstance(select, exp.Alias) else select)
        sources = list(scope.selected_sources)
        if len(sources) == 1 and any(isinstance(s, exp.Star) or (isinstance(s, exp.Column) and isinstance(
                s.this, exp.Star)) for s in node.selects):
            # a column read through ``select *`` over a relation whose columns are not known
            return self.column_origin(scope, exp.column(name, table=sources[0]))
        return _Origin(frozenset(), Transformation.UNKNOWN, f"?{name}", None)

    def resolve_position(self, scope: Scope, index: int) -> _Origin:
        names = self.output_names(scope)
        if 0 <= index < len(names):
            return self.resolve(scope, names[index])
        return _Origin(frozenset(), Transformation.UNKNOWN, "?", None)

    def expression_origin(self, scope: Scope, expression: exp.Expr) -> _Origin:
        if isinstance(expression, exp.Column):
            return self.column_origin(scope, expression)
        upstream: set[TableColumn] = set()
        aggregated = _has_aggregate(expression)
        replaced = expression.copy()
        for column in list(_columns_in(replaced)):
            origin = self.column_origin(scope, column, scalar=True)
            upstream |= origin.upstream
            aggregated = aggregated or origin.transformation is Transformation.AGGREGATED
            column.replace(exp.Var(this=origin.definition))
        for sub in _subqueries_in(replaced):
            sub_scope = _scope_of(scope, sub)
            text = self.subquery_definition(sub_scope, upstream) if sub_scope is not None else sub.sql()
            sub.replace(exp.Var(this=f"({text})"))
        kind = Transformation.AGGREGATED if aggregated else Transformation.DERIVED
        return _Origin(frozenset(upstream), kind, replaced.sql(dialect=self.dialect, copy=False), None)

    def subquery_definition(self, scope: Scope, upstream: set[TableColumn]) -> str:
        parts = []
        for name in self.output_names(scope):
            origin = self.resolve(scope, name)
            upstream |= origin.upstream
            parts.append(origin.definition)
        rows = self.scope_rows(scope).canonical
        return "subquery " + ", ".join(parts) + " | " + " | ".join(f"{k}={v}" for k, v in sorted(rows.items()))

    def column_origin(self, scope: Scope, column: exp.Column, *, scalar: bool = False) -> _Origin:
        name = column.name
        source = _source_of(scope, column)
        if isinstance(source, Scope):
            if _is_ephemeral(source):
                return self.table_origin(_ephemeral_uid(source, self.mapping), name, external=False)
            origin = self.resolve(source, name)
            return origin
        if isinstance(source, exp.Table):
            uid = self.mapping.get(source.name)
            return self.table_origin(uid or source.sql(dialect=self.dialect), name, external=uid is None)
        return _Origin(frozenset(), Transformation.UNKNOWN, f"?{_norm(name)}", None)

    def table_origin(self, table: str, name: str, *, external: bool) -> _Origin:
        ref = TableColumn(table=table, column=_norm(name), external=external)
        return _Origin(frozenset({ref}), Transformation.PASSTHROUGH, f'"{table}"."{_norm(name)}"', _norm(name))

    # --- rows ---------------------------------------------------------------------------------------
    def scope_rows(self, scope: Scope) -> ScopeRows:
        select = scope.expression
        assert isinstance(select, exp.Select)
        canonical: dict[str, str] = {}
        readable: dict[str, str] = {}
        for clause, node in _row_clauses(select):
            canonical[clause] = self.canonical(scope, node, track=clause != "from")
            if self.readable:
                readable[clause] = _readable(node, self.dialect, qualified=len(scope.selected_sources) > 1)
        return ScopeRows(canonical=canonical, readable=readable)

    def canonical(self, scope: Scope, node: exp.Expr, *, track: bool) -> str:
        copy = node.copy()
        for column in list(_columns_in(copy)):
            origin = self.column_origin(scope, column)
            if track:
                self.filters.update(origin.upstream)
            column.replace(exp.Var(this=origin.definition))
        for table in list(copy.find_all(exp.Table)):
            # aliases are names, not meaning: a CTE or node is itself whatever the query calls it
            uid = self.mapping.get(table.name)
            table.replace(exp.Var(this=f'"{uid}"' if uid else exp.table_(table.name, table.db or None).sql(
                dialect=self.dialect)))
        for subquery in list(copy.find_all(exp.Subquery)):
            subquery.set("alias", None)
        for sub in _subqueries_in(copy):
            sub_scope = _scope_of(scope, sub)
            sink: set[TableColumn] = set()
            text = self.subquery_definition(sub_scope, sink) if sub_scope is not None else sub.sql()
            if track:
                self.filters.update(sink)
            sub.replace(exp.Var(this=f"({text})"))
        return copy.sql(dialect=self.dialect, copy=False)


def _row_clauses(select: exp.Select) -> Iterator[tuple[str, exp.Expr]]:
    from_ = select.args.get("from") or select.args.get("from_")
    if from_ is not None:
        yield "from", from_
    joins = select.args.get("joins") or []
    if joins:
        yield "joins", exp.Tuple(expressions=[j.copy() for j in joins])
    for clause in ("where", "group", "having", "qualify", "limit", "offset"):
        node = select.args.get(clause)
        if node is not None:
            yield clause, node
    distinct = select.args.get("distinct")
    if distinct is not None:
        # DISTINCT decides rows through every projection; DISTINCT ON through its own list
        on = distinct.args.get("on")
        yield "distinct", on if on is not None else exp.Tuple(expressions=[s.copy() for s in select.selects])
    order = select.args.get("order")
    if order is not None and select.args.get("limit") is not None:
        yield "limit", exp.Tuple(expressions=[select.args["limit"].copy(), order.copy()])


def _readable(node: exp.Expr, dialect: sqlglot.Dialect, *, qualified: bool) -> str:
    """The clause as a reviewer would write it: a node's placeholder shown as the name the SQL used, and
    column qualifiers dropped when the SELECT reads one table."""
    copy = node.copy()
    for table in list(copy.find_all(exp.Table)):
        if table.name.startswith("__sg_node_") and table.alias:
            alias = table.alias
            table.set("this", exp.to_identifier(alias))
            table.set("alias", None)
    if not qualified:
        for column in list(copy.find_all(exp.Column)):
            column.set("table", None)
    if isinstance(copy, exp.Tuple):
        return ", ".join(e.sql(dialect=dialect, comments=False) for e in copy.expressions)
    if isinstance(copy, (exp.Where, exp.Having, exp.Qualify, exp.From)) and copy.this is not None:
        return str(copy.this.sql(dialect=dialect, comments=False))
    if isinstance(copy, exp.Group):
        return ", ".join(e.sql(dialect=dialect, comments=False) for e in copy.expressions)
    text = copy.sql(dialect=dialect, comments=False)
    for keyword in ("LIMIT ", "OFFSET "):
        if text.startswith(keyword):
            return text[len(keyword):]
    return text


def _columns_in(node: exp.Expr) -> Iterator[exp.Column]:
    """Columns of ``node`` itself, not of subqueries nested in it."""
    for child in node.walk(prune=lambda n: n is not node and isinstance(n, exp.Query)):
        if isinstance(child, exp.Column):
            yield child


def _subqueries_in(node: exp.Expr) -> list[exp.Query]:
    return [n for n in node.walk(prune=lambda n: n is not node and isinstance(n, exp.Query))
            if n is not node and isinstance(n, exp.Query)]


def _scope_of(scope: Scope, query: exp.Expr) -> Scope | None:
    for sub in scope.subquery_scopes:
        if sub.expression == query:
            return sub
    return None


def _has_aggregate(node: exp.Expr) -> bool:
    return any(isinstance(n, exp.AggFunc) and not isinstance(n.parent, exp.Window)
               for n in node.walk(prune=lambda n: isinstance(n, exp.Query) and n is not node))


def _source_of(scope: Scope, column: exp.Column) -> exp.Table | Scope | None:
    table = column.table
    current: Scope | None = scope
    while current is not None:
        if table and table in current.sources:
            source = current.sources[table]
            return source if isinstance(source, (exp.Table, Scope)) else None
        if not table and len(current.sources) == 1:
            only = next(iter(current.sources.values()))
            return only if isinstance(only, (exp.Table, Scope)) else None
        current = current.parent
    return None


def _is_ephemeral(scope: Scope) -> bool:
    parent = scope.expression.parent
    return scope.is_cte and isinstance(parent, exp.CTE) and parent.alias_or_name.lower().startswith(_EPHEMERAL_PREFIX)


def _ephemeral_uid(scope: Scope, mapping: Mapping[str, str]) -> str:
    parent = scope.expression.parent
    name = parent.alias_or_name if parent is not None else ""
    return "ephemeral:" + name.lower().removeprefix(_EPHEMERAL_PREFIX)


def _combine(branches: Sequence[_Origin]) -> _Origin:
    upstream = frozenset().union(*(b.upstream for b in branches)) if branches else frozenset()
    kinds = {b.transformation for b in branches}
    if len(kinds) == 1:
        kind = next(iter(kinds))
    elif Transformation.AGGREGATED in kinds:
        kind = Transformation.AGGREGATED
    else:
        kind = Transformation.DERIVED
    names = {b.bare_name for b in branches}
    bare = next(iter(names)) if len(names) == 1 else None
    if kind is Transformation.PASSTHROUGH and bare is None:
        kind = Transformation.DERIVED
    return _Origin(upstream, kind, "union(" + ", ".join(b.definition for b in branches) + ")", bare)


def _norm(name: str) -> str:
    return name.lower()
