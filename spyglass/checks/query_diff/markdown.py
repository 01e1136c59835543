"""The Markdown details of a query diff: the counts and the first differing rows."""

from __future__ import annotations

from spyglass.checks.query_diff.result import MultisetDiff, QueryDiffResult, multiset_counts
from spyglass.checks.value_diff_detail.markdown import diff_rows
from spyglass.markup.escape import md_code
from spyglass.markup.tables import SHOWN_ROWS, cell, cut_note, more_line, table


def _multiset(diff: MultisetDiff) -> str:
    head = multiset_counts(diff) + "."
    if not diff.rows:
        return head + cut_note(diff.truncated, 0, diff.differing, "differing rows")
    rows = [[*(cell(v) for v in row.values), f"{row.base_count:,}", f"{row.current_count:,}"]
            for row in diff.rows[:SHOWN_ROWS]]
    n = len(diff.columns)
    body = table([*diff.columns, "base count", "current count"], rows, right=(n, n + 1))
    return (head + "\n\n" + body + more_line(len(rows), diff.differing, "differing rows")
            + cut_note(diff.truncated, len(diff.rows), diff.differing, "differing rows"))


def render(result: QueryDiffResult) -> str:
    parts = []
    if result.base_only_columns or result.current_only_columns:
        parts.append("Columns only in base: " + (", ".join(f"{md_code(c)}" for c in result.base_only_columns)
                                                or "none") + "; only in current: "
                     + (", ".join(f"{md_code(c)}" for c in result.current_only_columns) or "none") + ".")
    if result.keyed is not None:
        parts.append(diff_rows(result.keyed))
    elif result.multiset is not None:
        if result.base is not None and result.current is not None:
            parts.append(f"Base returned {result.base.total_row_count:,} rows, current "
                         f"{result.current.total_row_count:,}.")
        parts.append(_multiset(result.multiset))
    return "\n\n".join(parts)
