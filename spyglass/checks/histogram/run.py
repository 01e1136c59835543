"""Running a histogram diff: the range of both sides, then the bin counts (:mod:`.sql`) in bins decided
in Python (:mod:`.bins`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from spyglass.checks.base import CheckContext
from spyglass.checks.histogram.bins import date_buckets, date_label, date_unit, fmt, nice_bins, to_decimal
from spyglass.checks.histogram.result import HistogramDiffResult, HistogramSide
from spyglass.checks.histogram.spec import HistogramDiffParams
from spyglass.checks.histogram.sql import (
    bin_counts,
    bins_sql,
    date_bucket,
    numeric_bucket,
    observed_buckets,
    range_sql,
    side_range,
)
from spyglass.checks.profile_target import Target, load_target, profiled_family
from spyglass.checks.sides import Side
from spyglass.checks.sql import SqlBuilder
from spyglass.exceptions import CheckError
from spyglass.project.models import Env
from spyglass.warehouse.base import Value, Warehouse
from spyglass.warehouse.families import TypeFamily


def _families(target: Target, column: str) -> set[TypeFamily]:
    return {profiled_family(c.type) for c in (s.find(column) for s in target.sides) if c is not None}


def _kind(target: Target, column: str) -> Literal["numeric", "date"]:
    families = _families(target, column)
    if all(f.numeric for f in families):
        return "numeric"
    if all(f.temporal for f in families):
        return "date"
    names = sorted(f.value for f in families)
    if len(families) > 1 and any(f.numeric or f.temporal for f in families):
        raise CheckError(
            f"Column {column!r} of {target.model} changed type ({' vs '.join(names)}), "
            "so its values cannot share histogram bins.",
            remedy=f"Use top_k_diff or profile_diff on {column!r} instead.",
        )
    raise CheckError(
        f"Column {column!r} of {target.model} is {'/'.join(names)}; a histogram needs numbers, "
        "dates or timestamps.",
        remedy=f"Use top_k_diff for {column!r} (its most frequent values on both sides).",
    )


@dataclass(frozen=True)
class _Binned:
    labels: tuple[str, ...]
    base_counts: tuple[int, ...]
    current_counts: tuple[int, ...]
    bin_edges: tuple[float, ...] = ()
    unit: str | None = None
    min: str | None = None
    max: str | None = None


def run(params: HistogramDiffParams, ctx: CheckContext) -> HistogramDiffResult:
    warehouse = ctx.require_warehouse()
    model = load_target(warehouse, ctx.artifacts, params.model, ctx.cancel, params.row_filter)
    column = model.resolve(params.column_name)
    target = model.having(column)  # a side without the column is left out like a missing model
    kind = _kind(target, column)
    sql = SqlBuilder.for_warehouse(warehouse)
    record = warehouse.execute(range_sql(target, column, sql), cancel=ctx.cancel).record()
    (b_lo, b_hi, b_total, b_valid), (c_lo, c_hi, c_total, c_valid) = (side_range(record, env) for env in Env)
    ctx.progress(0.4, "Range known; counting bins")
    lows = [_comparable(v) for v in (b_lo, c_lo) if v is not None]
    highs = [_comparable(v) for v in (b_hi, c_hi) if v is not None]
    binned = _Binned(labels=(), base_counts=(), current_counts=())
    if lows and highs:
        span = (min(lows), max(highs))  # type: ignore[type-var]
        if kind == "numeric":
            integer = _families(target, column) == {TypeFamily.INTEGER}
            binned = _numeric(target, column, (warehouse, sql), span, (params.num_bins, integer), ctx)
        else:
            binned = _dates(target, column, (warehouse, sql), span, ctx)
    return HistogramDiffResult(
        model=params.model, column_name=column, column_type=kind, unit=binned.unit, labels=binned.labels,
        bin_edges=binned.bin_edges, min=binned.min, max=binned.max,
        base=_side(target.base, b_total, b_valid, binned.base_counts),
        current=_side(target.current, c_total, c_valid, binned.current_counts), notes=model.notes,
    )


def _comparable(value: Value) -> Value:
    return value.date() if isinstance(value, datetime) else value


def _side(side: Side | None, total: int, valid: int, counts: tuple[int, ...]) -> HistogramSide | None:
    if side is None:
        return None
    return HistogramSide(row_count=total, nulls=total - valid, counts=counts)


def _numeric(target: Target, column: str, engine: tuple[Warehouse, SqlBuilder], span: tuple[Value, Value],
             shape: tuple[int, bool], ctx: CheckContext) -> _Binned:
    (warehouse, sql), (num_bins, integer) = engine, shape
    low, high = to_decimal(span[0]), to_decimal(span[1])
    bins = nice_bins(low, high, num_bins, integer=integer)
    statement = bins_sql(target, column, lambda quoted: numeric_bucket(quoted, bins, sql), sql)
    base_counts, current_counts = bin_counts(warehouse.execute(statement, cancel=ctx.cancel), range(bins.count))
    return _Binned(labels=bins.labels(), base_counts=base_counts, current_counts=current_counts,
                   bin_edges=tuple(float(e) for e in bins.edges), min=fmt(low), max=fmt(high))


def _dates(target: Target, column: str, engine: tuple[Warehouse, SqlBuilder], span: tuple[Value, Value],
           ctx: CheckContext) -> _Binned:
    (warehouse, sql), (low, high) = engine, span
    if not isinstance(low, date) or not isinstance(high, date):
        raise CheckError(f"Expected dates for the range of {target.model}, got {low!r} and {high!r}.",
                         remedy="Use top_k_diff on this column instead.")
    unit = date_unit(low, high)
    result = warehouse.execute(bins_sql(target, column, lambda quoted: date_bucket(quoted, unit, sql), sql),
                               cancel=ctx.cancel)
    buckets = date_buckets(low, high, unit, {k for k in observed_buckets(result) if isinstance(k, date)})
    base_counts, current_counts = bin_counts(result, buckets)
    return _Binned(labels=tuple(date_label(b, unit) for b in buckets), base_counts=base_counts,
                   current_counts=current_counts, unit=unit, min=low.isoformat(), max=high.isoformat())
