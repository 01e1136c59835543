"""histogram_diff: the distribution of one numeric or date column on both sides, in shared bins.

Two statements: both sides' min/max/counts (one scan per side), then the bin counts, bucketed in the
warehouse (``floor((x - start) / width)`` or ``date_trunc``) and grouped; only the bin counts come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.histogram_bins import (
    NumericBins,
    date_buckets,
    date_label,
    date_unit,
    fmt,
    nice_bins,
    to_decimal,
)
from spyglass.checks.profile_sql import as_int
from spyglass.checks.profile_target import NUMERIC_TYPES, TEMPORAL_TYPES, Side, Target, load_target
from spyglass.checks.scope import CheckNodes
from spyglass.exceptions import CheckError
from spyglass.warehouse.base import Value, Warehouse


class HistogramDiffParams(Params):
    model: str
    column_name: str
    num_bins: int = Field(default=50, ge=1, le=1000)

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=(self.model,))


class HistogramSide(BaseModel):
    model_config = ConfigDict(frozen=True)

    row_count: int
    nulls: int
    #: one count per bin, in bin order
    counts: tuple[int, ...]


class HistogramDiffResult(Result):
    kind: Literal["histogram_diff"] = "histogram_diff"
    model: str
    column_name: str
    #: ``numeric`` or ``date``
    column_type: Literal["numeric", "date"] = "numeric"
    #: for dates: ``year``, ``month`` or ``day`` buckets
    unit: str | None = None
    labels: tuple[str, ...] = ()
    #: numeric bins: ``len(labels) + 1`` edges; the last bin includes its upper edge
    bin_edges: tuple[float, ...] = ()
    min: str | None = None
    max: str | None = None
    base: HistogramSide | None = None
    current: HistogramSide | None = None

    @property
    def changed_bins(self) -> int:
        if self.base is None or self.current is None:
            return len(self.labels)
        return sum(1 for b, c in zip(self.base.counts, self.current.counts, strict=True) if b != c)

    @property
    def mismatch(self) -> bool:
        return self.base != self.current

    @property
    def headline(self) -> str:
        if self.base is None or self.current is None:
            return f"{self.column_name} only in {'base' if self.current is None else 'current'}"
        if self.changed_bins:
            return f"{self.changed_bins} of {len(self.labels)} bins differ"
        if self.mismatch:
            return "null counts differ"
        return f"identical in {len(self.labels)} bins"


def _types(target: Target, column: str) -> set[str]:
    return {c.type for c in (s.find(column) for s in target.sides) if c is not None}


def _kind(target: Target, column: str) -> Literal["numeric", "date"]:
    types = _types(target, column)
    if types <= NUMERIC_TYPES:
        return "numeric"
    if types <= TEMPORAL_TYPES:
        return "date"
    if len(types) > 1 and types & (NUMERIC_TYPES | TEMPORAL_TYPES):
        raise CheckError(
            f"Column {column!r} of {target.model} changed type ({' vs '.join(sorted(types))}), "
            "so its values cannot share histogram bins.",
            remedy=f"Use top_k_diff or profile_diff on {column!r} instead.",
        )
    raise CheckError(
        f"Column {column!r} of {target.model} is {'/'.join(sorted(types))}; a histogram needs numbers, "
        "dates or timestamps.",
        remedy=f"Use top_k_diff for {column!r} (its most frequent values on both sides).",
    )


def _range_select(side: Side | None, quoted: str) -> str:
    if side is None:
        return "select null as lo, null as hi, 0 as total, 0 as valid"
    return (f"select min({quoted}) as lo, max({quoted}) as hi, count(*) as total, count({quoted}) as valid "
            f"from {side.relation}")


def range_sql(target: Target, quoted: str) -> str:
    """Both sides' min, max, row count and non-null count in one row."""
    return (f"select b.lo, b.hi, b.total, b.valid, c.lo, c.hi, c.total, c.valid\n"
            f"from ({_range_select(target.base, quoted)}) as b\n"
            f"cross join ({_range_select(target.current, quoted)}) as c")


def numeric_bucket(quoted: str, bins: NumericBins) -> str:
    """The 0-based bin of a value; the epsilon keeps values on a decimal edge (0.3 / 0.1) in the upper bin."""
    start, width = _literal(bins.start), _literal(bins.width)
    index = f"cast(floor(({quoted} - ({start})) / {width} + 0.000000001) as bigint)"
    return f"least(greatest({index}, 0), {bins.count - 1})"


def _literal(value: object) -> str:
    text = fmt(to_decimal(value))
    return text if "." in text else text + ".0"


def bins_sql(target: Target, quoted: str, bucket: str) -> str:
    """``(side, bucket, count)`` rows of both sides (side 0 = base, 1 = current)."""
    parts = [f"select {i} as side, {bucket} as bucket, count(*) as n from {side.relation} "
             f"where {quoted} is not null group by 2"
             for i, side in ((0, target.base), (1, target.current)) if side is not None]
    return "\nunion all\n".join(parts)


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
    model = load_target(warehouse, ctx.artifacts, params.model, ctx.cancel)
    column = model.resolve(params.column_name)
    # a side without the column (added or removed by the change) is left out like a missing model
    target = Target(model=model.model, base=_having(model.base, column), current=_having(model.current, column))
    kind = _kind(target, column)
    quoted = warehouse.quote(column)
    (b_lo, b_hi, b_total, b_valid, c_lo, c_hi, c_total, c_valid) = warehouse.execute(
        range_sql(target, quoted), cancel=ctx.cancel).rows[0]
    ctx.progress(0.4, "Range known; counting bins")
    lows = [_comparable(v) for v in (b_lo, c_lo) if v is not None]
    highs = [_comparable(v) for v in (b_hi, c_hi) if v is not None]
    binned = _Binned(labels=(), base_counts=(), current_counts=())
    if lows and highs:
        span = (min(lows), max(highs))  # type: ignore[type-var]
        if kind == "numeric":
            integer = _types(target, column) == {"integer"}
            binned = _numeric(target, warehouse, quoted, span, (params.num_bins, integer), ctx)
        else:
            binned = _dates(target, warehouse, quoted, span, ctx)
    return HistogramDiffResult(
        model=params.model, column_name=column, column_type=kind, unit=binned.unit, labels=binned.labels,
        bin_edges=binned.bin_edges, min=binned.min, max=binned.max,
        base=_side(target.base, b_total, b_valid, binned.base_counts),
        current=_side(target.current, c_total, c_valid, binned.current_counts), notes=model.notes,
    )


def _having(side: Side | None, column: str) -> Side | None:
    return side if side is not None and side.find(column) is not None else None


def _comparable(value: Value) -> Value:
    return value.date() if isinstance(value, datetime) else value


def _side(side: Side | None, total: Value, valid: Value, counts: tuple[int, ...]) -> HistogramSide | None:
    if side is None:
        return None
    return HistogramSide(row_count=as_int(total), nulls=as_int(total) - as_int(valid), counts=counts)


def _bin_counts(rows: tuple[tuple[Value, ...], ...], keys: list[object]) -> tuple[tuple[int, ...], ...]:
    """Counts per side in the order of ``keys`` (the bucket values as the warehouse returned them)."""
    index = {key: i for i, key in enumerate(keys)}
    counts = [[0] * len(keys), [0] * len(keys)]
    for side, bucket, n in rows:
        counts[as_int(side)][index[_bucket_key(bucket)]] += as_int(n)
    return tuple(tuple(c) for c in counts)


def _bucket_key(bucket: Value) -> object:
    if isinstance(bucket, datetime):
        return bucket.date()
    if isinstance(bucket, date):
        return bucket
    return as_int(bucket)


def _numeric(target: Target, warehouse: Warehouse, quoted: str, span: tuple[Value, Value],
             shape: tuple[int, bool], ctx: CheckContext) -> _Binned:
    num_bins, integer = shape
    low, high = to_decimal(span[0]), to_decimal(span[1])
    bins = nice_bins(low, high, num_bins, integer=integer)
    rows = warehouse.execute(bins_sql(target, quoted, numeric_bucket(quoted, bins)), cancel=ctx.cancel).rows
    base_counts, current_counts = _bin_counts(rows, list(range(bins.count)))
    return _Binned(labels=bins.labels(), base_counts=base_counts, current_counts=current_counts,
                   bin_edges=tuple(float(e) for e in bins.edges), min=fmt(low), max=fmt(high))


def _dates(target: Target, warehouse: Warehouse, quoted: str, span: tuple[Value, Value],
           ctx: CheckContext) -> _Binned:
    low, high = span
    if not isinstance(low, date) or not isinstance(high, date):
        raise CheckError(f"Expected dates for the range of {target.model}, got {low!r} and {high!r}.",
                         remedy="Use top_k_diff on this column instead.")
    unit = date_unit(low, high)
    truncated = warehouse.dialect.date_trunc.format(unit=unit, expr=quoted)
    rows = warehouse.execute(bins_sql(target, quoted, f"cast({truncated} as date)"), cancel=ctx.cancel).rows
    observed = {k for k in (_bucket_key(r[1]) for r in rows) if isinstance(k, date)}
    buckets = date_buckets(low, high, unit, observed)
    base_counts, current_counts = _bin_counts(rows, list(buckets))
    return _Binned(labels=tuple(date_label(b, unit) for b in buckets), base_counts=base_counts,
                   current_counts=current_counts, unit=unit, min=low.isoformat(), max=high.isoformat())


def title(params: HistogramDiffParams) -> str:
    return f"Histogram diff of {params.model}.{params.column_name}"


class HistogramDiffSpec(CheckSpec[HistogramDiffParams]):
    type: Literal["histogram_diff"] = "histogram_diff"


HISTOGRAM_DIFF = CheckDefinition(spec_model=HistogramDiffSpec, result_model=HistogramDiffResult, run=run, title=title)
