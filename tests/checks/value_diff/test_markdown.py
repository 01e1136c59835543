"""Markdown details of value diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.value_diff import ColumnMatch, ValueDiffResult
from spyglass.checks.value_diff.markdown import percent
from spyglass.report.markdown import render_details


def _result(**overrides: object) -> ValueDiffResult:
    fields: dict[str, object] = dict(
        model="orders", primary_key=("id",), base_rows=6, current_rows=6, added=1, removed=1, in_both=5,
        changed=3,
        columns=(ColumnMatch(column="status", matched=5, mismatched=0),
                 ColumnMatch(column="amount | usd", matched=3, mismatched=2, example_key=4)),
        example_added=(7,), example_removed=(6,), example_changed=(2, 5),
    )
    fields.update(overrides)
    return ValueDiffResult.model_validate(fields)


def test_value_diff_markdown() -> None:
    markdown = render_details(_result(base_only_columns=("old",), abs_tolerance=0.01))
    assert markdown == "\n\n".join([
        "`orders` by `id`: 6 base rows, 6 current rows; **1 added, 1 removed, 3 of 5 rows in both changed**.",
        "| column | matched | mismatched | matched % | e.g. key |\n"
        "| --- | ---: | ---: | ---: | --- |\n"
        "| amount \\| usd | 3 | 2 | 60.00% | `4` |\n"
        "| status | 5 | 0 | 100.00% |  |",
        "Example keys — added: `7`; removed: `6`; changed: `2`, `5`.",
        "Not compared (only in base: `old`).",
        "Numeric tolerance: absolute 0.01.",
    ])


def test_identical_value_diff_and_percent_rounding() -> None:
    same = _result(added=0, removed=0, changed=0, columns=(ColumnMatch(column="a", matched=5, mismatched=0),),
                   example_added=(), example_removed=(), example_changed=())
    markdown = render_details(same)
    assert "**0 added, 0 removed, 0 of 5 rows in both changed**" in markdown
    assert "Example keys" not in markdown and "Not compared" not in markdown
    assert percent(99_999 / 100_000) == "99.99%"
    assert percent(1.0) == "100.00%"
    assert percent(None) == "-"
