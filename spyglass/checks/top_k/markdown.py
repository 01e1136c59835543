"""The Markdown details of a top-k diff: each value's count and share on both sides."""

from __future__ import annotations

from spyglass.checks.top_k.result import TopKDiffResult
from spyglass.markup.escape import md_code, md_text


def share_text(share: float | None) -> str:
    """A share of the non-null rows in percent (``-`` when the side has none)."""
    return "-" if share is None else f"{100 * share:.1f}%"


def _delta(base: int, current: int) -> str:
    if base == current:
        return "="
    return f"{current - base:+,}"


def render(result: TopKDiffResult) -> str:
    column = f"{md_code(result.column_name)}"
    lines = [f"{result.listed} values of {column} (shares are of non-null rows):", ""]
    if not result.values:
        lines.append("No non-null value on either side.")
    else:
        lines += ["| value | base | base % | current | current % | change |", "|---|--:|--:|--:|--:|--:|"]
        for v in result.values:
            change = _delta(v.base_count, v.current_count)
            lines.append(f"| {md_text(v.value)} | {v.base_count:,} | {share_text(v.base_share)} | "
                         f"{v.current_count:,} | {share_text(v.current_share)} | {change} |")
    lines.append("")
    rows = [f"{side.row_count:,}" if side else "-" for side in (result.base, result.current)]
    nulls = [f"{side.nulls:,}" if side else "-" for side in (result.base, result.current)]
    lines.append(f"Rows: {rows[0]} → {rows[1]}; nulls: {nulls[0]} → {nulls[1]}.")
    return "\n".join(lines)
