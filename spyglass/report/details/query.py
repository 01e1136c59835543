"""Markdown details of a query result: the row count and the first rows.

Also home of the small table helpers the other query/value-diff renderers share.
"""

from __future__ import annotations

from collections.abc import Sequence

from spyglass.checks.query import DataTable, QueryResultModel
from spyglass.checks.sql import JsonScalar
from spyglass.markup.escape import md_code
from spyglass.report.text import escape_cell

#: rows shown in a ``<details>`` block (the state file holds more)
SHOWN_ROWS = 10
_MAX_CELL = 60


def cell_text(value: JsonScalar) -> str:
    """One value as plain display text (not escaped): NULL spelled out, long text shortened."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = f"{value:.10g}" if isinstance(value, float) else str(value)
    return text[: _MAX_CELL - 1] + "…" if len(text) > _MAX_CELL else text


def cell(value: JsonScalar) -> str:
    """One value as table-cell Markdown: NULL in italics (a text "NULL" stays plain), escaped."""
    if value is None:
        return "*NULL*"
    return escape_cell(cell_text(value)) if value != "" else '""'


def cell_code(value: JsonScalar) -> str:
    """One value (a key) as inline code."""
    return md_code(cell_text(value))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A Markdown table from already-formatted cells; columns in ``right`` are right-aligned."""
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(escape_cell(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def more_line(shown: int, total: int, what: str = "rows") -> str:
    return f"\n\n…and {total - shown:,} more {what}." if total > shown else ""


def cut_note(truncated: bool, stored: int, total: int, what: str = "rows") -> str:
    """Says so when the state file keeps a cut copy of a result's rows (empty when it keeps them all)."""
    if not truncated:
        return ""
    if stored < total:
        return (f"\n\n*Only the first {stored:,} of {total:,} {what} are stored: the result was cut to fit "
                "the state file.*")
    return "\n\n*Long values are shortened: the result was cut to fit the state file.*"


def data_table(data: DataTable, shown: int = SHOWN_ROWS) -> str:
    """The first rows of a result set as a Markdown table (an empty string for no column)."""
    if not data.columns:
        return ""
    rows = [[cell(v) for v in row] for row in data.rows[:shown]]
    return (table(data.column_names, rows) + more_line(len(rows), data.total_row_count)
            + cut_note(data.truncated, len(data.rows), data.total_row_count))


def render(result: QueryResultModel) -> str:
    total = result.table.total_row_count
    head = f"{total:,} row{'s' if total != 1 else ''} from the {result.env.value} environment."
    body = data_table(result.table)
    return head + ("\n\n" + body if body and total else "")
