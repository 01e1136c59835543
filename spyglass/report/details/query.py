"""Markdown details of a query result: the row count and the first rows.

Also home of the small table helpers the other query/value-diff renderers share.
"""

from __future__ import annotations

from collections.abc import Sequence

from spyglass.checks.query import DataTable, QueryResultModel
from spyglass.checks.sql import JsonScalar
from spyglass.report.text import escape_cell

#: rows shown in a ``<details>`` block (the state file holds more)
SHOWN_ROWS = 10
_MAX_CELL = 60


def cell(value: JsonScalar) -> str:
    """One value as table-cell text: NULL spelled out, long text shortened, escaped."""
    if value is None:
        return "*NULL*"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = f"{value:.10g}" if isinstance(value, float) else str(value)
    if len(text) > _MAX_CELL:
        text = text[: _MAX_CELL - 1] + "…"
    return escape_cell(text) if value != "" else '""'


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A Markdown table from already-formatted cells; columns in ``right`` are right-aligned."""
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(escape_cell(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def more_line(shown: int, total: int, what: str = "rows") -> str:
    return f"\n\n…and {total - shown:,} more {what}." if total > shown else ""


def data_table(data: DataTable, shown: int = SHOWN_ROWS) -> str:
    """The first rows of a result set as a Markdown table (an empty string for no column)."""
    if not data.columns:
        return ""
    rows = [[cell(v) for v in row] for row in data.rows[:shown]]
    return table(data.column_names, rows) + more_line(len(rows), data.total_row_count)


def render(result: QueryResultModel) -> str:
    total = result.table.total_row_count
    head = f"{total:,} row{'s' if total != 1 else ''} from the {result.env.value} environment."
    body = data_table(result.table)
    return head + ("\n\n" + body if body and total else "")
