"""The Markdown details of a query result: the row count and the first rows."""

from __future__ import annotations

from spyglass.checks.query.result import DataTable, QueryResultModel
from spyglass.markup.tables import SHOWN_ROWS, cell, cut_note, more_line, table


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
