"""What ``spyglass query`` prints: the first rows as a table, titled with the row count."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table

from spyglass.checks.query.result import DataTable, QueryResultModel
from spyglass.markup.terminal import value_text


def data_table_view(data: DataTable, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in data.columns:
        table.add_column(column.name, justify="right" if column.type.numeric else "left")
    for row in data.rows:
        table.add_row(*[value_text(v) for v in row])
    return table


def view(result: QueryResultModel) -> list[RenderableType]:
    shown = f", first {len(result.table.rows):,} shown" if result.table.more else ""
    return [data_table_view(result.table, f"{result.table.total_row_count:,} rows ({result.env.value}{shown})")]
