"""Markdown details of profile, top-k and histogram results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.histogram import HistogramDiffResult, HistogramSide
from spyglass.checks.profile import ColumnProfile, ProfileColumn, ProfileDiffResult
from spyglass.checks.top_k import TopKDiffResult, TopKSide, TopKValue
from spyglass.report.details import render_details

SAME = ColumnProfile(row_count=10, nulls=0, distinct=10, unique=True, min="1", max="10", avg=5.5, median=5.5)


def test_profile_shows_only_changed_columns_and_figures() -> None:
    changed = SAME.model_copy(update={"nulls": 2, "max": "12", "avg": 6.25})
    result = ProfileDiffResult(model="orders", columns=(
        ProfileColumn(name="id", base_type="integer", current_type="integer", base=SAME, current=SAME),
        ProfileColumn(name="a|b", base_type="integer", current_type="integer", base=SAME, current=changed),
        ProfileColumn(name="new", current_type="text", current=SAME),
    ))
    assert render_details(result) == "\n".join([
        "2 of 3 columns changed:",
        "",
        "| column | figure | base | current |",
        "|---|---|--:|--:|",
        "| <code>a\\|b</code> | nulls | 0 | 2 |",
        "|  | null % | 0.0% | 20.0% |",
        "|  | max | 10 | 12 |",
        "|  | avg | 5.5 | 6.25 |",
        "| `new` | column | absent | present |",
    ])
    assert render_details(result) == render_details(result.model_copy())


def test_profile_without_change_and_float_noise() -> None:
    noisy = SAME.model_copy(update={"avg": 5.5 * (1 + 1e-12)})
    result = ProfileDiffResult(model="orders", approx=True, columns=(
        ProfileColumn(name="id", base=SAME, current=noisy),))
    assert not result.mismatch
    assert render_details(result) == (
        "No figure changed in the 1 profiled columns (approximate distinct counts and medians).")


def test_top_k() -> None:
    result = TopKDiffResult(model="m", column_name="status", k=2, values=(
        TopKValue(value="paid", base_count=1200, current_count=1100, base_share=0.6, current_share=0.55),
        TopKValue(value="<new>", base_count=0, current_count=5, base_share=0.0, current_share=0.0025),
    ), base=TopKSide(row_count=2001, non_null=2000), current=TopKSide(row_count=2000, non_null=2000))
    assert render_details(result) == "\n".join([
        "Top 2 values of `status` (shares are of non-null rows):",
        "",
        "| value | base | base % | current | current % | change |",
        "|---|--:|--:|--:|--:|--:|",
        "| paid | 1,200 | 60.0% | 1,100 | 55.0% | -100 |",
        "| &lt;new&gt; | 0 | 0.0% | 5 | 0.2% | +5 |",
        "",
        "Rows: 2,001 → 2,000; nulls: 1 → 0.",
    ])


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
