"""Running a value-diff detail: validate the key, fetch the differing rows, read them by name.

The same row diff serves ``query_diff`` with a primary key (:func:`diff_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence

from spyglass.checks.base import CheckContext
from spyglass.checks.compare import ComparePlan, Tolerance, check_keys
from spyglass.checks.sides import Side
from spyglass.checks.sql import SqlBuilder, to_json_scalar
from spyglass.checks.value_diff.run import compare_model
from spyglass.checks.value_diff_detail import sql as out
from spyglass.checks.value_diff_detail.result import DiffRow, DiffRows, RowStatus, ValueDiffDetailResult
from spyglass.checks.value_diff_detail.spec import ValueDiffDetailParams
from spyglass.warehouse.base import Record


def _diff_row(row: Record, plan: ComparePlan) -> DiffRow:
    in_base, in_current = bool(row.as_int(out.IN_BASE)), bool(row.as_int(out.IN_CURRENT))
    n_cols = range(len(plan.columns))
    status: RowStatus = "changed" if in_base and in_current else "removed" if in_base else "added"
    changed = tuple(p.name for i, p in enumerate(plan.columns) if row.as_int(out.DIFFERS(i))) \
        if status == "changed" else ()
    return DiffRow(key=tuple(to_json_scalar(row[out.KEY(j)]) for j in range(len(plan.keys))),
                   status=status, changed_columns=changed,
                   base=tuple(to_json_scalar(row[out.BASE_VALUE(i)]) for i in n_cols) if in_base else None,
                   current=tuple(to_json_scalar(row[out.CURRENT_VALUE(i)]) for i in n_cols) if in_current else None)


def parse_rows(rows: Sequence[Record], plan: ComparePlan, limit: int) -> DiffRows:
    """Turn :func:`.sql.rows_query`'s rows into :class:`DiffRows` (pure)."""
    first = rows[0] if rows else None
    added, removed, total = ((first.as_int(out.ADDED_TOTAL), first.as_int(out.REMOVED_TOTAL),
                              first.as_int(out.DIFFERING_TOTAL)) if first is not None else (0, 0, 0))
    return DiffRows(
        primary_key=tuple(k.name for k in plan.keys), columns=tuple(p.name for p in plan.columns),
        rows=tuple(_diff_row(row, plan) for row in rows[:limit]), limit=limit, more=len(rows) > limit,
        added=added, removed=removed, changed=total - added - removed, base_only_columns=plan.base_only,
        current_only_columns=plan.current_only,
    )


def diff_rows(ctx: CheckContext, sql: SqlBuilder, base: Side, current: Side, plan: ComparePlan,
              tolerance: Tolerance, limit: int, what: str) -> DiffRows:
    """Validate the key, then fetch the differing rows (shared with query_diff)."""
    warehouse = ctx.require_warehouse()
    check_keys(warehouse, sql, plan, base, current, what, ctx)
    ctx.progress(0.5, "Finding differing rows")
    result = warehouse.execute(out.rows_query(sql, plan, base, current, tolerance, limit), cancel=ctx.cancel)
    return parse_rows(result.records(), plan, limit)


def run(params: ValueDiffDetailParams, ctx: CheckContext) -> ValueDiffDetailResult:
    sql = SqlBuilder.for_warehouse(ctx.require_warehouse())
    model = compare_model(params, ctx, sql)
    diff = diff_rows(ctx, sql, model.base, model.current, model.plan, params.tolerance, params.limit, model.what)
    notes = (*model.nodes.notes, *model.filter_notes)
    if model.sample is not None:
        notes = (*notes, f"Rows of a {model.sample.percent} sample of the keys (the same keys on both sides): "
                         "differing rows outside it are not listed.")
    return ValueDiffDetailResult(model=params.model, diff=diff, notes=notes, sample=model.sample)
