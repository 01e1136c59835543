"""The state's text made from the records that changed is exactly what ``dump_state`` writes."""

from __future__ import annotations

from spyglass.checks.query import ColumnInfo, DataTable, QueryResultModel
from spyglass.state.models import ErrorInfo, RunRecord, RunStatus, State
from spyglass.state.store import dump_state, new_state
from spyglass.state.text import StateText
from tests.records import T0, check_record, run_record, spec_of


def _query_run(run_id: str, check_id: str | None) -> RunRecord:
    table = DataTable(columns=(ColumnInfo(name="id"), ColumnInfo(name="note")),
                      rows=((1, 'a "quoted"\nline'), (2, "ünïcode ✓"), (3, None)), limit=10, more=False,
                      total_row_count=3)
    return run_record(run_id, spec=spec_of("query", sql_template="select *\nfrom t"), check_id=check_id,
                      result=QueryResultModel(table=table))


def test_each_state_of_a_session_renders_as_dump_state_does() -> None:
    base = new_state(T0)
    first = check_record("c1", name="Ünïcode \"name\"\nwith a newline", description="d")
    run = _query_run("r1", "c1")
    failed = run_record("r2", status=RunStatus.FAILED, error=ErrorInfo(kind="X", message="gone\tbad"))
    states: list[State] = [
        base,
        base.model_copy(update={"checks": [first]}),
        base.model_copy(update={"checks": [first], "runs": [run]}),
        base.model_copy(update={"checks": [first.model_copy(update={"approved": True, "last_run_id": "r1"})],
                                "runs": [run, failed]}),
        base.model_copy(update={"checks": [check_record("c2"), first], "runs": [failed]}),
        base.model_copy(update={"runs": [failed, _query_run("r3", None)]}),
        base,
    ]
    text = StateText()
    for state in states:
        assert text.render(state) == dump_state(state)
