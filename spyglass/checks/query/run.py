"""Running a query check: render, parse (one read-only query), fetch its first rows and its count."""

from __future__ import annotations

from spyglass.checks.base import CheckContext
from spyglass.checks.query.result import ColumnInfo, DataTable, QueryResultModel
from spyglass.checks.query.spec import QueryParams
from spyglass.checks.query.sql import ROW_COUNT, table_statements
from spyglass.checks.sql import SqlBuilder, checked, to_json_scalar
from spyglass.checks.user_sql import UserQuery, parse_query
from spyglass.project.models import Env
from spyglass.warehouse.base import CancelToken, QueryResult, Warehouse


def row_count(count: QueryResult) -> int:
    """What :func:`~.sql.counted` found."""
    return count.record().as_int(ROW_COUNT)


def to_table(rows: QueryResult, count: QueryResult, limit: int) -> DataTable:
    """Assemble a :class:`DataTable` from :func:`~.sql.table_statements`' results (pure)."""
    return DataTable(
        columns=tuple(ColumnInfo(name=c.name, type=c.type) for c in rows.columns),
        rows=tuple(tuple(to_json_scalar(v) for v in row) for row in rows.rows[:limit]),
        limit=limit,
        more=len(rows.rows) > limit,
        total_row_count=row_count(count),
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
