from __future__ import annotations

from datetime import datetime, timezone

from spyglass.cli.run import gate_exit_code
from spyglass.pipeline import decide_approval
from spyglass.state.models import CheckRecord, ErrorInfo, RunRecord, RunStatus
from spyglass.state.store import new_state

T0 = datetime(2026, 1, 2, tzinfo=timezone.utc)


def _check(approved: bool = False) -> CheckRecord:
    return CheckRecord(check_id="c", name="n", type="row_count_diff", approved=approved, last_run_id="r",
                       created_at=T0, updated_at=T0)


def _failed() -> RunRecord:
    return RunRecord(run_id="r", type="row_count_diff", status=RunStatus.FAILED, started_at=T0,
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
    return RunRecord.model_validate({"run_id": "r", "type": "schema_diff", "status": "success",
                                     "started_at": T0, "result": result})


def test_no_difference_is_auto_approved_only_when_conclusive() -> None:
    from spyglass.checks.schema_diff import SchemaDiffResult

    complete = _success(SchemaDiffResult(selection="state:modified", coverage="complete"))
    unknown = _success(SchemaDiffResult(selection="state:modified", coverage="unknown"))
    assert decide_approval(_check(), complete, None) is True
    assert decide_approval(_check(), unknown, None) is False


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
