"""query_diff: the same SQL (or ``base_sql_template``) on base and current, compared in the warehouse.

Columns are paired **by name**, never by position, so the same columns in another order give no diff
(Recce issue #685: its INTERSECT/EXCEPT compares by position).

* Without ``primary_keys``: the multiset difference, computed in the warehouse — both results are
  ``UNION ALL``-ed with a side marker and grouped by every common column (``GROUP BY`` treats NULLs as
  equal, and needs no join condition, so it works on engines without null-safe joins); groups whose
  base and current counts differ are the rows only in base / only in current, with their counts. Both
  result sets (up to ``limit`` rows each) are returned too.
* With ``primary_keys``: the keys are validated (unique, non-null), then a FULL OUTER JOIN on them
  returns only differing rows with their changed columns, as ``value_diff_detail`` does.

Each side's rendered SQL must be one read-only query (:func:`~spyglass.checks.user_sql.parse_query`);
it is wrapped as a subquery tree in ours, and every statement runs read-only (:class:`ReadOnlyWarehouse`).
When both sides return no rows the result says so: 0 rows each side, no mismatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlglot import exp

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.compare import BASE, CURRENT, ComparePlan, Side, Tolerance, plan_comparison, probe_sides
from spyglass.checks.query import QUERY_LIMIT, DataTable, sql_excerpt, table_statements, to_table
from spyglass.checks.sql import JsonScalar, SqlBuilder, checked, to_json_scalar
from spyglass.checks.user_sql import UserQuery, parse_query
from spyglass.checks.value_diff_detail import DiffRows, diff_rows
from spyglass.exceptions import CheckError
from spyglass.project.models import Env
from spyglass.warehouse.base import QueryResult, ReadOnlyWarehouse, Value


class QueryDiffParams(Params):
    """Recce-compatible: ``sql_template``, optional ``base_sql_template`` and ``primary_keys``."""

    sql_template: str = Field(min_length=1)
    base_sql_template: str | None = None
    primary_keys: list[str] | None = None
    limit: int = Field(default=QUERY_LIMIT, ge=1, le=100_000)

    @field_validator("primary_keys", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value or None


class RowCount(BaseModel):
    """One distinct row whose number of occurrences differs between base and current."""

    model_config = ConfigDict(frozen=True)

    values: tuple[JsonScalar, ...]
    base_count: int
    current_count: int


class MultisetDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    columns: tuple[str, ...]
    rows: tuple[RowCount, ...]
    #: rows (with multiplicity) of base that current lacks, and the reverse
    only_in_base: int
    only_in_current: int
    #: distinct rows whose counts differ (``rows`` holds the first ``limit`` in column order)
    differing: int
    more: bool
    #: True when the state file keeps fewer rows (or shortened values) than were fetched
    truncated: bool = False


class QueryDiffResult(Result):
    kind: Literal["query_diff"] = "query_diff"
    base_only_columns: tuple[str, ...] = ()
    current_only_columns: tuple[str, ...] = ()
    #: without a key: the multiset difference and both result sets
    multiset: MultisetDiff | None = None
    base: DataTable | None = None
    current: DataTable | None = None
    #: with a key: the differing rows
    keyed: DiffRows | None = None
    #: both sides returned no rows (a result: nothing differs)
    both_empty: bool = False

    @property
    def mismatch(self) -> bool:
        if self.base_only_columns or self.current_only_columns:
            return True
        if self.keyed is not None:
            return self.keyed.total > 0
        return self.multiset is not None and (self.multiset.only_in_base + self.multiset.only_in_current) > 0

    @property
    def headline(self) -> str:
        columns = ""
        if self.base_only_columns or self.current_only_columns:
            columns = f"; columns only in base: {len(self.base_only_columns)}, " \
                      f"only in current: {len(self.current_only_columns)}"
        if self.both_empty:
            return "no rows on either side" + columns
        if self.keyed is not None:
            return self.keyed.headline + columns
        if self.multiset is None:
            return "no result" + columns
        m = self.multiset
        if not (m.only_in_base or m.only_in_current):
            return "same rows" + columns
        return multiset_counts(m) + columns


def multiset_counts(diff: MultisetDiff) -> str:
    """``"2 rows only in base, 1 only in current"``."""
    noun = "row" if diff.only_in_base == 1 else "rows"
    return f"{diff.only_in_base:,} {noun} only in base, {diff.only_in_current:,} only in current"


# -- SQL ------------------------------------------------------------------------------------------------
_NB, _NC = "spyglass_nb", "spyglass_nc"


def multiset_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, limit: int) -> str:
    """Distinct rows whose counts differ, ``limit + 1`` of them, with totals over all of them."""
    names = [f"v{i}" for i in range(len(plan.columns))]

    def side(item: Side, alias: str, marks: tuple[int, int]) -> exp.Select:
        cols = [sql.cast(sql.col(p.base if alias == BASE else p.current, alias), p.cast).as_(n)
                for p, n in zip(plan.columns, names, strict=True)]
        return exp.select(*cols, exp.Literal.number(marks[0]).as_(_NB),
                          exp.Literal.number(marks[1]).as_(_NC)).from_(item.from_item.copy())

    union = exp.union(side(base, BASE, (1, 0)), side(current, CURRENT, (0, 1)), distinct=False)
    nb, nc = exp.Sum(this=exp.column(_NB)), exp.Sum(this=exp.column(_NC))
    grouped = (exp.select(*[exp.column(n) for n in names], nb.copy().as_(_NB), nc.copy().as_(_NC))
               .from_(exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier("u"))))
               .group_by(*[exp.column(n) for n in names]).having(exp.NEQ(this=nb, expression=nc)))
    outer = (exp.select(*[exp.column(n) for n in names], exp.column(_NB), exp.column(_NC),
                        _excess(_NB, _NC), _excess(_NC, _NB), exp.Window(this=exp.Count(this=exp.Star())))
             .from_(exp.Subquery(this=grouped, alias=exp.TableAlias(this=exp.to_identifier("g"))))
             .order_by(*[exp.column(n) for n in names]).limit(limit + 1))
    return sql.render(outer)


def _excess(more: str, less: str) -> exp.Expr:
    """``SUM(CASE WHEN more > less THEN more - less ELSE 0 END) OVER ()``: surplus rows of one side."""
    a, b = exp.column(more), exp.column(less)
    surplus = exp.case().when(exp.GT(this=a, expression=b), exp.Sub(this=a.copy(), expression=b.copy()))
    return exp.Window(this=exp.Sum(this=surplus.else_(exp.Literal.number(0))))


def parse_multiset(rows: Sequence[Sequence[Value]], plan: ComparePlan, limit: int) -> MultisetDiff:
    """Turn :func:`multiset_query`'s rows into a :class:`MultisetDiff` (pure)."""
    n = len(plan.columns)
    parsed = tuple(RowCount(values=tuple(to_json_scalar(v) for v in row[:n]), base_count=int(row[n] or 0),  # type: ignore[arg-type]
                            current_count=int(row[n + 1] or 0))  # type: ignore[arg-type]
                   for row in rows[:limit])
    totals = [int(v or 0) for v in rows[0][n + 2:n + 5]] if rows else [0, 0, 0]  # type: ignore[arg-type]
    return MultisetDiff(columns=tuple(p.name for p in plan.columns), rows=parsed, only_in_base=totals[0],
                        only_in_current=totals[1], differing=totals[2], more=len(rows) > limit)


# -- the check ------------------------------------------------------------------------------------------------
def parse_sides(ctx: CheckContext, params: QueryDiffParams) -> tuple[UserQuery, UserQuery]:
    """Both sides' SQL rendered and parsed (QueryRefused before anything runs when either is not one
    read-only query)."""
    warehouse = ctx.require_warehouse()
    base_sql = ctx.render(params.base_sql_template or params.sql_template, Env.BASE)
    current_sql = ctx.render(params.sql_template, Env.CURRENT)
    return (parse_query(base_sql, warehouse.dialect, "The base query"),
            parse_query(current_sql, warehouse.dialect, "The current query"))


def _sides(ctx: CheckContext, sql: SqlBuilder, base_query: UserQuery, current_query: UserQuery) -> tuple[Side, Side]:
    base_from, current_from = base_query.subquery(BASE), current_query.subquery(CURRENT)
    base_cols, current_cols = probe_sides(ctx.require_warehouse(), sql, base_from, current_from, ctx)
    return (Side(base_from, base_cols, {c.name: c.type for c in base_cols}),
            Side(current_from, current_cols, {c.name: c.type for c in current_cols}))


def run(params: QueryDiffParams, ctx: CheckContext) -> QueryDiffResult:
    base_query, current_query = parse_sides(ctx, params)
    ctx = replace(ctx, warehouse=ReadOnlyWarehouse(ctx.require_warehouse()))  # every statement holds user SQL
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    ctx.progress(0.05, "Reading the query's columns on both sides")
    base, current = _sides(ctx, sql, base_query, current_query)
    plan = plan_comparison(base, current, params.primary_keys or [], None, sql, "the query")
    if not plan.columns and not plan.keys:
        raise CheckError("The base and current queries have no column in common.",
                         remedy="Select the same column names on both sides (order does not matter).")
    if params.primary_keys:
        keyed = diff_rows(ctx, sql, base, current, plan, Tolerance(), params.limit, "the query")
        empty = not keyed.total and not _any_rows(warehouse.execute_many(
            [sql.counted(base_query), sql.counted(current_query)], cancel=ctx.cancel))
        return QueryDiffResult(base_only_columns=plan.base_only, current_only_columns=plan.current_only,
                               keyed=keyed, both_empty=empty)
    ctx.progress(0.3, "Comparing the rows in the warehouse")
    statements = [*table_statements(sql, base_query, params.limit),
                  *table_statements(sql, current_query, params.limit),
                  multiset_query(sql, plan, base, current, params.limit)]
    results = [checked(r) for r in warehouse.execute_many(statements, cancel=ctx.cancel)]
    base_table = to_table(results[0], results[1], params.limit)
    current_table = to_table(results[2], results[3], params.limit)
    return QueryDiffResult(base_only_columns=plan.base_only, current_only_columns=plan.current_only,
                           multiset=parse_multiset(results[4].rows, plan, params.limit), base=base_table,
                           current=current_table,
                           both_empty=not base_table.total_row_count and not current_table.total_row_count)


def _any_rows(results: list[QueryResult | Exception]) -> bool:
    return any(int(checked(r).scalar() or 0) for r in results)  # type: ignore[arg-type]


def title(params: QueryDiffParams) -> str:
    return f"Query diff: {sql_excerpt(params.sql_template)}"


class QueryDiffSpec(CheckSpec[QueryDiffParams]):
    type: Literal["query_diff"] = "query_diff"


QUERY_DIFF = CheckDefinition(spec_model=QueryDiffSpec, result_model=QueryDiffResult, run=run, title=title)
