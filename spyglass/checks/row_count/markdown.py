"""The Markdown details of a row count diff: a table of nodes (changed first) with base, current, change."""

from __future__ import annotations

from spyglass.checks.row_count.result import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.markup.escape import md_code, md_text

#: at most this many nodes get a row, so one check cannot flood a merge request note
MAX_ROWS = 50

_STATUS_TEXT = {
    SideStatus.TABLE_MISSING: "table missing",
    SideStatus.NOT_MATERIALIZED: "not materialized",
    SideStatus.NOT_IN_MANIFEST: "—",
    SideStatus.PERMISSION_DENIED: "permission denied",
    SideStatus.ERROR: "error",
}


def side_text(side: SideCount) -> str:
    """A count with thousands separators, or what kept the side from being counted."""
    if side.status is SideStatus.OK and side.count is not None:
        return f"{side.count:,}"
    return _STATUS_TEXT.get(side.status, side.status.value)


def change_text(row: RowCountRow) -> str:
    """``+12 (+1.2%)``, ``=``, ``added``, ``removed`` or ``cannot compare``."""
    delta = row.delta
    if delta is not None:
        if delta == 0:
            return "="
        pct = row.delta_pct
        return f"{delta:+,}" + (f" ({pct:+.1f}%)" if pct is not None else "")
    if row.base.status is SideStatus.NOT_IN_MANIFEST and row.current.status is not SideStatus.NOT_IN_MANIFEST:
        return "added"
    if row.current.status is SideStatus.NOT_IN_MANIFEST and row.base.status is not SideStatus.NOT_IN_MANIFEST:
        return "removed"
    if row.changed:
        return "cannot compare"
    return "="


def render(result: RowCountDiffResult) -> str:
    lines = [f"Row count diff of {md_code(result.selection)}: {md_text(result.headline)}.", ""]
    if not result.rows:
        return "\n".join(lines).rstrip() + "\n"
    ordered = sorted(result.rows, key=lambda r: (not r.changed, r.name, r.unique_id))
    lines += ["| Node | Base | Current | Change |", "|---|--:|--:|---|"]
    for row in ordered[:MAX_ROWS]:
        mark = "🔴 " if row.changed else ""
        lines.append(f"| {mark}{md_code(row.name)} | {side_text(row.base)} | {side_text(row.current)} "
                     f"| {change_text(row)} |")
    if len(ordered) > MAX_ROWS:
        hidden = ordered[MAX_ROWS:]
        changed = sum(1 for r in hidden if r.changed)
        lines.append(f"| … {len(hidden)} more nodes ({changed} changed) | | | |")
    errors = [(r.name, side.error) for r in ordered[:MAX_ROWS] for side in (r.base, r.current)
              if side.status in (SideStatus.ERROR, SideStatus.PERMISSION_DENIED) and side.error]
    if errors:
        lines.append("")
        lines += [f"- {md_code(name)}: {md_text(error)}" for name, error in errors[:10]]
    return "\n".join(lines) + "\n"
