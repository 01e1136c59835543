"""query: run a user's Jinja SQL against the current (or base) environment.

``ref()``/``source()`` resolve to the chosen side's relations (:meth:`CheckContext.render`). The rendered
SQL must be one read-only query (:func:`~spyglass.checks.user_sql.parse_query`, else QueryRefused before
anything reaches the warehouse); it runs wrapped in trees of ours, in a read-only transaction where the
engine has one. The warehouse computes at most ``limit + 1`` rows (default 2,000; the extra row tells
``more``) and, concurrently, the total row count. A query returning no rows is a success with 0 rows.

The type, whole: :mod:`.spec`, :mod:`.result`, :mod:`.sql`, :mod:`.run`, :mod:`.markdown` and
:mod:`.terminal`.
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.query import markdown, terminal
from spyglass.checks.query.result import ColumnInfo, DataTable, QueryResultModel
from spyglass.checks.query.run import run as run_query
from spyglass.checks.query.spec import QUERY_LIMIT, QueryParams, QuerySpec, sql_excerpt, title

QUERY = CheckDefinition(spec_model=QuerySpec, result_model=QueryResultModel, run=run_query, title=title,
                        markdown=markdown.render, terminal=terminal.view)

__all__ = ["QUERY", "QUERY_LIMIT", "ColumnInfo", "DataTable", "QueryParams", "QueryResultModel", "QuerySpec",
           "sql_excerpt", "title"]
