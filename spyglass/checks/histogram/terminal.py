"""The terminal view of a histogram diff: every bin's counts with a bar of each side, then the nulls."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from spyglass.checks.base import TerminalView
from spyglass.checks.histogram.markdown import bar
from spyglass.checks.histogram.result import HistogramDiffResult


def view(result: HistogramDiffResult) -> TerminalView:
    unit = f" by {result.unit}" if result.unit else ""
    table = Table(title=f"Histogram of {result.model}.{result.column_name}{unit}", title_justify="left")
    for name in ("bin", "base", "", "current", ""):
        table.add_column(name, justify="right" if name in ("base", "current") else "left")
    base = result.base.counts if result.base else (0,) * len(result.labels)
    current = result.current.counts if result.current else (0,) * len(result.labels)
    largest = max((*base, *current), default=0)
    for label, b, c in zip(result.labels, base, current, strict=True):
        style = "yellow" if b != c else ""
        table.add_row(Text(label, style=style), f"{b:,}", Text(bar(b, largest), style="blue"),
                      f"{c:,}", Text(bar(c, largest), style="magenta"))
    nulls = ["-" if side is None else f"{side.nulls:,}" for side in (result.base, result.current)]
    table.add_row(Text("(null)", style="dim"), nulls[0], "", nulls[1], "")
    return [table]
