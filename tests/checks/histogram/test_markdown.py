"""Markdown details of histogram diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.histogram import HistogramDiffResult, HistogramSide
from spyglass.report.markdown import render_details


def test_histogram_lists_changed_bins_with_bars() -> None:
    result = HistogramDiffResult(model="m", column_name="amount", labels=("0 to 10", "10 to 20", "20 to 30"),
                                 bin_edges=(0, 10, 20, 30), min="0", max="29",
                                 base=HistogramSide(row_count=13, nulls=1, counts=(6, 6, 0)),
                                 current=HistogramSide(row_count=12, nulls=0, counts=(6, 3, 3)))
    assert render_details(result) == "\n".join([
        "2 of 3 bins of `amount` changed (range 0 to 29):",
        "",
        "| bin | base | | current | |",
        "|---|--:|---|--:|---|",
        "| 10 to 20 | 6 | ████████████ | 3 | ██████ |",
        "| 20 to 30 | 0 |  | 3 | ██████ |",
        "",
        "Nulls: 1 → 0.",
    ])
    empty = HistogramDiffResult(model="m", column_name="amount")
    assert render_details(empty) == "`amount` has no non-null value on either side."
