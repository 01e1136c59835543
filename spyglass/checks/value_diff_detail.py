"""value_diff_detail: the differing rows of a model (added, removed, changed), ordered by key.

One FULL OUTER JOIN on the key columns (by name) keeps only rows that differ, each with the list of
changed columns, ``limit`` of them (default 1,000) plus totals per kind computed over all differing
rows. The key is validated first (unique and non-null on both sides, one bounded scan per side). Two
empty sides give no differing rows (a result, as for ``value_diff``). The same row diff serves
``query_diff`` with a primary key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlglot import exp

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Result
from spyglass.checks.compare import (
    BASE,
    CURRENT,
    ComparePlan,
    Side,
    Tolerance,
    check_keys,
    column_equal,
    joined,
    model_nodes,
    model_sides,
    plan_comparison,
    present,
    side_col,
)
from spyglass.checks.sql import JsonScalar, SqlBuilder, and_all, flag, or_all, to_json_scalar
from spyglass.checks.value_diff import ValueDiffParams, resolve_keys
from spyglass.warehouse.base import Value

DEFAULT_LIMIT = 1_000

RowStatus = Literal["added", "removed", "changed"]


class ValueDiffDetailParams(ValueDiffParams):
    """value_diff's params plus ``limit`` (how many differing rows to return)."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=100_000)


class DiffRow(BaseModel):
    """One differing row: its key, what happened, which columns changed, and both sides' values."""

    model_config = ConfigDict(frozen=True)

    key: tuple[JsonScalar, ...]
    status: RowStatus
    changed_columns: tuple[str, ...] = ()
    #: values of the compared columns (``DiffRows.columns`` order); None when the side lacks the row
    base: tuple[JsonScalar, ...] | None = None
    current: tuple[JsonScalar, ...] | None = None


class DiffRows(BaseModel):
    """Differing rows of a keyed comparison, plus totals over all of them (not only those returned)."""

    model_config = ConfigDict(frozen=True)

    primary_key: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[DiffRow, ...]
    limit: int
    more: bool
    added: int
    removed: int
    changed: int
    base_only_columns: tuple[str, ...] = ()
    current_only_columns: tuple[str, ...] = ()
    #: True when the state file keeps fewer rows (or shortened values) than were fetched
    truncated: bool = False

    @property
    def total(self) -> int:
        return self.added + self.removed + self.changed

    @property
    def headline(self) -> str:
        if not self.total:
            return "no differing rows"
        return f"{self.total:,} differing row{_s(self.total)}: {self.added:,} added, {self.removed:,} removed, " \
               f"{self.changed:,} changed"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


class ValueDiffDetailResult(Result):
    kind: Literal["value_diff_detail"] = "value_diff_detail"
    model: str
    diff: DiffRows

    @property
    def mismatch(self) -> bool:
        return self.diff.total > 0

    @property
    def headline(self) -> str:
        return self.diff.headline


# -- SQL ------------------------------------------------------------------------------------------------
def _window_count(condition: exp.Expr | None = None) -> exp.Expr:
    """``SUM(CASE WHEN cond THEN 1 ELSE 0 END) OVER ()`` or ``COUNT(*) OVER ()``: totals before LIMIT."""
    agg = exp.Count(this=exp.Star()) if condition is None else exp.Sum(this=flag(condition))
    return exp.Window(this=agg)


def rows_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance,
               limit: int) -> str:
    """Differing rows ordered by key, ``limit + 1`` of them (to know ``more``), with window totals."""
    bp, cp = present(sql, plan, BASE), present(sql, plan, CURRENT)
    equal = [column_equal(sql, pair, tolerance) for pair in plan.columns]
    keys = [exp.func("COALESCE", side_col(sql, k, BASE), side_col(sql, k, CURRENT)) for k in plan.keys]
    projections: list[exp.Expr] = [flag(bp.copy()), flag(cp.copy()), *[k.copy() for k in keys]]
    for pair, eq in zip(plan.columns, equal, strict=True):
        projections += [flag(exp.not_(eq.copy())), sql.col(pair.base, BASE), sql.col(pair.current, CURRENT)]
    added = exp.and_(cp.copy(), exp.not_(bp.copy()))
    removed = exp.and_(bp.copy(), exp.not_(cp.copy()))
    projections += [_window_count(added), _window_count(removed), _window_count()]
    differs = or_all([exp.not_(bp.copy()), exp.not_(cp.copy()), exp.not_(and_all(e.copy() for e in equal))])
    query = (joined(sql, plan, base, current).select(*[p.as_(f"v{i}") for i, p in enumerate(projections)])
             .where(differs).order_by(*keys).limit(limit + 1))
    return sql.render(query)


# -- interpretation (pure) -----------------------------------------------------------------------------------
def parse_rows(rows: Sequence[Sequence[Value]], plan: ComparePlan, limit: int) -> DiffRows:
    """Turn :func:`rows_query`'s rows into :class:`DiffRows`."""
    n_keys, n_cols = len(plan.keys), len(plan.columns)
    parsed = []
    for row in rows[:limit]:
        in_base, in_current = bool(row[0]), bool(row[1])
        key = tuple(to_json_scalar(v) for v in row[2:2 + n_keys])
        cells = row[2 + n_keys:2 + n_keys + 3 * n_cols]
        base_values = tuple(to_json_scalar(cells[3 * i + 1]) for i in range(n_cols))
        current_values = tuple(to_json_scalar(cells[3 * i + 2]) for i in range(n_cols))
        status: RowStatus = "changed" if in_base and in_current else "removed" if in_base else "added"
        changed = tuple(p.name for i, p in enumerate(plan.columns) if cells[3 * i]) if status == "changed" else ()
        parsed.append(DiffRow(key=key, status=status, changed_columns=changed,
                              base=base_values if in_base else None,
                              current=current_values if in_current else None))
    added, removed, total = (int(v or 0) for v in rows[0][-3:]) if rows else (0, 0, 0)  # type: ignore[arg-type]
    return DiffRows(
        primary_key=tuple(k.name for k in plan.keys), columns=tuple(p.name for p in plan.columns),
        rows=tuple(parsed), limit=limit, more=len(rows) > limit, added=added, removed=removed,
        changed=total - added - removed, base_only_columns=plan.base_only, current_only_columns=plan.current_only,
    )


def diff_rows(ctx: CheckContext, sql: SqlBuilder, base: Side, current: Side, plan: ComparePlan,
              tolerance: Tolerance, limit: int, what: str) -> DiffRows:
    """Validate the key, then fetch the differing rows (shared with query_diff)."""
    warehouse = ctx.require_warehouse()
    check_keys(warehouse, sql, plan, base, current, what, ctx)
    ctx.progress(0.5, "Finding differing rows")
    result = warehouse.execute(rows_query(sql, plan, base, current, tolerance, limit), cancel=ctx.cancel)
    return parse_rows(result.rows, plan, limit)


# -- the check ------------------------------------------------------------------------------------------------
def run(params: ValueDiffDetailParams, ctx: CheckContext) -> ValueDiffDetailResult:
    sql = SqlBuilder.for_warehouse(ctx.require_warehouse())
    what = f"model {params.model!r}"
    ctx.progress(0.05, "Reading columns")
    nodes = model_nodes(ctx, params.model)
    base, current = model_sides(ctx, sql, nodes, params.where)
    plan = plan_comparison(base, current, resolve_keys(nodes, params), params.columns, sql, what)
    diff = diff_rows(ctx, sql, base, current, plan, params.tolerance, params.limit, what)
    return ValueDiffDetailResult(model=params.model, diff=diff, notes=nodes.notes)


def title(params: ValueDiffDetailParams) -> str:
    return f"Value diff detail of {params.model}"


class ValueDiffDetailSpec(CheckSpec[ValueDiffDetailParams]):
    type: Literal["value_diff_detail"] = "value_diff_detail"


VALUE_DIFF_DETAIL = CheckDefinition(
    spec_model=ValueDiffDetailSpec, result_model=ValueDiffDetailResult, run=run, title=title,
)
