"""The column lineage of one SQL query: which table columns each output column comes from, how, and
which columns decide the query's rows (pure; sqlglot).

:func:`analyze_query` parses compiled SQL in the adapter's dialect, replaces every table it can name
(a dbt relation) by the node it is, qualifies the columns (``SELECT *`` expanded from the schema it is
given) and walks the query's scopes (CTEs, derived tables, set operations) from each output column down
to table columns. It also canonicalises what the query means, so two versions can be compared:

* each output column's *definition*: its expression with every column replaced, through CTEs and
  subqueries, by what it is made of (``sum("model.x.orders"."amount")``); aliases and formatting vanish;
* the query's *row clauses* per scope (``FROM``/``JOIN``, ``WHERE``, ``GROUP BY``, ``DISTINCT``,
  ``LIMIT``...), canonicalised the same way, which decide the rows whatever the columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope

from spyglass.exceptions import SqlNotUnderstood
from spyglass.project.query_scopes import (
    ROW_CLAUSES,
    QueryColumn,
    QueryLineage,
    ScopeRows,
    TableColumn,
    Walker,
)

__all__ = ["ROW_CLAUSES", "QueryColumn", "QueryLineage", "ScopeRows", "TableColumn", "TableResolver",
           "analyze_query", "parse_sql", "sqlglot_dialect", "table_text"]

#: sqlglot's name of a dbt adapter's dialect, where the two differ
_ADAPTER_DIALECTS = {"sqlserver": "tsql", "synapse": "tsql", "fabric": "tsql", "glue": "spark"}


def sqlglot_dialect(adapter_type: str | None) -> str | None:
    """The sqlglot dialect of a dbt adapter (None: sqlglot's generic SQL)."""
    if not adapter_type:
        return None
    name = _ADAPTER_DIALECTS.get(adapter_type, adapter_type)
    try:
        sqlglot.Dialect.get_or_raise(name)
    except ValueError:
        return None
    return name


#: resolves a table as written to a node: its parts (lower-case catalog, db, name; missing ones empty),
#: or for a table function (dbt-duckdb's ``read_csv('...')`` sources) its SQL as :func:`table_text` writes it
TableResolver = Callable[[tuple[str, str, str], str], str | None]


def table_text(table: exp.Table, dialect: str | None) -> str:
    """How a table function reads, for matching it with a relation name: its SQL, whitespace collapsed."""
    return " ".join(table.this.sql(dialect=dialect, comments=False).split()).lower()


def parse_sql(sql: str, dialect: str | None) -> exp.Expr:
    """One statement parsed in ``dialect``.

    Raises:
        SqlNotUnderstood: sqlglot cannot parse it, or it is not one query.
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as err:
        raise SqlNotUnderstood(f"sqlglot cannot parse the SQL: {_first_line(str(err))}") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise SqlNotUnderstood("the SQL is not one SELECT query")
    return statements[0]


def analyze_query(sql: str, *, dialect: str | None, resolve: TableResolver,
                  schema: Callable[[str], Sequence[str] | None], readable: bool = False) -> QueryLineage:
    """The column lineage of one query (see module doc). ``schema(unique_id)`` gives a node's columns
    (None: unknown), used to expand ``*`` and to place unqualified columns. ``readable``: also write each
    row clause as a reviewer reads it (:attr:`ScopeRows.readable`, for classification's reasons).

    Raises:
        SqlNotUnderstood: sqlglot cannot parse the SQL, or cannot place its columns.
    """
    tree = parse_sql(sql, dialect)
    mapping = _replace_tables(tree, resolve, dialect)
    tables: dict[str, object] = {}
    for placeholder, uid in mapping.items():
        columns = schema(uid)
        if columns is not None:
            tables[placeholder] = {c: "UNKNOWN" for c in columns}
    try:
        root = _qualified_scope(tree, tables, dialect)
    except (SqlglotError, KeyError, ValueError):
        # a column the schema does not list (a stale catalog, a column removed upstream): read the
        # query again without the schema, which still places every qualified column
        tree = parse_sql(sql, dialect)
        _replace_tables(tree, resolve, dialect)
        try:
            root = _qualified_scope(tree, {}, dialect)
        except (SqlglotError, KeyError, ValueError) as err:
            raise SqlNotUnderstood(f"sqlglot cannot resolve the query's columns: {_first_line(str(err))}") from None
    if root is None:
        raise SqlNotUnderstood("the SQL has no SELECT sqlglot understands")
    return Walker(mapping, dialect, readable=readable).lineage(root)


def _qualified_scope(tree: exp.Expr, tables: dict[str, object], dialect: str | None) -> Scope | None:
    """Qualify ``tree`` in place (it is this analysis's own parse) and build its scopes."""
    qualified = qualify(tree, schema=tables or None, dialect=dialect, validate_qualify_columns=False,
                        quote_identifiers=False)
    return build_scope(qualified)


def _replace_tables(tree: exp.Expr, resolve: TableResolver, dialect: str | None) -> dict[str, str]:
    """Replace each table that is a node by a placeholder name (keeping what columns call it); returns
    placeholder -> unique id. CTE names are left alone; ephemeral models' CTEs are resolved later."""
    cte_names = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    mapping: dict[str, str] = {}
    by_uid: dict[str, str] = {}
    for table in list(tree.find_all(exp.Table)):
        function = not isinstance(table.this, exp.Identifier)
        parts = ("", "", "") if function else (table.catalog.lower(), table.db.lower(), table.name.lower())
        if not parts[0] and not parts[1] and parts[2] in cte_names:
            continue
        uid = resolve(parts, table_text(table, dialect) if function else "")
        if uid is None:
            continue
        placeholder = by_uid.setdefault(uid, f"__sg_node_{len(by_uid)}")
        mapping[placeholder] = uid
        alias = table.alias or (uid.rsplit(".", 1)[-1] if function else table.name)
        table.set("this", exp.to_identifier(placeholder))
        table.set("db", None)
        table.set("catalog", None)
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return mapping


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else "unknown error"
