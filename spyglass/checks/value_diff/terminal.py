"""What ``spyglass value-diff`` prints: a per-column match table and the row counts."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from spyglass.checks.value_diff.markdown import percent, sample_lines, segment_lines
from spyglass.checks.value_diff.result import ValueDiffResult
from spyglass.markup.terminal import value_text


def view(result: ValueDiffResult) -> list[RenderableType]:
    table = Table(title=f"Value diff of {result.model} by {', '.join(result.primary_key)}", title_justify="left")
    for name in ("column", "matched", "mismatched", "matched %", "e.g. key"):
        table.add_column(name, justify="left" if name in ("column", "e.g. key") else "right")
    for col in result.columns:
        style = "bold yellow" if col.mismatched else ""
        table.add_row(Text(col.column, style=style), f"{col.matched:,}", f"{col.mismatched:,}",
                      percent(col.matched_p), value_text(col.example_key) if col.mismatched else "")
    counts = Text(f"base {result.base_rows:,} rows, current {result.current_rows:,} rows: {result.added:,} added, "
                  f"{result.removed:,} removed, {result.in_both:,} in both, {result.changed:,} changed")
    views: list[RenderableType] = [table, counts]
    if result.sample is not None:
        views.append(Text(f"Sampled: {result.sample.percent} of the keys (the same on both sides); the counts are "
                          "the sample's, rates are estimates at 95%:"))
        views += [Text(f"  {line}") for line in sample_lines(result, result.sample)]
    views += [Text(line) for line in segment_lines(result, code=str, text=str)]
    for side, columns in (("base", result.base_only_columns), ("current", result.current_only_columns)):
        if columns:
            views.append(Text(f"Only in {side} (not compared): {', '.join(columns)}"))
    return views
