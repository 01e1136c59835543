"""Nice bins and date buckets of the histogram diff (pure)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from spyglass.checks.histogram.bins import NumericBins, date_buckets, date_label, date_unit, fmt, nice_bins, to_decimal
from spyglass.exceptions import CheckError

D = Decimal


@pytest.mark.parametrize(("low", "high", "bins", "integer", "start", "width", "count"), [
    (D(0), D(100), 50, False, D(0), D(2), 50),
    (D(0), D(100), 10, False, D(0), D(10), 10),
    (D("-2.5"), D("2.5"), 5, False, D(-4), D(2), 4),
    (D(0), D(1), 4, False, D(0), D("0.25"), 4),
    (D(0), D(1), 10, False, D(0), D("0.1"), 10),
    (D("0.003"), D("0.0071"), 10, False, D("0.003"), D("0.0005"), 9),
    (D(3), D(1234567), 50, False, D(0), D(25000), 50),
    (D(1), D(3), 50, True, D(1), D(1), 3),         # integers: one bin per value
    (D(-7), D(22), 5, True, D(-10), D(10), 4),
    (D(0), D(9), 2, True, D(0), D(5), 2),          # [0, 5) and [5, 10)
    (D(5), D(5), 50, True, D(5), D(1), 1),
    (D("2.5"), D("2.5"), 50, False, D(2), D(1), 1),
])
def test_nice_bins(low: Decimal, high: Decimal, bins: int, integer: bool, start: Decimal, width: Decimal,
                   count: int) -> None:
    result = nice_bins(low, high, bins, integer=integer)
    assert (result.start, result.width, result.count) == (start, width, count)
    assert result.count <= bins
    assert result.edges[0] <= low and result.edges[-1] >= high


def test_widths_are_nice_and_integer_widths_whole() -> None:
    for high in (D(7), D(13), D(99), D(1001), D("0.07")):
        for integer in (False, True):
            if integer and high != high.to_integral_value():
                continue
            width = nice_bins(D(0), high, 7, integer=integer).width
            mantissa = width.scaleb(-width.adjusted()).normalize()
            assert mantissa in (1, 2, D("2.5"), 5)
            if integer:
                assert width >= 1 and width == width.to_integral_value()


def test_labels_and_formatting() -> None:
    bins = nice_bins(D(0), D(1), 4, integer=False)
    assert bins.labels() == ("0 to 0.25", "0.25 to 0.5", "0.5 to 0.75", "0.75 to 1")
    assert fmt(D("1E+2")) == "100" and fmt(D("2.50")) == "2.5" and fmt(D("-0")) == "0"


def test_to_decimal_rejects_non_finite_and_non_numbers() -> None:
    assert to_decimal(0.1) == D("0.1") and to_decimal(3) == D(3)
    with pytest.raises(CheckError, match="infinite or NaN"):
        to_decimal(float("inf"))
    with pytest.raises(CheckError):
        to_decimal("12")
    with pytest.raises(CheckError, match="at least 1"):
        nice_bins(D(0), D(1), 0, integer=False)


def test_date_units_follow_the_range() -> None:
    assert date_unit(date(2020, 1, 1), date(2020, 3, 1)) == "day"        # 60 days
    assert date_unit(date(2020, 1, 1), date(2020, 3, 2)) == "month"      # 61 days
    assert date_unit(date(2020, 1, 1), date(2023, 12, 31)) == "month"
    assert date_unit(datetime(2015, 1, 1, 5), datetime(2020, 1, 1)) == "year"


def test_date_buckets_fill_gaps_and_cross_year_ends() -> None:
    assert date_buckets(date(2020, 11, 20), date(2021, 2, 3), "month", set()) == [
        date(2020, 11, 1), date(2020, 12, 1), date(2021, 1, 1), date(2021, 2, 1)]
    assert [date_label(d, "month") for d in date_buckets(date(2020, 12, 5), date(2021, 1, 5), "month", set())] == [
        "2020-12", "2021-01"]
    assert date_label(date(2021, 3, 4), "year") == "2021" and date_label(date(2021, 3, 4), "day") == "2021-03-04"
    # too many buckets to fill: only the observed ones
    observed = {date(1, 1, 1), date(9000, 1, 1)}
    assert date_buckets(date(1, 1, 1), date(9000, 1, 1), "year", observed) == sorted(observed)


def test_labels_group_thousands_like_the_counts_but_sql_text_does_not() -> None:
    bins = NumericBins(start=Decimal("-2500"), width=Decimal("2500"), count=2)
    assert bins.labels() == ("-2,500 to 0", "0 to 2,500")
    assert fmt(Decimal("12500.50")) == "12500.5"  # what the SQL is written with
