"""query: run a user's Jinja SQL against the current (or base) environment.

``ref()``/``source()`` resolve to the chosen side's relations (:meth:`CheckContext.render`). The rendered
SQL must be one read-only query (:func:`~spyglass.checks.user_sql.parse_query`, else QueryRefused before
anything reaches the warehouse); it runs wrapped in trees of ours, in a read-only transaction where the
engine has one. The warehouse computes at most ``limit + 1`` rows (default 2,000; the extra row tells
``more``) and, concurrently, the total row count. A query returning no rows is a success with 0 rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.sql import JsonScalar, SqlBuilder, checked, to_json_scalar
from spyglass.checks.user_sql import UserQuery, parse_query
from spyglass.project.models import Env
from spyglass.warehouse.base import CancelToken, QueryResult, Warehouse

QUERY_LIMIT = 2_000


class QueryParams(Params):
    """Recce-compatible ``sql_template``; ``base: true`` runs it against the base environment."""

    sql_template: str = Field(min_length=1)
    base: bool = False
    limit: int = Field(default=QUERY_LIMIT, ge=1, le=100_000)


class ColumnInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    #: coarse type: integer, number, text, boolean, date, datetime, unknown
    type: str = "unknown"


class DataTable(BaseModel):
    """The first ``limit`` rows of a query, whether there are more, and how many there are in all."""

    model_config = ConfigDict(frozen=True)

    columns: tuple[ColumnInfo, ...]
    rows: tuple[tuple[JsonScalar, ...], ...]
    limit: int
    more: bool
    total_row_count: int
    #: True when the state file keeps fewer rows (or shortened values) than were fetched
    truncated: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class QueryResultModel(Result):
    kind: Literal["query"] = "query"
    env: Env = Env.CURRENT
    table: DataTable

    @property
    def mismatch(self) -> bool:
        return False

    @property
    def headline(self) -> str:
        rows = self.table.total_row_count
        return f"{rows:,} row{'s' if rows != 1 else ''} ({self.env.value})"


def table_statements(sql: SqlBuilder, query: UserQuery, limit: int) -> list[str]:
    """The two statements behind a :class:`DataTable`: the first ``limit + 1`` rows and the count."""
    return [sql.limited(query, limit + 1), sql.counted(query)]


def to_table(rows: QueryResult, count: QueryResult, limit: int) -> DataTable:
    """Assemble a :class:`DataTable` from :func:`table_statements`' results (pure)."""
    return DataTable(
        columns=tuple(ColumnInfo(name=c.name, type=c.type) for c in rows.columns),
        rows=tuple(tuple(to_json_scalar(v) for v in row) for row in rows.rows[:limit]),
        limit=limit,
        more=len(rows.rows) > limit,
        total_row_count=int(count.scalar() or 0),  # type: ignore[arg-type]
    )


def fetch_table(warehouse: Warehouse, query: UserQuery, limit: int, cancel: CancelToken) -> DataTable:
    """Rows and count of a user's query, both run read-only."""
    sql = SqlBuilder.for_warehouse(warehouse)
    rows, count = warehouse.execute_many(table_statements(sql, query, limit), cancel=cancel, read_only=True)
    return to_table(checked(rows), checked(count), limit)


def run(params: QueryParams, ctx: CheckContext) -> QueryResultModel:
    warehouse = ctx.require_warehouse()
    env = Env.BASE if params.base else Env.CURRENT
    query = parse_query(ctx.render(params.sql_template, env), warehouse.dialect)
    ctx.progress(0.1, f"Running the query on {env.value}")
    return QueryResultModel(env=env, table=fetch_table(warehouse, query, params.limit, ctx.cancel))


def sql_excerpt(sql: str, width: int = 60) -> str:
    """The SQL on one line, cut to ``width`` characters (for titles)."""
    line = " ".join(sql.split())
    return line if len(line) <= width else line[:width] + "..."


def title(params: QueryParams) -> str:
    return f"Query{' (base)' if params.base else ''}: {sql_excerpt(params.sql_template)}"


class QuerySpec(CheckSpec[QueryParams]):
    type: Literal["query"] = "query"


QUERY = CheckDefinition(spec_model=QuerySpec, result_model=QueryResultModel, run=run, title=title)
