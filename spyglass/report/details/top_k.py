"""Markdown details of a top-k diff: each value's count and share on both sides."""

from __future__ import annotations

from spyglass.checks.top_k import TopKDiffResult
from spyglass.markup.escape import md_code
from spyglass.report.text import escape_cell


def _share(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def _delta(base: int, current: int) -> str:
    if base == current:
        return "="
    return f"{current - base:+,}"


def render(result: TopKDiffResult) -> str:
    column = f"{md_code(result.column_name)}"
    lines = [f"Top {result.k} values of {column} (shares are of non-null rows):", ""]
    if not result.values:
        lines.append("No non-null value on either side.")
    else:
        lines += ["| value | base | base % | current | current % | change |", "|---|--:|--:|--:|--:|--:|"]
        for v in result.values:
            lines.append(f"| {escape_cell(v.value)} | {v.base_count:,} | {_share(v.base_share)} | "
                         f"{v.current_count:,} | {_share(v.current_share)} | {_delta(v.base_count, v.current_count)} |")
    lines.append("")
    rows = [f"{side.row_count:,}" if side else "-" for side in (result.base, result.current)]
    nulls = [f"{side.nulls:,}" if side else "-" for side in (result.base, result.current)]
    lines.append(f"Rows: {rows[0]} → {rows[1]}; nulls: {nulls[0]} → {nulls[1]}.")
    return "\n".join(lines)
