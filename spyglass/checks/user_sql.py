"""User SQL, parsed and checked before anything reaches the warehouse.

A query, a query diff and a ``where`` condition carry SQL written by a user, or by the author of a merge
request (``spyglass.yml`` presets). :func:`parse_query` parses the rendered SQL (after Jinja) with sqlglot
in the warehouse's dialect and accepts exactly one read-only query:

* one statement: a second one, even after a comment (``select 1 -- \\n; drop ...``), is refused;
* a ``SELECT``, ``WITH ... SELECT``, set operation (``UNION``/``INTERSECT``/``EXCEPT``) or ``VALUES``,
  possibly in parentheses; anything else (DDL, DML, ``COPY``, ``ATTACH``, ``PRAGMA``, ``SET``, ``CALL``,
  whatever sqlglot only knows as a ``Command``) is refused;
* nothing of that kind nested in it (``WITH x AS (DELETE ... RETURNING *) SELECT ...``), no
  ``SELECT ... INTO`` (creates a table), no locking clause (``FOR UPDATE``);
* no function the dialect denies (files, network, other databases, SQL text, server state:
  :attr:`Dialect.denied_functions`) and no table name the engine would read as a file
  (:attr:`Dialect.file_reference`).

The result, :class:`UserQuery`, is the parsed tree without its comments. Checks wrap it in trees of their
own (``SELECT * FROM (<query>) AS q LIMIT n``) and sqlglot writes the whole statement, so no text of the
user's is ever spliced into SQL; a query whose tree does not survive being written back and parsed again
unchanged is refused rather than run with another meaning. :func:`parse_condition` does the same for a
``where`` condition. Pure: no I/O.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError

from spyglass.exceptions import QueryRefused
from spyglass.warehouse.dialects import Dialect
from spyglass.warehouse.errors import EXTERNAL_ACCESS_REMEDY

#: sqlglot node types that are statements (or turn a query into one), refused anywhere in user SQL;
#: looked up by name so that a sqlglot without one of them still works
_STATEMENT_TYPES = (
    "DML", "DDL", "Command", "Create", "Drop", "Alter", "TruncateTable", "Insert", "Update", "Delete",
    "Merge", "Copy", "Export", "LoadData", "Set", "Pragma", "Attach", "Detach", "Install", "Transaction",
    "Commit", "Rollback", "Use", "Describe", "Show", "Summarize", "Analyze", "Grant", "Revoke", "Comment",
    "Declare", "Execute", "ExecuteSql", "Kill", "Refresh", "Cache", "Uncache", "Undrop", "SwapTable",
    "ConnectTo", "Disconnect", "AlterSession", "Returning", "NextValueFor", "Into", "Lock",
)
_REFUSED_NODES: tuple[type[exp.Expr], ...] = tuple(
    found for name in _STATEMENT_TYPES if isinstance(found := getattr(exp, name, None), type)
)
#: what some refused nodes are called in a message
_NODE_NAMES = {"into": "SELECT ... INTO (it creates a table)", "lock": "a locking clause (FOR UPDATE/SHARE)",
               "truncatetable": "TRUNCATE", "nextvaluefor": "NEXT VALUE FOR"}

_REMEDY = ("Write one query that only reads: SELECT, WITH ... SELECT, UNION/INTERSECT/EXCEPT or VALUES, "
           "on tables and views (ref()/source()).")


@dataclass(frozen=True)
class UserQuery:
    """One read-only query a user wrote, parsed in ``dialect`` and checked (see module docstring)."""

    tree: exp.Expr
    dialect: Dialect

    def subquery(self, alias: str) -> exp.Subquery:
        """``(<query>) AS alias``, for a FROM clause (a fresh copy of the tree each time)."""
        return exp.Subquery(this=self.tree.copy(), alias=exp.TableAlias(this=exp.to_identifier(alias)))

    def sql(self) -> str:
        """The query as sqlglot writes it in the dialect (what runs inside the wrappers)."""
        return self.tree.sql(dialect=self.dialect.sqlglot or None)


def parse_query(sql: str, dialect: Dialect, what: str = "The query") -> UserQuery:
    """Parse rendered user SQL into one read-only query, or raise :class:`QueryRefused`.

    ``what`` names the SQL in messages (``"The base query"``).
    """
    statements = _parse(sql, dialect, what, into=None)
    tree = statements[0]
    while isinstance(tree, exp.Subquery) and not tree.alias and tree.this is not None:
        tree = tree.this  # "(select 1)": the parentheses are not part of the query
    if not isinstance(tree, (exp.Query, exp.Values)):
        raise QueryRefused(f"{what} is {_describe(tree)}, not a query; Spyglass only runs queries that read.",
                           remedy=_REMEDY)
    _check_tree(tree, dialect, what)
    _check_round_trip(tree, dialect, what, into=None)
    return UserQuery(tree=tree, dialect=dialect)


def parse_condition(sql: str, dialect: Dialect, what: str = "The where condition") -> exp.Expr:
    """Parse a user's boolean condition (a ``where``), checked as :func:`parse_query` checks a query."""
    tree = _parse(sql, dialect, what, into=exp.Condition)[0]
    _check_tree(tree, dialect, what)
    _check_round_trip(tree, dialect, what, into=exp.Condition)
    return tree


def _parse(sql: str, dialect: Dialect, what: str, into: type[exp.Expr] | None) -> list[exp.Expr]:
    """The statements of ``sql`` without their comments; exactly one, or QueryRefused."""
    engine = sqlglot.Dialect.get_or_raise(dialect.sqlglot or None)
    try:
        parsed = engine.parse_into(into, sql) if into is not None else engine.parse(sql)
    except ParseError as exc:
        raise QueryRefused(f"{what} could not be parsed as {dialect.name} SQL: {_parse_problem(exc)}.",
                           remedy="Fix the SQL. Spyglass runs only SQL it can parse as one query, so that "
                                  "nothing else can reach the warehouse.") from exc
    except SqlglotError as exc:
        raise QueryRefused(f"{what} could not be parsed as {dialect.name} SQL: {exc}.",
                           remedy="Fix the SQL (quotes and parentheses must be closed).") from exc
    statements = [tree for tree in parsed if tree is not None]
    if not statements:
        raise QueryRefused(f"{what} is empty.", remedy=_REMEDY)
    if len(statements) > 1:
        kinds = ", ".join(_describe(s) for s in statements[:5])
        raise QueryRefused(f"{what} holds {len(statements)} statements ({kinds}); only one query may run.",
                           remedy="Remove every statement but the query (a trailing semicolon is fine).")
    for node in statements[0].walk():
        node.comments = None
    return statements


def _parse_problem(exc: ParseError) -> str:
    if not exc.errors:
        return str(exc).splitlines()[0]
    first = exc.errors[0]
    near = f" near {first['highlight']!r}" if first.get("highlight") else ""
    return f"{first.get('description', 'invalid SQL')}{near} (line {first.get('line')}, column {first.get('col')})"


def _check_tree(tree: exp.Expr, dialect: Dialect, what: str) -> None:
    for node in tree.walk():
        if isinstance(node, _REFUSED_NODES):
            raise QueryRefused(f"{what} contains {_describe(node)}; Spyglass only runs queries that read.",
                               remedy=_REMEDY)
        if isinstance(node, exp.Func):
            _check_function(node, dialect, what)
        elif isinstance(node, exp.Table) and dialect.file_reference:
            _check_table(node, dialect.file_reference, what)


def _check_function(node: exp.Func, dialect: Dialect, what: str) -> None:
    for name in function_names(node):
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in dialect.external_functions):
            raise QueryRefused(f"Spyglass refuses SQL that reads files or the network: {name}() "
                               f"({what.lower()} calls it on {dialect.name}).", remedy=EXTERNAL_ACCESS_REMEDY)
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in dialect.denied_functions):
            raise QueryRefused(
                f"{what} calls {name}(), which is not allowed on {dialect.name}: it can read files or reach "
                "the network or another database, run SQL text, or change the server's state.",
                remedy="Query tables and views of the dbt project (ref()/source()) instead.",
            )


def function_names(node: exp.Func) -> set[str]:
    """The lower-case names a function node may stand for (its own name, or its class's SQL names), also
    with the qualifier it is called by (``snowflake.cortex.complete``)."""
    names = {node.name.lower()} if isinstance(node, exp.Anonymous) else \
        {name.lower() for name in type(node).sql_names()} | {node.sql_name().lower()}
    parent = node.parent
    if isinstance(parent, exp.Dot) and parent.expression is node:  # snowflake.cortex.complete(..)
        names |= {f"{parent.this.sql().lower()}.{name}" for name in names}
    return names


def _check_table(node: exp.Table, pattern: str, what: str) -> None:
    if not isinstance(node.this, (exp.Identifier, exp.Var)):  # a Var: Snowflake's ``@stage/path``
        return  # a table function: checked as a function
    name = ".".join(part.name for part in node.parts)
    if re.search(pattern, name, flags=re.IGNORECASE):
        raise QueryRefused(f"Spyglass refuses SQL that reads files or the network: {name!r} ({what.lower()} "
                           "names it where the warehouse would open it as a file or URL).",
                           remedy=EXTERNAL_ACCESS_REMEDY)


def _check_round_trip(tree: exp.Expr, dialect: Dialect, what: str, into: type[exp.Expr] | None) -> None:
    """Refuse a tree sqlglot cannot write back in the dialect as the very same tree."""
    try:
        text = tree.sql(dialect=dialect.sqlglot or None, unsupported_level=ErrorLevel.RAISE)
        engine = sqlglot.Dialect.get_or_raise(dialect.sqlglot or None)
        again = [t for t in (engine.parse_into(into, text) if into else engine.parse(text)) if t is not None]
    except SqlglotError as exc:
        raise _not_faithful(what, dialect, str(exc).splitlines()[0]) from exc
    if len(again) != 1 or _plain(again[0], dialect) != _plain(tree, dialect):
        raise _not_faithful(what, dialect, "it reads differently once written back")


def _plain(tree: exp.Expr, dialect: Dialect) -> exp.Expr:
    """``tree`` with what the dialect writes alike made alike: dollar-quoted strings as plain ones (sqlglot
    writes ``$$a$$`` back as ``'a'``), types as the dialect names them (BigQuery's ``INT`` is ``INT64``; a type
    written without its parameters, ``NUMERIC(10,2)`` as ``NUMERIC``, stays apart) and a
    ``TRY_CAST`` the dialect writes as ``CAST`` (Spark's ``CAST`` is a try-cast) as a cast."""
    name = dialect.sqlglot or None

    def plain(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.RawString):
            return exp.Literal.string(node.name)
        if isinstance(node, exp.DataType):  # as written, unless writing it loses its parameters
            try:
                written = exp.DataType.build(node.sql(dialect=name), dialect=name, udt=True)
            except SqlglotError:
                return node
            return written if len(written.expressions) == len(node.expressions) else node
        if isinstance(node, exp.TryCast):
            cast = exp.Cast(this=node.this.copy(), to=node.args["to"].copy())
            return cast if cast.sql(dialect=name) == node.sql(dialect=name) else node
        return node

    return tree.transform(plain)


def _not_faithful(what: str, dialect: Dialect, reason: str) -> QueryRefused:
    return QueryRefused(f"{what} uses SQL that Spyglass cannot reproduce exactly for {dialect.name} ({reason}).",
                        remedy="Write the query more plainly (standard SELECT syntax).")


def _describe(node: exp.Expr) -> str:
    """``a DELETE statement``, ``a CALL command``, ``SELECT ... INTO (it creates a table)``."""
    if isinstance(node, exp.Command):
        return _article(f"{node.name.upper() or 'unknown'} command")
    named = _NODE_NAMES.get(node.key)
    if named:
        return named
    if isinstance(node, (exp.Column, exp.Alias, exp.Identifier, exp.Literal)):
        return "an expression"
    return _article(f"{node.key.upper()} statement")


def _article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'AEIOU' else 'a'} {noun}"

