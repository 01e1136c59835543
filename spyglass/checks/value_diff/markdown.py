"""The Markdown details of a value diff: the counts, a per-column match table and a few example keys."""

from __future__ import annotations

from spyglass.checks.sql import JsonScalar
from spyglass.checks.value_diff.result import ColumnMatch, ValueDiffResult
from spyglass.markup.escape import md_code, md_text
from spyglass.markup.tables import cell_code, table


def percent(share: float | None) -> str:
    """A match share as a percentage that never reads 100% unless it is exactly 100%."""
    if share is None:
        return "-"
    if share < 1 and round(share * 100, 2) >= 100:
        return "99.99%"
    return f"{share * 100:.2f}%"


def _keys(values: tuple[JsonScalar, ...]) -> str:
    return ", ".join(cell_code(v) for v in values)


def _column_row(column: ColumnMatch) -> list[str]:
    key = cell_code(column.example_key) if column.mismatched else ""
    return [md_text(column.column), f"{column.matched:,}", f"{column.mismatched:,}",
            percent(column.matched_p), key]


def render(result: ValueDiffResult) -> str:
    key = ", ".join(f"{md_code(k)}" for k in result.primary_key)
    lines = [
        f"{md_code(result.model)} by {key}: {result.base_rows:,} base rows, {result.current_rows:,} current "
        f"rows; **{result.added:,} added, {result.removed:,} removed, {result.changed:,} of {result.in_both:,} "
        f"rows in both changed**.",
    ]
    if result.columns:
        rows = [_column_row(c) for c in sorted(result.columns, key=lambda c: -c.mismatched)]
        lines.append(table(["column", "matched", "mismatched", "matched %", "e.g. key"], rows, right=(1, 2, 3)))
    examples = [f"{label}: {_keys(values)}" for label, values in
                (("added", result.example_added), ("removed", result.example_removed),
                 ("changed", result.example_changed)) if values]
    if examples:
        lines.append("Example keys — " + "; ".join(examples) + ".")
    if result.base_only_columns or result.current_only_columns:
        only = [f"only in {side}: " + ", ".join(f"{md_code(c)}" for c in cols)
                for side, cols in (("base", result.base_only_columns), ("current", result.current_only_columns))
                if cols]
        lines.append("Not compared (" + "; ".join(only) + ").")
    if result.abs_tolerance is not None or result.rel_tolerance is not None:
        parts = [f"{name} {value:g}" for name, value in (("absolute", result.abs_tolerance),
                                                        ("relative", result.rel_tolerance)) if value is not None]
        lines.append("Numeric tolerance: " + ", ".join(parts) + ".")
    return "\n\n".join(lines)
