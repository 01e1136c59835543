"""Running a query diff: render and parse both sides, pair their columns by name, then compare them in
the warehouse (multiset without a key, differing rows with one); every statement runs read-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spyglass.checks.base import CheckContext
from spyglass.checks.compare import BASE, CURRENT, ComparePlan, Tolerance, plan_comparison, probe_sides
from spyglass.checks.query.run import row_count, to_table
from spyglass.checks.query.sql import counted, table_statements
from spyglass.checks.query_diff import sql as out
from spyglass.checks.query_diff.result import MultisetDiff, QueryDiffResult, RowCount
from spyglass.checks.query_diff.spec import QueryDiffParams
from spyglass.checks.sides import Side, typed_columns
from spyglass.checks.sql import SqlBuilder, checked, to_json_scalar
from spyglass.checks.user_sql import UserQuery, parse_query
from spyglass.checks.value_diff_detail import diff_rows
from spyglass.exceptions import CheckError
from spyglass.project.models import Env
from spyglass.warehouse.base import QueryResult, ReadOnlyWarehouse, Record


def parse_multiset(rows: Sequence[Record], plan: ComparePlan, limit: int) -> MultisetDiff:
    """Turn :func:`.sql.multiset_query`'s rows into a :class:`MultisetDiff` (pure)."""
    parsed = tuple(RowCount(values=tuple(to_json_scalar(row[out.VALUE(i)]) for i in range(len(plan.columns))),
                            base_count=row.as_int(out.BASE_COUNT), current_count=row.as_int(out.CURRENT_COUNT))
                   for row in rows[:limit])
    first = rows[0] if rows else None
    return MultisetDiff(columns=tuple(p.name for p in plan.columns), rows=parsed,
                        only_in_base=first.as_int(out.ONLY_IN_BASE) if first is not None else 0,
                        only_in_current=first.as_int(out.ONLY_IN_CURRENT) if first is not None else 0,
                        differing=first.as_int(out.DIFFERING) if first is not None else 0, more=len(rows) > limit)


def parse_sides(ctx: CheckContext, params: QueryDiffParams) -> tuple[UserQuery, UserQuery]:
    """Both sides' SQL rendered and parsed (QueryRefused before anything runs when either is not one
    read-only query)."""
    warehouse = ctx.require_warehouse()
    base_sql = ctx.render(params.base_sql_template or params.sql_template, Env.BASE)
    current_sql = ctx.render(params.sql_template, Env.CURRENT)
    return (parse_query(base_sql, warehouse.dialect, "The base query"),
            parse_query(current_sql, warehouse.dialect, "The current query"))


def query_sides(ctx: CheckContext, sql: SqlBuilder, base_query: UserQuery,
                current_query: UserQuery) -> tuple[Side, Side]:
    """Both queries as sides: subqueries aliased ``b``/``c``, with the columns and types they return."""
    base_from, current_from = base_query.subquery(BASE), current_query.subquery(CURRENT)
    base_cols, current_cols = probe_sides(ctx.require_warehouse(), sql, base_from, current_from, ctx)
    return (Side(Env.BASE, base_from, typed_columns(base_cols, None)),
            Side(Env.CURRENT, current_from, typed_columns(current_cols, None)))


def run(params: QueryDiffParams, ctx: CheckContext) -> QueryDiffResult:
    base_query, current_query = parse_sides(ctx, params)
    ctx = replace(ctx, warehouse=ReadOnlyWarehouse(ctx.require_warehouse()))  # every statement holds user SQL
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    ctx.progress(0.05, "Reading the query's columns on both sides")
    base, current = query_sides(ctx, sql, base_query, current_query)
    plan = plan_comparison(base, current, params.primary_keys or [], None, sql, "the query")
    if not plan.columns and not plan.keys:
        raise CheckError("The base and current queries have no column in common.",
                         remedy="Select the same column names on both sides (order does not matter).")
    if params.primary_keys:
        keyed = diff_rows(ctx, sql, base, current, plan, params.tolerance, params.limit, "the query")
        empty = not keyed.total and not _any_rows(warehouse.execute_many(
            [counted(sql, base_query), counted(sql, current_query)], cancel=ctx.cancel))
        return QueryDiffResult(base_only_columns=plan.base_only, current_only_columns=plan.current_only,
                               keyed=keyed, both_empty=empty, notes=tolerance_notes(params.tolerance))
    if params.tolerance.active:
        raise CheckError("A tolerance (abs_tolerance/rel_tolerance) needs primary_keys: without a key the two "
                         "results are compared as multisets of whole rows, so no value is paired with another.",
                         remedy="Pass primary_keys (the columns that identify a row of the query), or drop the "
                                "tolerance.")
    ctx.progress(0.3, "Comparing the rows in the warehouse")
    statements = [*table_statements(sql, base_query, params.limit),
                  *table_statements(sql, current_query, params.limit),
                  out.multiset_query(sql, plan, base, current, params.limit)]
    results = [checked(r) for r in warehouse.execute_many(statements, cancel=ctx.cancel)]
    base_table = to_table(results[0], results[1], params.limit)
    current_table = to_table(results[2], results[3], params.limit)
    return QueryDiffResult(base_only_columns=plan.base_only, current_only_columns=plan.current_only,
                           multiset=parse_multiset(results[4].records(), plan, params.limit), base=base_table,
                           current=current_table,
                           both_empty=not base_table.total_row_count and not current_table.total_row_count)


def tolerance_notes(tolerance: Tolerance) -> tuple[str, ...]:
    """The note a result carries when numeric columns were compared within a tolerance (pure)."""
    if not tolerance.active:
        return ()
    parts = [f"{name} {value:g}" for name, value in (("abs_tolerance", tolerance.absolute),
                                                     ("rel_tolerance", tolerance.relative)) if value is not None]
    return (f"Numeric columns compared within {' and '.join(parts)}.",)


def _any_rows(results: list[QueryResult | Exception]) -> bool:
    return any(row_count(checked(r)) for r in results)
