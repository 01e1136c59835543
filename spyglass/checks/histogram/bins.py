"""The bins of a histogram diff, decided in Python from both sides' min and max (pure, exact decimals).

Numeric bins share "nice" edges (1, 2, 2.5 or 5 x 10^n wide) so base and current line up and the labels
read well. Dates and timestamps are bucketed by year (range over 4 years), month (over 60 days) or day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from spyglass.exceptions import CheckError

NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
#: gaps between observed date buckets are filled in up to this many buckets
MAX_FILLED_BUCKETS = 1000


@dataclass(frozen=True)
class NumericBins:
    start: Decimal
    width: Decimal
    count: int

    @property
    def edges(self) -> tuple[Decimal, ...]:
        return tuple(self.start + i * self.width for i in range(self.count + 1))

    def labels(self) -> tuple[str, ...]:
        """``10,000 to 20,000``: grouped like every count Spyglass shows."""
        edges = self.edges
        return tuple(f"{fmt(edges[i], grouped=True)} to {fmt(edges[i + 1], grouped=True)}" for i in range(self.count))


def fmt(value: Decimal, *, grouped: bool = False) -> str:
    """A decimal without exponent or trailing zeros (``2.50`` -> ``2.5``, ``1E+2`` -> ``100``); ``grouped``:
    with thousands separators, for display (never in SQL)."""
    text = format(value.normalize(), ",f" if grouped else "f")
    return "0" if text in ("-0", "") else text


def to_decimal(value: object) -> Decimal:
    """A warehouse number as an exact decimal (raises CheckError for infinities and NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise CheckError(f"Expected a number for the histogram range, got {value!r}.",
                         remedy="Use top_k_diff for columns that are not numeric or dates.")
    result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not result.is_finite():
        raise CheckError("The column holds infinite or NaN values, which have no histogram bin.",
                         remedy="Filter them out in a query_diff, or use top_k_diff / profile_diff.")
    return result


def _candidates(raw: Decimal) -> list[Decimal]:
    """Nice widths >= raw, smallest first."""
    exponent = raw.adjusted()
    return [step.scaleb(e) for e in (exponent - 1, exponent, exponent + 1) for step in NICE_STEPS
            if step.scaleb(e) >= raw]


def nice_bins(low: Decimal, high: Decimal, num_bins: int, *, integer: bool) -> NumericBins:
    """At most ``num_bins`` bins of a nice width covering ``[low, high]``.

    Bins are ``[edge, next edge)``; for decimals the last bin also holds ``high`` when it sits on the edge.
    """
    if num_bins < 1:
        raise CheckError(f"num_bins must be at least 1, got {num_bins}.", remedy="Pass a positive --num-bins.")
    if high < low:
        low, high = high, low
    # integers: bins are [a, b) over whole numbers, so the range ends after the maximum
    end = high + 1 if integer else high
    raw = (end - low) / num_bins
    if integer:
        raw = max(raw, Decimal(1))
    if raw == 0:
        start = low.to_integral_value(ROUND_FLOOR)
        return NumericBins(start=start, width=Decimal(1), count=1)
    for width in _candidates(raw):
        if integer and (width < 1 or width != width.to_integral_value()):
            continue
        start = (low / width).to_integral_value(ROUND_FLOOR) * width
        count = max(1, int(((end - start) / width).to_integral_value(ROUND_CEILING)))
        if count <= num_bins:
            return NumericBins(start=start, width=width, count=count)
    # unreachable for finite input: 10^(e+1) * 5 always fits; keep a safe answer anyway
    width = raw.scaleb(1).to_integral_value(ROUND_CEILING) if integer else raw * 10
    return NumericBins(start=low, width=width, count=num_bins)


def date_unit(low: date, high: date) -> str:
    """``year`` when the range spans over 4 years, ``month`` over 60 days, else ``day``."""
    days = (_as_date(high) - _as_date(low)).days
    if days > 4 * 365:
        return "year"
    if days > 60:
        return "month"
    return "day"


def truncate(value: date, unit: str) -> date:
    value = _as_date(value)
    if unit == "year":
        return date(value.year, 1, 1)
    if unit == "month":
        return date(value.year, value.month, 1)
    return value


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def next_bucket(value: date, unit: str) -> date:
    if unit == "year":
        return date(value.year + 1, 1, 1)
    if unit == "month":
        return date(value.year + value.month // 12, value.month % 12 + 1, 1)
    return date.fromordinal(value.toordinal() + 1)


def date_buckets(low: date, high: date, unit: str, observed: set[date]) -> list[date]:
    """Every bucket from ``low`` to ``high`` (gaps filled), or only observed ones when too many."""
    first, last = truncate(low, unit), truncate(high, unit)
    buckets = [first]
    while buckets[-1] < last and len(buckets) <= MAX_FILLED_BUCKETS:
        buckets.append(next_bucket(buckets[-1], unit))
    if buckets[-1] < last:
        return sorted(observed)
    return sorted(set(buckets) | observed)


def date_label(value: date, unit: str) -> str:
    if unit == "year":
        return f"{value.year:04d}"
    if unit == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
