"""The terminal view of a profile diff: one row per column; a changed figure reads ``base → current``."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from spyglass.checks.base import TerminalView
from spyglass.checks.profile.markdown import FIGURES, figure, numeric
from spyglass.checks.profile.result import ProfileDiffResult


def pair(base: str, current: str) -> Text:
    """``base`` alone when both read the same, else ``base → current`` in red and green."""
    if base == current:
        return Text(base)
    return Text.assemble((base, "red"), " → ", (current, "green"))


def view(result: ProfileDiffResult) -> TerminalView:
    mode = " (approximate)" if result.approx else ""
    table = Table(title=f"Profile diff of {result.model}{mode}", title_justify="left")
    table.add_column("column")
    table.add_column("type")
    for label, _ in FIGURES:
        table.add_column(label, justify="right")
    for column in result.columns:
        types = pair(column.base_type or "-", column.current_type or "-")
        number = numeric(column)
        cells = [pair(figure(column.base, attr, number=number), figure(column.current, attr, number=number))
                 for _, attr in FIGURES]
        name = Text(column.name, style="bold yellow" if column.changed else "")
        table.add_row(name, types, *cells)
    return [table]
