"""Markdown details of profile diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.profile import ColumnProfile, ProfileColumn, ProfileDiffResult
from spyglass.report.markdown import render_details

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


def test_a_changed_row_count_is_one_line_not_a_change_of_every_column() -> None:
    fewer = SAME.model_copy(update={"row_count": 8})  # same nulls, distinct, min, max, avg: the count only
    changed = SAME.model_copy(update={"row_count": 8, "distinct": 8, "max": "10500"})
    result = ProfileDiffResult(model="orders", columns=(
        ProfileColumn(name="day", base_type="date", current_type="date", base=SAME, current=fewer),
        ProfileColumn(name="id", base_type="integer", current_type="integer", base=SAME, current=changed),
    ))
    assert [c.name for c in result.changed_columns] == ["id"]
    assert result.row_counts == (10, 8) and result.rows_changed and result.mismatch
    assert result.headline == "1 of 2 columns differ; row count 10 → 8"
    assert render_details(result) == "\n".join([
        "Row count 10 → 8 in every column.",
        "",
        "1 of 2 columns changed:",
        "",
        "| column | figure | base | current |",
        "|---|---|--:|--:|",
        "| `id` | distinct | 10 | 8 |",
        "|  | max | 10 | 10,500 |",  # a number written as text, grouped like the counts
    ])
    # the row count alone: still a mismatch, and the headline says what differs
    only_rows = ProfileDiffResult(model="orders", columns=(
        ProfileColumn(name="day", base_type="date", current_type="date", base=SAME, current=fewer),))
    assert only_rows.mismatch and not only_rows.changed_columns
    assert only_rows.headline == "row count 10 → 8; no other figure differs in 1 profiled columns"
    assert render_details(only_rows) == (
        "Row count 10 → 8 in every column.\n\nNo other figure changed in the 1 profiled columns.")


def test_text_that_looks_like_a_number_keeps_its_form() -> None:
    zips = SAME.model_copy(update={"min": "01000", "max": "10000"})
    other = zips.model_copy(update={"max": "20000"})
    result = ProfileDiffResult(model="orders", columns=(
        ProfileColumn(name="zip", base_type="text", current_type="text", base=zips, current=other),))
    assert "| `zip` | max | 10000 | 20000 |" in render_details(result)
