"""The Markdown details of a histogram diff: the bins whose counts changed, with a text bar of each side."""

from __future__ import annotations

from spyglass.checks.histogram.result import HistogramDiffResult
from spyglass.markup.escape import md_code, md_text

BAR_WIDTH = 12
#: at most this many bins are listed (the ones that changed first, then the rest)
MAX_ROWS = 60


def bar(count: int, largest: int) -> str:
    if largest <= 0 or count <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * count / largest))


def render(result: HistogramDiffResult) -> str:
    column = f"{md_code(result.column_name)}"
    if not result.labels:
        return f"{column} has no non-null value on either side."
    unit = f" by {md_text(result.unit)}" if result.unit else ""
    base = result.base.counts if result.base else (0,) * len(result.labels)
    current = result.current.counts if result.current else (0,) * len(result.labels)
    largest = max((*base, *current))
    changed = [i for i, (b, c) in enumerate(zip(base, current, strict=True)) if b != c]
    shown = changed if changed else list(range(len(result.labels)))
    heading = (f"{len(changed)} of {len(result.labels)} bins{unit} of {column} changed"
               if changed else f"All {len(result.labels)} bins{unit} of {column} are identical")
    lines = [f"{heading} (range {md_text(result.min or '')} to {md_text(result.max or '')}):", "",
             "| bin | base | | current | |", "|---|--:|---|--:|---|"]
    for i in shown[:MAX_ROWS]:
        lines.append(f"| {md_text(result.labels[i])} | {base[i]:,} | {bar(base[i], largest)} | "
                     f"{current[i]:,} | {bar(current[i], largest)} |")
    if len(shown) > MAX_ROWS:
        lines.append(f"| … {len(shown) - MAX_ROWS} more bins | | | | |")
    nulls = [f"{side.nulls:,}" if side else "-" for side in (result.base, result.current)]
    lines += ["", f"Nulls: {nulls[0]} → {nulls[1]}."]
    return "\n".join(lines)
