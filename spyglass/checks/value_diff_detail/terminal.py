"""What ``spyglass value-diff --detail`` prints: the differing rows, old → new values of changed cells."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from spyglass.checks.sql import JsonScalar
from spyglass.checks.value_diff_detail.result import DiffRows, ValueDiffDetailResult
from spyglass.markup.terminal import styled_value, value_text

_STATUS_STYLES = {"added": "green", "removed": "red", "changed": "yellow"}


def diff_rows_view(diff: DiffRows, title: str) -> list[RenderableType]:
    """The differing rows as a table, then their counts (shared with the keyed query diff)."""
    table = Table(title=title, title_justify="left")
    for key in diff.primary_key:
        table.add_column(key)
    table.add_column("change")
    for name in diff.columns:
        table.add_column(name)
    for row in diff.rows:
        cells: list[Text] = [value_text(v) for v in row.key] + [Text(row.status, style=_STATUS_STYLES[row.status])]
        for i, name in enumerate(diff.columns):
            cells.append(_cell_change(row.base[i] if row.base else None, row.current[i] if row.current else None,
                                      name in row.changed_columns, row.status))
        table.add_row(*cells)
    more = f" (first {len(diff.rows):,})" if diff.more else ""
    return [table, Text(f"{diff.total:,} differing rows{more}: {diff.added:,} added, {diff.removed:,} removed, "
                        f"{diff.changed:,} changed")]


def _cell_change(base: JsonScalar, current: JsonScalar, changed: bool, status: str) -> Text:
    if status == "added":
        return value_text(current)
    if status == "removed" or not changed:
        return value_text(base)
    return Text.assemble(styled_value(base, "red"), " → ", styled_value(current, "green"))


def view(result: ValueDiffDetailResult) -> list[RenderableType]:
    return diff_rows_view(result.diff, f"Differing rows of {result.model}")
