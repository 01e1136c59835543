"""Markdown details of query results (pure, deterministic)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from spyglass.checks.query import ColumnInfo, DataTable, QueryResultModel
from spyglass.project.models import Env
from spyglass.report.markdown import render_details
from spyglass.warehouse.families import TypeFamily


def data_table(rows: int, total: int) -> DataTable:
    return DataTable(columns=(ColumnInfo(name="id", type="integer"), ColumnInfo(name="note", type="text")),
                     rows=tuple((i, f"n<{i}>") for i in range(rows)), limit=2000, more=total > rows,
                     total_row_count=total)


def test_query_markdown_shows_first_rows() -> None:
    markdown = render_details(QueryResultModel(env=Env.BASE, table=data_table(12, 40)))
    lines = markdown.splitlines()
    assert lines[0] == "40 rows from the base environment."
    assert lines[2:5] == ["| id | note |", "| --- | --- |", "| 0 | n&lt;0&gt; |"]
    assert len([line for line in lines if line.startswith("| ")]) == 12  # header + rule + 10 rows
    assert lines[-1] == "…and 30 more rows."
    assert render_details(QueryResultModel(table=data_table(0, 0))) == "0 rows from the current environment."


def test_query_results_cut_for_the_state_file_say_so() -> None:
    cut = QueryResultModel(table=data_table(12, 40_000).model_copy(update={"truncated": True}))
    assert render_details(cut).endswith(
        "…and 39,990 more rows.\n\n"
        "*Only the first 12 of 40,000 rows are stored: the result was cut to fit the state file.*")
    assert "cut to fit" not in render_details(QueryResultModel(table=data_table(12, 40_000)))
    shortened = QueryResultModel(table=data_table(3, 3).model_copy(update={"truncated": True}))
    assert render_details(shortened).endswith("*Long values are shortened: the result was cut to fit the state file.*")


def test_column_types_are_the_one_type_vocabulary() -> None:
    """A column's type is a :class:`TypeFamily` (what the warehouse layer reports), never free text."""
    column = ColumnInfo.model_validate({"name": "id", "type": "integer"})
    assert column.type is TypeFamily.INTEGER and column.type.numeric
    assert ColumnInfo.model_validate_json(column.model_dump_json()) == column
    assert column.model_dump(mode="json") == {"name": "id", "type": "integer"}
    with pytest.raises(ValidationError):
        ColumnInfo.model_validate({"name": "id", "type": "<b>int</b>"})
