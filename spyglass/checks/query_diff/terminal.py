"""What ``spyglass query-diff`` prints: the rows whose count differs, or the differing rows by key."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from spyglass.checks.query_diff.result import MultisetDiff, QueryDiffResult
from spyglass.checks.value_diff_detail.terminal import diff_rows_view
from spyglass.markup.terminal import value_text


def multiset_view(diff: MultisetDiff) -> Table:
    table = Table(title="Rows whose count differs", title_justify="left")
    for name in diff.columns:
        table.add_column(name)
    table.add_column("base", justify="right")
    table.add_column("current", justify="right")
    for row in diff.rows:
        table.add_row(*[value_text(v) for v in row.values], f"{row.base_count:,}", f"{row.current_count:,}")
    return table


def view(result: QueryDiffResult) -> list[RenderableType]:
    views: list[RenderableType] = []
    if result.keyed is not None:
        views += diff_rows_view(result.keyed, "Differing rows")
    elif result.multiset is not None:
        views.append(multiset_view(result.multiset))
    for side, columns in (("base", result.base_only_columns), ("current", result.current_only_columns)):
        if columns:
            views.append(Text(f"Columns only in {side}: {', '.join(columns)}"))
    return views
