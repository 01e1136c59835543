"""Every tool answer is bounded (rows and bytes) and says when it was cut."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pydantic import JsonValue

from spyglass.checks.query import QueryParams, QuerySpec
from spyglass.checks.query.result import ColumnInfo, DataTable, QueryResultModel
from spyglass.mcp.answer import run_answer
from spyglass.mcp.limits import OutputLimits, bounded_list, bounded_text, json_size
from spyglass.state.models import RunRecord, RunStatus

SMALL = OutputLimits(max_bytes=2048, max_items=10, cell_chars=200, text_chars=300)


def test_lists_keep_their_first_items_and_say_so() -> None:
    rows: list[JsonValue] = [{"n": i} for i in range(25)]
    kept, cut = bounded_list(rows, SMALL)
    assert (kept, cut) == (rows[:10], True)
    assert bounded_list(rows[:3], SMALL) == (rows[:3], False)


def test_lists_shrink_to_the_byte_budget() -> None:
    rows: list[JsonValue] = [{"text": "x" * 400} for _ in range(10)]
    kept, cut = bounded_list(rows, SMALL)
    assert cut and 1 <= len(kept) < 10 and json_size(kept) <= SMALL.max_bytes
    assert kept == rows[:len(kept)]


def test_text_is_cut_with_a_line_saying_how_much() -> None:
    assert bounded_text("short", SMALL) == "short"
    text = bounded_text("y" * 1000, SMALL)
    assert text.startswith("y" * 300) and "cut: 700 more characters" in text


def test_a_query_result_is_cut_to_the_budget_and_its_figures_kept() -> None:
    rows = [(i, "v" * 100) for i in range(200)]
    result = QueryResultModel(table=DataTable(columns=(ColumnInfo(name="id"), ColumnInfo(name="value")),
                                              rows=rows, limit=200, more=False, total_row_count=200))
    now = datetime.now(timezone.utc)
    record = RunRecord(run_id="r1", spec=QuerySpec(params=QueryParams(sql_template="select 1")),
                       status=RunStatus.SUCCESS, result=result, started_at=now, ended_at=now)
    answer = run_answer(record, SMALL)
    assert answer.structured["truncated"] is True and not answer.error
    table = answer.structured["result"]["table"]  # type: ignore[call-overload,index]
    assert table["truncated"] is True and 0 < len(table["rows"]) < 200
    assert table["rows"] == [list(row) for row in rows[:len(table["rows"])]]
    assert json_size(answer.structured) < 2 * SMALL.max_bytes
    assert len(answer.text) < SMALL.text_chars + 100


def test_limits_refuse_nonsense() -> None:
    with pytest.raises(ValueError):
        OutputLimits(max_bytes=10)
