"""The one statement of a top-k diff, and the reading of its rows by output name (pure).

Both sides grouped by the value (as text, so a type change still lines up), full outer joined on it,
keeping the values in the top K of either side; each row also carries both sides' row and non-null
counts, so an empty result is one row of totals with a NULL value.
"""

from __future__ import annotations

from sqlglot import exp

from spyglass.checks.sides import Side
from spyglass.checks.sql import SqlBuilder, not_null
from spyglass.checks.top_k.result import TopKDiffResult, TopKSide, TopKValue
from spyglass.checks.top_k.spec import TopKDiffParams
from spyglass.warehouse.base import QueryResult

#: the statement's outputs, shared by :func:`top_k_sql` and :func:`read_result`
BASE_ROWS, BASE_NON_NULL = "base_rows", "base_non_null"
CURRENT_ROWS, CURRENT_NON_NULL = "current_rows", "current_non_null"
VALUE, BASE_COUNT, CURRENT_COUNT = "value_text", "base_count", "current_count"


def _grouped(side: Side | None, column: str, sql: SqlBuilder) -> exp.Select:
    """``(v, n)`` of one side, or an empty relation of that shape when the side lacks the column."""
    found = side.find(column) if side is not None else None
    if side is None or found is None:
        empty = exp.select(exp.alias_(sql.cast_text(exp.Null()), "v"), exp.alias_(exp.Literal.number(0), "n"))
        return empty.where(exp.false())
    quoted = sql.col(found.name)
    return (exp.select(exp.alias_(sql.cast_text(quoted.copy()), "v"), exp.alias_(exp.Count(this=exp.Star()), "n"))
            .from_(side.from_item.copy()).where(not_null(quoted)).group_by(exp.Literal.number(1)))


def _totals(side: Side | None, column: str, sql: SqlBuilder) -> exp.Select:
    """``(total, valid)``: the side's row count and non-null count (zeros when it lacks the column)."""
    found = side.find(column) if side is not None else None
    if side is None or found is None:
        return exp.select(exp.alias_(exp.Literal.number(0), "total"), exp.alias_(exp.Literal.number(0), "valid"))
    return (exp.select(exp.alias_(exp.Count(this=exp.Star()), "total"),
                       exp.alias_(exp.Count(this=sql.col(found.name)), "valid"))
            .from_(side.from_item.copy()))


def _count(side: str) -> exp.Expr:
    """A value's count on one side of the full join (0 where the side lacks the value)."""
    return exp.Coalesce(this=exp.column("n", side), expressions=[exp.Literal.number(0)])


def _rank(side: str) -> exp.Expr:
    """``ROW_NUMBER() OVER (ORDER BY <count> DESC, value)``: a value's place on one side (values it lacks
    count 0, so they come last whatever the engine's NULL order)."""
    order = exp.Order(expressions=[exp.Ordered(this=_count(side), desc=True), exp.Ordered(this=_either_value())])
    return exp.Window(this=exp.RowNumber(), order=order)


def _either_value() -> exp.Expr:
    return exp.Coalesce(this=exp.column("v", "c"), expressions=[exp.column("v", "b")])


def _in_top(rank: str, count: str, k: int) -> exp.Expr:
    return exp.and_(exp.LTE(this=exp.column(rank), expression=exp.Literal.number(k)),
                    exp.GT(this=exp.column(count), expression=exp.Literal.number(0)))


def top_k_sql(base: Side | None, current: Side | None, column: str, k: int, sql: SqlBuilder) -> str:
    """One statement: totals of both sides left-joined to the ranked top-K values of either side."""
    joined = (exp.select(exp.alias_(_either_value(), "v"), exp.alias_(_count("b"), "bn"), exp.alias_(_count("c"), "cn"),
                         exp.alias_(_rank("b"), "br"), exp.alias_(_rank("c"), "cr"))
              .from_(exp.table_("b"))
              .join(exp.table_("c"), on=exp.EQ(this=exp.column("v", "b"), expression=exp.column("v", "c")),
                    join_type="full outer"))
    ranked = (exp.select("v", "bn", "cn").from_(exp.table_("joined"))
              .where(exp.or_(exp.paren(_in_top("br", "bn", k)), exp.paren(_in_top("cr", "cn", k)))))
    outputs = {BASE_ROWS: exp.column("total", "bt"), BASE_NON_NULL: exp.column("valid", "bt"),
               CURRENT_ROWS: exp.column("total", "ct"), CURRENT_NON_NULL: exp.column("valid", "ct"),
               VALUE: exp.column("v", "ranked"), BASE_COUNT: exp.column("bn", "ranked"),
               CURRENT_COUNT: exp.column("cn", "ranked")}
    query = (exp.select(*(exp.alias_(expr, name) for name, expr in outputs.items()))
             .from_(exp.table_("bt")).join(exp.table_("ct"), join_type="cross")
             .join(exp.table_("ranked"), on=exp.true(), join_type="left")
             .order_by(exp.Ordered(this=exp.column("cn", "ranked"), desc=True),
                       exp.Ordered(this=exp.column("bn", "ranked"), desc=True), exp.column("v", "ranked"))
             .with_("b", as_=_grouped(base, column, sql)).with_("c", as_=_grouped(current, column, sql))
             .with_("joined", as_=joined).with_("ranked", as_=ranked)
             .with_("bt", as_=_totals(base, column, sql)).with_("ct", as_=_totals(current, column, sql)))
    return sql.render(query)


def read_result(result: QueryResult, params: TopKDiffParams, base: bool, current: bool) -> TopKDiffResult:
    """The result of :func:`top_k_sql` (``base`` / ``current``: whether that side has the column)."""
    records = result.records()
    first = records[0]
    base_side = TopKSide(row_count=first.as_int(BASE_ROWS), non_null=first.as_int(BASE_NON_NULL)) if base else None
    current_side = (TopKSide(row_count=first.as_int(CURRENT_ROWS), non_null=first.as_int(CURRENT_NON_NULL))
                    if current else None)
    values = []
    for record in records:
        value = record[VALUE]
        if value is None:
            continue
        bn, cn = record.as_int(BASE_COUNT), record.as_int(CURRENT_COUNT)
        values.append(TopKValue(value=str(value), base_count=bn, current_count=cn,
                                base_share=_share(bn, base_side), current_share=_share(cn, current_side)))
    return TopKDiffResult(model=params.model, column_name=params.column_name, k=params.k,
                          values=tuple(values), base=base_side, current=current_side)


def _share(count: int, side: TopKSide | None) -> float | None:
    if side is None or side.non_null == 0:
        return None
    return count / side.non_null
