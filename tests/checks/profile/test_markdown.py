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
