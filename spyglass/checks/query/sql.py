"""The statements around a user's query: its first rows and its row count, computed in the warehouse.

The user's query is a parsed tree (:class:`~spyglass.checks.user_sql.UserQuery`) wrapped as a subquery in
trees of ours; the count is read by its name, :data:`ROW_COUNT`.
"""

from __future__ import annotations

from sqlglot import exp

from spyglass.checks.sql import SqlBuilder
from spyglass.checks.user_sql import UserQuery

#: the alias of a user's query inside the statements that wrap it
QUERY_ALIAS = "spyglass_q"
#: the output of :func:`counted`
ROW_COUNT = "row_count"


def limited(sql: SqlBuilder, query: UserQuery, limit: int) -> str:
    """``SELECT * FROM (query) AS spyglass_q LIMIT n``: at most ``limit`` rows computed in the warehouse."""
    return sql.render(exp.select("*").from_(query.subquery(QUERY_ALIAS)).limit(limit))


def counted(sql: SqlBuilder, query: UserQuery) -> str:
    """``SELECT COUNT(*) AS row_count FROM (query) AS spyglass_q``."""
    return sql.render(exp.select(exp.Count(this=exp.Star()).as_(ROW_COUNT)).from_(query.subquery(QUERY_ALIAS)))


def table_statements(sql: SqlBuilder, query: UserQuery, limit: int) -> list[str]:
    """The two statements behind a :class:`~.result.DataTable`: the first ``limit + 1`` rows and the count."""
    return [limited(sql, query, limit + 1), counted(sql, query)]
