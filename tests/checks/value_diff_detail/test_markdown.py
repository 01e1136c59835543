"""Markdown details of value-diff detail results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.value_diff_detail import DiffRow, DiffRows, ValueDiffDetailResult
from spyglass.report.markdown import render_details


def test_value_diff_detail_markdown() -> None:
    diff = DiffRows(
        primary_key=("id",), columns=("name", "amount"), limit=1000, more=False, added=1, removed=0, changed=1,
        rows=(DiffRow(key=(2,), status="changed", changed_columns=("amount",), base=("b", None),
                      current=("b", 20)),
              DiffRow(key=(7,), status="added", current=("g", 1.5))),
    )
    markdown = render_details(ValueDiffDetailResult(model="orders", diff=diff))
    assert markdown == (
        "`orders`: 2 differing rows: 1 added, 0 removed, 1 changed.\n\n"
        "| id | change | values (base → current) |\n| --- | --- | --- |\n"
        "| 2 | changed | amount: *NULL* → 20 |\n| 7 | added |  |"
    )
