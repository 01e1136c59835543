"""The Markdown details of differing rows (value-diff detail, keyed query diff): counts and the first rows."""

from __future__ import annotations

from spyglass.checks.value_diff_detail.result import DiffRow, DiffRows, ValueDiffDetailResult
from spyglass.markup.escape import md_code, md_text
from spyglass.markup.tables import SHOWN_ROWS, cell, cut_note, more_line, table


def _changes(row: DiffRow, columns: tuple[str, ...]) -> str:
    if row.status != "changed" or row.base is None or row.current is None:
        return ""
    index = {name: i for i, name in enumerate(columns)}
    return "; ".join(f"{md_text(name)}: {cell(row.base[index[name]])} → {cell(row.current[index[name]])}"
                     for name in row.changed_columns)


def diff_rows(diff: DiffRows, shown: int = SHOWN_ROWS * 2) -> str:
    """Counts line plus a table of the first differing rows."""
    head = diff.headline + "."
    note = cut_note(diff.truncated, len(diff.rows), diff.total, "differing rows")
    if not diff.rows:
        return head + note
    key = ", ".join(diff.primary_key)
    rows = [[", ".join(cell(v) for v in row.key), row.status, _changes(row, diff.columns)]
            for row in diff.rows[:shown]]
    return head + "\n\n" + table([key, "change", "values (base → current)"], rows) + more_line(
        len(rows), diff.total) + note


def render(result: ValueDiffDetailResult) -> str:
    return f"{md_code(result.model)}: " + diff_rows(result.diff)
