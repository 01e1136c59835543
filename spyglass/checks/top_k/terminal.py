"""The terminal view of a top-k diff: each value's counts and shares, then the null and row counts."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from spyglass.checks.base import TerminalView
from spyglass.checks.top_k.markdown import share_text
from spyglass.checks.top_k.result import TopKDiffResult


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def view(result: TopKDiffResult) -> TerminalView:
    table = Table(title=f"{result.listed} values of {result.model}.{result.column_name}", title_justify="left")
    for name in ("value", "base", "base %", "current", "current %", "change"):
        table.add_column(name, justify="left" if name == "value" else "right")
    for v in result.values:
        change = v.current_count - v.base_count
        delta = Text(f"{change:+,}", style="yellow") if change else Text("=")
        table.add_row(Text(v.value), f"{v.base_count:,}", share_text(v.base_share), f"{v.current_count:,}",
                      share_text(v.current_share), delta)
    for label, attribute in (("(null)", "nulls"), ("(rows)", "row_count")):
        base = getattr(result.base, attribute) if result.base else None
        current = getattr(result.current, attribute) if result.current else None
        table.add_row(Text(label, style="dim"), _count(base), "", _count(current), "", "")
    return [table]
