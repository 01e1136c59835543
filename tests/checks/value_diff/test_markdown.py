"""Markdown details of value diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.value_diff import ColumnMatch, Segment, ValueDiffResult
from spyglass.checks.value_diff.markdown import percent, segment_sentence
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


def test_segments_markdown_escapes_values_and_rounds_shares() -> None:
    segments = (
        Segment(kind="changed", column="status | code", value="*ret* @all " + "x" * 60, rows=46, kind_rows=50,
                overall_rows=1, side_rows=1000),
        Segment(kind="added", column="note", value=None, rows=1999, kind_rows=2000, overall_rows=1999,
                side_rows=3000),
    )
    markdown = render_details(_result(segments=segments, segment_columns=("status | code", "note")))
    assert ("Where the changes are:\n"
            "- 92% of changed rows (46 of 50) have <code>status \\| code</code> = '\\*ret\\* \\@all "
            + "x" * 48 + "…' (base values; <1% of all base rows)\n"
            "- 99% of added rows (1,999 of 2,000) have NULL in `note` (current values; 67% of all current rows)"
            ) in markdown
    spread = render_details(_result(segment_columns=("status", "note")))
    assert ("Where the changes are: no value of `status`, `note` is markedly more common among the removed, added "
            "or changed rows than among all rows.") in spread
    assert "Where the changes are" not in render_details(_result())  # the grouping did not run


def test_numbers_and_booleans_read_bare_text_quoted() -> None:
    flag = Segment(kind="changed", column="is_gift", value="true", rows=9, kind_rows=10, overall_rows=20,
                   side_rows=100, text=False)
    count = Segment(kind="removed", column="payment_count", value="2", rows=9, kind_rows=10, overall_rows=20,
                    side_rows=100, text=False)
    status = Segment(kind="removed", column="status", value="it's", rows=9, kind_rows=10, overall_rows=20,
                     side_rows=100)
    assert "`is_gift` = true (base values" in segment_sentence(flag)
    assert "`payment_count` = 2 (base values" in segment_sentence(count)
    assert (flag.shown(), count.shown(), status.shown()) == ("true", "2", "'it''s'")
