"""Markdown details of top-k diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.top_k import TopKDiffResult, TopKSide, TopKValue
from spyglass.report.markdown import render_details


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


def test_fewer_values_than_k_say_all_of_them() -> None:
    result = TopKDiffResult(model="m", column_name="status", k=10, values=(
        TopKValue(value="paid", base_count=2, current_count=2, base_share=1.0, current_share=1.0),),
        base=TopKSide(row_count=2, non_null=2), current=TopKSide(row_count=2, non_null=2))
    assert result.listed == "All 1"
    assert render_details(result).startswith("All 1 values of `status` (shares are of non-null rows):")
