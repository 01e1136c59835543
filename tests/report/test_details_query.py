"""Markdown details of query and query diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.query import ColumnInfo, DataTable, QueryResultModel
from spyglass.checks.query_diff import MultisetDiff, QueryDiffResult, RowCount
from spyglass.checks.value_diff_detail import DiffRow, DiffRows
from spyglass.project.models import Env
from spyglass.report.details import render_details
from spyglass.report.details.query import cell


def _table(rows: int, total: int) -> DataTable:
    return DataTable(columns=(ColumnInfo(name="id", type="integer"), ColumnInfo(name="note", type="text")),
                     rows=tuple((i, f"n<{i}>") for i in range(rows)), limit=2000, more=total > rows,
                     total_row_count=total)


def test_query_markdown_shows_first_rows() -> None:
    markdown = render_details(QueryResultModel(env=Env.BASE, table=_table(12, 40)))
    lines = markdown.splitlines()
    assert lines[0] == "40 rows from the base environment."
    assert lines[2:5] == ["| id | note |", "| --- | --- |", "| 0 | n&lt;0&gt; |"]
    assert len([line for line in lines if line.startswith("| ")]) == 12  # header + rule + 10 rows
    assert lines[-1] == "…and 30 more rows."
    assert render_details(QueryResultModel(table=_table(0, 0))) == "0 rows from the current environment."


def test_query_diff_markdown_multiset_and_keyed() -> None:
    multiset = MultisetDiff(columns=("id", "name"), only_in_base=2, only_in_current=1, differing=2, more=False,
                            rows=(RowCount(values=(2, "b"), base_count=2, current_count=1),
                                  RowCount(values=(5, None), base_count=0, current_count=0 + 1)))
    result = QueryDiffResult(multiset=multiset, base=_table(3, 3), current=_table(2, 2),
                             current_only_columns=("extra",))
    assert render_details(result) == (
        "Columns only in base: none; only in current: `extra`.\n\n"
        "Base returned 3 rows, current 2.\n\n"
        "2 rows only in base, 1 only in current.\n\n"
        "| id | name | base count | current count |\n| --- | --- | ---: | ---: |\n"
        "| 2 | b | 2 | 1 |\n| 5 | *NULL* | 0 | 1 |"
    )
    keyed = DiffRows(primary_key=("id",), columns=("v",), limit=2000, more=False, added=0, removed=1, changed=0,
                     rows=(DiffRow(key=(9,), status="removed", base=("x",)),))
    assert render_details(QueryDiffResult(keyed=keyed)) == (
        "1 differing row: 0 added, 1 removed, 0 changed.\n\n"
        "| id | change | values (base → current) |\n| --- | --- | --- |\n| 9 | removed |  |"
    )


def test_cell_formatting() -> None:
    assert cell(None) == "*NULL*"
    assert cell("") == '""'
    assert cell(True) == "true"
    assert cell(0.1 + 0.2) == "0.3"
    assert cell("x" * 100) == "x" * 59 + "…"
    assert cell("a|b") == "a\\|b"


def test_results_cut_for_the_state_file_say_so() -> None:
    cut = QueryResultModel(table=_table(12, 40_000).model_copy(update={"truncated": True}))
    assert render_details(cut).endswith(
        "…and 39,990 more rows.\n\n"
        "*Only the first 12 of 40,000 rows are stored: the result was cut to fit the state file.*")
    assert "cut to fit" not in render_details(QueryResultModel(table=_table(12, 40_000)))
    shortened = QueryResultModel(table=_table(3, 3).model_copy(update={"truncated": True}))
    assert render_details(shortened).endswith("*Long values are shortened: the result was cut to fit the state file.*")

    rows = tuple(DiffRow(key=(i,), status="added", current=(i,)) for i in range(5))
    keyed = DiffRows(primary_key=("id",), columns=("v",), rows=rows, limit=1000, more=True, added=900,
                     removed=0, changed=0, truncated=True)
    assert render_details(QueryDiffResult(keyed=keyed)).endswith(
        "*Only the first 5 of 900 differing rows are stored: the result was cut to fit the state file.*")
    multiset = MultisetDiff(columns=("id",), rows=(), only_in_base=7, only_in_current=0, differing=7, more=True,
                            truncated=True)
    assert render_details(QueryDiffResult(multiset=multiset)).endswith(
        "*Only the first 0 of 7 differing rows are stored: the result was cut to fit the state file.*")
