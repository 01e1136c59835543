"""Markdown details of query diff results (pure, deterministic)."""

from __future__ import annotations

from spyglass.checks.query_diff import MultisetDiff, QueryDiffResult, RowCount
from spyglass.checks.value_diff_detail import DiffRow, DiffRows
from spyglass.report.markdown import render_details
from tests.checks.query.test_markdown import data_table


def test_query_diff_markdown_multiset_and_keyed() -> None:
    multiset = MultisetDiff(columns=("id", "name"), only_in_base=2, only_in_current=1, differing=2, more=False,
                            rows=(RowCount(values=(2, "b"), base_count=2, current_count=1),
                                  RowCount(values=(5, None), base_count=0, current_count=0 + 1)))
    result = QueryDiffResult(multiset=multiset, base=data_table(3, 3), current=data_table(2, 2),
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


def test_query_diff_results_cut_for_the_state_file_say_so() -> None:
    rows = tuple(DiffRow(key=(i,), status="added", current=(i,)) for i in range(5))
    keyed = DiffRows(primary_key=("id",), columns=("v",), rows=rows, limit=1000, more=True, added=900,
                     removed=0, changed=0, truncated=True)
    assert render_details(QueryDiffResult(keyed=keyed)).endswith(
        "*Only the first 5 of 900 differing rows are stored: the result was cut to fit the state file.*")
    multiset = MultisetDiff(columns=("id",), rows=(), only_in_base=7, only_in_current=0, differing=7, more=True,
                            truncated=True)
    assert render_details(QueryDiffResult(multiset=multiset)).endswith(
        "*Only the first 0 of 7 differing rows are stored: the result was cut to fit the state file.*")
