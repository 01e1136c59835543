"""The SQL of the differing rows: one FULL OUTER JOIN on the key columns keeping only rows that differ,
``limit + 1`` of them in key order, with window totals over all of them. Its outputs are read by name."""

from __future__ import annotations

from sqlglot import exp

from spyglass.checks.compare import BASE, CURRENT, ComparePlan, Tolerance, column_equal, joined, present, side_col
from spyglass.checks.sides import Side
from spyglass.checks.sql import Numbered, SqlBuilder, and_all, flag, or_all

# -- the outputs, by name (the statement selects them, :func:`.run.parse_rows` reads them) ------------------
#: 1 when the row is on that side
IN_BASE, IN_CURRENT = "in_base", "in_current"
#: totals over every differing row (window aggregates: computed before the LIMIT)
ADDED_TOTAL, REMOVED_TOTAL, DIFFERING_TOTAL = "added_total", "removed_total", "differing_total"

#: the key columns (from whichever side has the row)
KEY = Numbered("key")
#: per compared column: 1 when it differs, and its value on each side
DIFFERS, BASE_VALUE, CURRENT_VALUE = Numbered("differs"), Numbered("base"), Numbered("current")


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
    outputs: list[exp.Expr] = [flag(bp.copy()).as_(IN_BASE), flag(cp.copy()).as_(IN_CURRENT),
                               *[k.copy().as_(KEY(j)) for j, k in enumerate(keys)]]
    for i, (pair, eq) in enumerate(zip(plan.columns, equal, strict=True)):
        outputs += [flag(exp.not_(eq.copy())).as_(DIFFERS(i)), sql.col(pair.base, BASE).as_(BASE_VALUE(i)),
                    sql.col(pair.current, CURRENT).as_(CURRENT_VALUE(i))]
    added = exp.and_(cp.copy(), exp.not_(bp.copy()))
    removed = exp.and_(bp.copy(), exp.not_(cp.copy()))
    outputs += [_window_count(added).as_(ADDED_TOTAL), _window_count(removed).as_(REMOVED_TOTAL),
                _window_count().as_(DIFFERING_TOTAL)]
    differing = or_all([exp.not_(bp.copy()), exp.not_(cp.copy()), exp.not_(and_all(e.copy() for e in equal))])
    query = joined(sql, plan, base, current).select(*outputs).where(differing).order_by(*keys).limit(limit + 1)
    return sql.render(query)
