"""The SQL of the multiset difference, computed in the warehouse and read by name.

Both results are ``UNION ALL``-ed with a side marker and grouped by every common column (``GROUP BY``
treats NULLs as equal and needs no join condition, so it works on engines without null-safe joins);
groups whose base and current counts differ are the rows only in base / only in current.
"""

from __future__ import annotations

from sqlglot import exp

from spyglass.checks.compare import ComparePlan, alias_of
from spyglass.checks.sides import Side
from spyglass.checks.sql import Numbered, SqlBuilder

# -- the outputs, by name (the statement selects them, :func:`.run.parse_multiset` reads them) --------------
#: occurrences of the distinct row on each side
BASE_COUNT, CURRENT_COUNT = "base_count", "current_count"
#: totals over every differing row (window aggregates: computed before the LIMIT)
ONLY_IN_BASE, ONLY_IN_CURRENT, DIFFERING = "only_in_base", "only_in_current", "differing"

#: the compared columns of the distinct row
VALUE = Numbered("value")


def _subquery(query: exp.Expr, alias: str) -> exp.Expr:
    return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _side(sql: SqlBuilder, plan: ComparePlan, side: Side, marks: tuple[int, int]) -> exp.Select:
    """One side's compared columns (cast where the sides' types differ) and its 1/0 side markers."""
    alias = alias_of(side)
    cols = [sql.cast(sql.col(p.on(alias), alias), p.cast).as_(VALUE(i)) for i, p in enumerate(plan.columns)]
    return exp.select(*cols, exp.Literal.number(marks[0]).as_(BASE_COUNT),
                      exp.Literal.number(marks[1]).as_(CURRENT_COUNT)).from_(side.from_item.copy())


def multiset_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, limit: int) -> str:
    """Distinct rows whose counts differ, ``limit + 1`` of them, with totals over all of them."""
    values = [exp.column(VALUE(i)) for i in range(len(plan.columns))]
    union = exp.union(_side(sql, plan, base, (1, 0)), _side(sql, plan, current, (0, 1)), distinct=False)
    nb, nc = exp.Sum(this=exp.column(BASE_COUNT)), exp.Sum(this=exp.column(CURRENT_COUNT))
    grouped = (exp.select(*[v.copy() for v in values], nb.copy().as_(BASE_COUNT), nc.copy().as_(CURRENT_COUNT))
               .from_(_subquery(union, "u")).group_by(*[v.copy() for v in values])
               .having(exp.NEQ(this=nb, expression=nc)))
    outer = (exp.select(*[v.copy() for v in values], exp.column(BASE_COUNT), exp.column(CURRENT_COUNT),
                        _excess(BASE_COUNT, CURRENT_COUNT).as_(ONLY_IN_BASE),
                        _excess(CURRENT_COUNT, BASE_COUNT).as_(ONLY_IN_CURRENT),
                        exp.Window(this=exp.Count(this=exp.Star())).as_(DIFFERING))
             .from_(_subquery(grouped, "g")).order_by(*[v.copy() for v in values]).limit(limit + 1))
    return sql.render(outer)


def _excess(more: str, less: str) -> exp.Expr:
    """``SUM(CASE WHEN more > less THEN more - less ELSE 0 END) OVER ()``: surplus rows of one side."""
    a, b = exp.column(more), exp.column(less)
    surplus = exp.case().when(exp.GT(this=a, expression=b), exp.Sub(this=a.copy(), expression=b.copy()))
    return exp.Window(this=exp.Sum(this=surplus.else_(exp.Literal.number(0))))
