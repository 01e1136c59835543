from __future__ import annotations

from spyglass.checks.scope import NodeSelection
from spyglass.cli.run import gate_exit_code
from spyglass.pipeline import decide_approval, run_all
from spyglass.project.models import Env
from spyglass.state.bounds import StateLimits
from spyglass.state.models import CheckRecord, ErrorInfo, RunRecord, RunStatus
from spyglass.state.store import new_state
from tests.fixtures.warehouses import Crafted
from tests.records import T0, check_record, run_record, spec_of


def _check(approved: bool = False) -> CheckRecord:
    return check_record(name="n", spec=spec_of("row_count_diff"), approved=approved, last_run_id="r")


def _failed() -> RunRecord:
    return run_record(spec=spec_of("row_count_diff"), status=RunStatus.FAILED,
                      error=ErrorInfo(kind="SpyglassError", message="x"))


def test_failed_runs_are_not_approved_even_if_they_were() -> None:
    assert decide_approval(_check(), _failed(), None) is False
    assert decide_approval(_check(approved=True), _failed(), _failed()) is False


def test_gate_on_errors() -> None:
    state = new_state(T0).model_copy(update={"checks": [_check()], "runs": [_failed()]})
    assert gate_exit_code(state, []) == 0
    assert gate_exit_code(state, ["error"]) == 1
    assert gate_exit_code(state, ["mismatch"]) == 0


def _success(result: object) -> RunRecord:
    return RunRecord.model_validate({"run_id": "r", "spec": {"type": "schema_diff"}, "status": "success",
                                     "started_at": T0, "result": result})


def test_no_difference_is_auto_approved_only_when_conclusive() -> None:
    from spyglass.checks.schema_diff import SchemaDiffResult

    complete = _success(SchemaDiffResult(selection="state:modified", coverage="complete"))
    unknown = _success(SchemaDiffResult(selection="state:modified", coverage="unknown"))
    assert decide_approval(_check(), complete, None) is True
    assert decide_approval(_check(), unknown, None) is False
    # ... and a reviewer who approved an inconclusive result keeps the approval while it stays the same
    assert decide_approval(_check(approved=True), unknown, unknown) is True
    assert decide_approval(_check(approved=True), unknown, complete) is False


def test_reviewer_approval_survives_only_an_identical_result() -> None:
    from spyglass.checks.row_count import RowCountDiffResult, RowCountRow, SideCount, SideStatus

    def counts(current: int) -> RunRecord:
        row = RowCountRow(unique_id="model.p.m", name="m", resource_type="model",
                          base=SideCount(status=SideStatus.OK, count=10),
                          current=SideCount(status=SideStatus.OK, count=current))
        return _success(RowCountDiffResult(rows=(row,)))

    approved = _check(approved=True)
    assert counts(8).mismatch is True
    assert decide_approval(approved, counts(8), counts(8)) is True
    assert decide_approval(approved, counts(7), counts(8)) is False
    assert decide_approval(_check(), counts(8), counts(8)) is False
    assert decide_approval(_check(), counts(10), None) is True


def test_spyglass_run_keeps_an_approval_of_a_cut_result_only_while_it_is_the_same(crafted: Crafted) -> None:
    """The state file keeps a cut copy of a large result: a re-run compares what was computed."""
    rows = "select i as id, 'v' || cast(i as varchar) as note from generate_series(1, 300) as t(i)"
    changed = ("select i as id, case when i <= 250 then 'v' else 'w' end || cast(i as varchar) as note "
               "from generate_series(1, 300) as t(i)")
    crafted.create_model("orders", rows, changed, unique_key="id")
    limits = StateLimits(result_bytes=4_096, results_bytes=8_192, state_bytes=1024 * 1024)
    check = check_record(name="orders rows", spec=spec_of("value_diff_detail", model="orders", primary_key="id"))
    session = crafted.session()
    first = run_all(session, [check], limits=limits, environ={})
    diff = first.runs[0].result.diff  # type: ignore[union-attr]
    assert diff.truncated and diff.changed == 50 and len(diff.rows) < 50 and first.runs[0].result_digest
    reviewed = first.model_copy(update={"checks": [first.checks[0].model_copy(update={"approved": True})]})

    again = run_all(session, reviewed.checks, previous=reviewed, limits=limits, environ={})
    assert again.checks[0].approved is True

    crafted.execute(f"update {crafted.relation('orders', Env.CURRENT)} set note = 'late' where id = 300")
    moved = run_all(session, again.checks, previous=again, limits=limits, environ={})
    assert moved.runs[0].result == again.runs[0].result  # the rows kept are the same ...
    assert moved.checks[0].approved is False  # ... but the result is not


def test_spyglass_run_marks_the_nodes_outside_its_selection(crafted: Crafted) -> None:
    """The state's lineage records the run's --select/--exclude and which changed nodes it left out."""
    crafted.create_model("orders", "select 1 as id", "select 2 as id")
    crafted.create_model("customers", "select 1 as id", "select 2 as id")
    selection = NodeSelection.parse(["orders"])
    state = run_all(crafted.session(), [check_record()], environ={}, selection=selection)
    assert state.lineage is not None and state.lineage.selection == "--select orders"
    assert {n.name: n.selected for n in state.lineage.nodes} == {"orders": True, "customers": False}
    everything = run_all(crafted.session(), [check_record()], environ={})
    assert everything.lineage is not None and everything.lineage.selection is None
    assert all(n.selected for n in everything.lineage.nodes)
