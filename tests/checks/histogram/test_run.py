"""histogram_diff on crafted data, every count asserted, on DuckDB and PostgreSQL."""

from __future__ import annotations

import pytest

from spyglass.checks.histogram import HistogramDiffParams, HistogramSide
from spyglass.checks.histogram.run import run
from spyglass.exceptions import CheckError
from tests.fixtures.warehouses import Crafted


def _column(name: str, values: list[str]) -> str:
    rows = ", ".join(f"({i}, {v})" for i, v in enumerate(values))
    return f'select * from (values {rows}) as t(id, "{name}")'


def test_integers_with_negatives_share_nice_bins(crafted: Crafted) -> None:
    crafted.create_model("n", _column("Amount", ["-7", "-2", "0", "3", "15", "null"]),
                         _column("Amount", ["-7", "0", "0", "3", "22"]))
    result = run(HistogramDiffParams(model="n", column_name="amount", num_bins=5), crafted.context())
    assert (result.column_name, result.column_type, result.unit) == ("Amount", "numeric", None)
    assert result.bin_edges == (-10.0, 0.0, 10.0, 20.0, 30.0)
    assert result.labels == ("-10 to 0", "0 to 10", "10 to 20", "20 to 30")
    assert (result.min, result.max) == ("-7", "22")
    assert result.base == HistogramSide(row_count=6, nulls=1, counts=(2, 2, 1, 0))
    assert result.current == HistogramSide(row_count=5, nulls=0, counts=(1, 3, 0, 1))
    assert result.mismatch and result.headline == "4 of 4 bins differ"


def test_values_on_decimal_edges_land_in_the_upper_bin(crafted: Crafted) -> None:
    values = [f"cast({v} as double precision)" for v in ("0.0", "0.3", "0.5", "0.7", "1.0")]
    crafted.create_model("f", _column("x", values), _column("x", values))
    result = run(HistogramDiffParams(model="f", column_name="x", num_bins=10), crafted.context())
    assert result.bin_edges == pytest.approx([i / 10 for i in range(11)])
    assert result.labels[3] == "0.3 to 0.4"
    # 0.3 / 0.1 is 2.999... in binary floating point: it still counts in bin 3; 1.0 closes the last bin
    assert result.base is not None and result.base.counts == (1, 0, 0, 1, 0, 1, 0, 1, 0, 1)
    assert result.base == result.current and not result.mismatch
    assert result.headline == "identical in 10 bins"


def test_single_value_column(crafted: Crafted) -> None:
    crafted.create_model("one", _column("v", ["5", "5"]), _column("v", ["5"]))
    result = run(HistogramDiffParams(model="one", column_name="v"), crafted.context())
    assert result.bin_edges == (5.0, 6.0) and result.labels == ("5 to 6",)
    assert result.base == HistogramSide(row_count=2, nulls=0, counts=(2,))
    assert result.current == HistogramSide(row_count=1, nulls=0, counts=(1,))


def test_decimal_single_value(crafted: Crafted) -> None:
    crafted.create_model("one", _column("v", ["2.5"]), _column("v", ["2.5"]))
    result = run(HistogramDiffParams(model="one", column_name="v"), crafted.context())
    assert result.bin_edges == (2.0, 3.0)
    assert result.base is not None and result.base.counts == (1,)


@pytest.mark.parametrize(("values", "unit", "labels"), [
    (["date '2021-03-01'", "date '2021-03-03'"], "day", ("2021-03-01", "2021-03-02", "2021-03-03")),
    (["date '2021-01-15'", "date '2021-04-01'"], "month", ("2021-01", "2021-02", "2021-03", "2021-04")),
    (["date '2015-06-01'", "date '2020-01-01'"], "year", ("2015", "2016", "2017", "2018", "2019", "2020")),
])
def test_dates_bucket_by_day_month_or_year(crafted: Crafted, values: list[str], unit: str,
                                           labels: tuple[str, ...]) -> None:
    crafted.create_model("d", _column("when", values), _column("when", [values[0], values[0], "null"]))
    result = run(HistogramDiffParams(model="d", column_name="when"), crafted.context())
    assert (result.column_type, result.unit, result.labels) == ("date", unit, labels)
    last = len(labels) - 1
    ends = tuple(int(i in (0, last)) for i in range(len(labels)))
    assert result.base == HistogramSide(row_count=2, nulls=0, counts=ends)
    assert result.current == HistogramSide(row_count=3, nulls=1, counts=(2,) + (0,) * last)
    assert (result.min, result.max) == (values[0][6:16], values[1][6:16])


def test_timestamps_bucket_by_day(crafted: Crafted) -> None:
    stamps = ["timestamp '2024-02-28 23:59:00'", "timestamp '2024-02-29 00:00:00'", "timestamp '2024-03-01 12:00:00'"]
    crafted.create_model("t", _column("at", stamps), _column("at", stamps[:2]))
    result = run(HistogramDiffParams(model="t", column_name="at"), crafted.context())
    assert result.labels == ("2024-02-28", "2024-02-29", "2024-03-01")
    assert result.base is not None and result.base.counts == (1, 1, 1)
    assert result.current is not None and result.current.counts == (1, 1, 0)


def test_empty_tables(crafted: Crafted) -> None:
    empty = _column("x", ["1"]) + " where 1 = 0"
    crafted.create_model("e", empty, empty)
    result = run(HistogramDiffParams(model="e", column_name="x"), crafted.context())
    assert result.labels == () and result.bin_edges == ()
    assert result.base == result.current == HistogramSide(row_count=0, nulls=0, counts=())
    assert not result.mismatch


@pytest.mark.parametrize(("value", "kind"), [("'text'", "text"), ("true", "boolean")])
def test_text_and_boolean_are_rejected_with_a_pointer_to_top_k(crafted: Crafted, value: str, kind: str) -> None:
    crafted.create_model("s", _column("label", [value]), _column("label", [value]))
    with pytest.raises(CheckError) as raised:
        run(HistogramDiffParams(model="s", column_name="label"), crafted.context())
    assert f"is {kind}" in raised.value.message
    assert "top_k_diff" in raised.value.remedy


def test_type_change_between_number_and_date_is_rejected(crafted: Crafted) -> None:
    crafted.create_model("s", _column("v", ["1"]), _column("v", ["date '2020-01-01'"]))
    with pytest.raises(CheckError, match="changed type"):
        run(HistogramDiffParams(model="s", column_name="v"), crafted.context())


def test_column_added_by_the_change(crafted: Crafted) -> None:
    crafted.create_model("grown", "select 1 as id", _column("score", ["4", "6"]))
    result = run(HistogramDiffParams(model="grown", column_name="score", num_bins=2), crafted.context())
    assert result.base is None
    assert result.current == HistogramSide(row_count=2, nulls=0, counts=(1, 1))
    assert result.labels == ("4 to 6", "6 to 8")
    assert result.mismatch and result.headline == "score only in current"
