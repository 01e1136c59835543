"""The two statements of a histogram diff, and the reading of their rows by output name (pure).

First both sides' min, max, row and non-null counts in one row (one scan per side); then the bin counts,
bucketed in the warehouse (``floor((x - start) / width)`` or the dialect's ``date_trunc``) and grouped,
so only the counts come back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlglot import exp

from spyglass.checks.histogram.bins import NumericBins, fmt, to_decimal
from spyglass.checks.profile_target import Target
from spyglass.checks.sides import Side
from spyglass.checks.sql import SqlBuilder, divide, not_null
from spyglass.project.models import Env
from spyglass.warehouse.base import QueryResult, Record, Value, as_int


@dataclass(frozen=True)
class RangeNames:
    """The outputs of one side in :func:`range_sql`."""

    low: str
    high: str
    rows: str
    non_null: str

    @classmethod
    def of(cls, env: Env) -> RangeNames:
        return cls(low=f"{env.value}_lo", high=f"{env.value}_hi", rows=f"{env.value}_rows",
                   non_null=f"{env.value}_non_null")


#: the outputs of :func:`bins_sql`: which side (0 base, 1 current), the bucket, and its row count
SIDE, BUCKET, ROWS = "side", "bucket", "bucket_rows"


def _side_range(side: Side | None, column: str, sql: SqlBuilder) -> exp.Select:
    """``(lo, hi, total, valid)`` of one side (NULLs and zeros without it)."""
    found = side.find(column) if side is not None else None
    if side is None or found is None:
        zero = exp.Literal.number(0)
        return exp.select(exp.alias_(exp.Null(), "lo"), exp.alias_(exp.Null(), "hi"), exp.alias_(zero, "total"),
                          exp.alias_(zero.copy(), "valid"))
    quoted = sql.col(found.name)
    return (exp.select(exp.alias_(exp.Min(this=quoted.copy()), "lo"), exp.alias_(exp.Max(this=quoted.copy()), "hi"),
                       exp.alias_(exp.Count(this=exp.Star()), "total"), exp.alias_(exp.Count(this=quoted), "valid"))
            .from_(side.from_item.copy()))


def range_sql(target: Target, column: str, sql: SqlBuilder) -> str:
    """Both sides' min, max, row count and non-null count in one row (named by :class:`RangeNames`)."""
    outputs = []
    for env, alias in ((Env.BASE, "b"), (Env.CURRENT, "c")):
        names = RangeNames.of(env)
        outputs += [exp.alias_(exp.column(inner, alias), name) for inner, name in
                    (("lo", names.low), ("hi", names.high), ("total", names.rows), ("valid", names.non_null))]
    query = (exp.select(*outputs).from_(_range_side(target.base, column, sql, "b"))
             .join(_range_side(target.current, column, sql, "c"), join_type="cross"))
    return sql.render(query)


def _range_side(side: Side | None, column: str, sql: SqlBuilder, alias: str) -> exp.Expr:
    return exp.Subquery(this=_side_range(side, column, sql), alias=exp.TableAlias(this=exp.to_identifier(alias)))


def numeric_bucket(quoted: exp.Expr, bins: NumericBins, sql: SqlBuilder) -> exp.Expr:
    """The 0-based bin of a value; the epsilon keeps values on a decimal edge (0.3 / 0.1) in the upper bin."""
    offset = exp.paren(exp.Sub(this=quoted.copy(), expression=exp.paren(_literal(bins.start))))
    scaled = exp.Add(this=divide(offset, _literal(bins.width)), expression=exp.Literal.number("0.000000001"))
    index = sql.cast(exp.Floor(this=scaled), "bigint")
    lowest = exp.Greatest(this=index, expressions=[exp.Literal.number(0)], ignore_nulls=True)
    return exp.Least(this=lowest, expressions=[exp.Literal.number(bins.count - 1)], ignore_nulls=True)


def _literal(value: object) -> exp.Expr:
    """An exact decimal literal (``-10.0``, ``0.1``): the engine computes in decimals, as Python did."""
    text = fmt(to_decimal(value))
    return exp.Literal.number(text if "." in text else text + ".0")


def date_bucket(quoted: exp.Expr, unit: str, sql: SqlBuilder) -> exp.Expr:
    """The first day of a value's ``unit`` (``year``, ``month`` or ``day``), by the dialect's ``date_trunc``."""
    return sql.cast(sql.template(sql.dialect.date_trunc, quoted, unit=unit), "date")


def bins_sql(target: Target, column: str, bucket: Callable[[exp.Expr], exp.Expr], sql: SqlBuilder) -> str:
    """``(side, bucket, bucket_rows)`` rows of both sides (side 0 = base, 1 = current); ``bucket`` makes
    the bucket of the column's expression."""
    parts = []
    for number, side in ((0, target.base), (1, target.current)):
        found = side.find(column) if side is not None else None
        if side is None or found is None:
            continue
        quoted = sql.col(found.name)
        parts.append(exp.select(exp.alias_(exp.Literal.number(number), SIDE), exp.alias_(bucket(quoted), BUCKET),
                                exp.alias_(exp.Count(this=exp.Star()), ROWS))
                     .from_(side.from_item.copy()).where(not_null(quoted)).group_by(exp.Literal.number(2)))
    query: exp.Query = parts[0]
    for part in parts[1:]:
        query = exp.union(query, part, distinct=False)
    return sql.render(query)


def bucket_key(bucket: Value) -> object:
    """A bucket as the warehouse returned it, comparable with the bins' keys (a date, or a bin number)."""
    if isinstance(bucket, datetime):
        return bucket.date()
    if isinstance(bucket, date):
        return bucket
    return as_int(bucket)


def observed_buckets(result: QueryResult) -> list[object]:
    return [bucket_key(record[BUCKET]) for record in result.records()]


def bin_counts(result: QueryResult, keys: Sequence[object]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Counts per side in the order of ``keys`` (the bins, as :func:`bucket_key` gives them)."""
    index = {key: i for i, key in enumerate(keys)}
    counts = [[0] * len(keys), [0] * len(keys)]
    for record in result.records():
        counts[record.as_int(SIDE)][index[bucket_key(record[BUCKET])]] += record.as_int(ROWS)
    return tuple(counts[0]), tuple(counts[1])


def side_range(record: Record, env: Env) -> tuple[Value, Value, int, int]:
    """One side's ``(min, max, rows, non-null rows)`` from the row of :func:`range_sql`."""
    names = RangeNames.of(env)
    return record[names.low], record[names.high], record.as_int(names.rows), record.as_int(names.non_null)
