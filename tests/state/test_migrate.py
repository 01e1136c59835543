"""Version 1 state files (``type`` and ``params`` side by side) load as version 2 (one typed ``spec``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spyglass.checks.row_count import RowCountDiffSpec
from spyglass.checks.simple import SimpleSpec
from spyglass.checks.value_diff_detail import ValueDiffDetailSpec
from spyglass.exceptions import StateError
from spyglass.state.store import dump_state, load_state, new_state, save_state

STARTED = "2026-01-02T03:04:05Z"
ENDED = "2026-01-02T03:04:09Z"
DIGEST = "9f" * 32
#: a value_diff_detail result as version 1 stored it once cut to fit (rows dropped, ``truncated`` set)
CUT_DETAIL = {
    "kind": "value_diff_detail", "model": "orders", "notes": [],
    "diff": {"primary_key": ["id"], "columns": ["note"], "limit": 1000, "more": False, "added": 0, "removed": 0,
             "changed": 50, "base_only_columns": [], "current_only_columns": [], "truncated": True,
             "rows": [{"key": [251], "status": "changed", "changed_columns": ["note"], "base": ["v251"],
                       "current": ["w251"]}]},
}
ROW_COUNTS = {
    "kind": "row_count_diff", "selection": "orders", "notes": [],
    "rows": [{"unique_id": "model.shop.orders", "name": "orders", "resource_type": "model",
              "base": {"status": "ok", "count": 10, "error": None},
              "current": {"status": "ok", "count": 10, "error": None}}],
}


def _check(check_id: str, name: str, type_name: str, params: dict[str, Any], *, approved: bool) -> dict[str, Any]:
    return {"check_id": check_id, "name": name, "description": f"About {name}.", "type": type_name,
            "params": params, "approved": approved, "is_preset": True, "last_run_id": f"run-{check_id}",
            "created_at": STARTED, "updated_at": ENDED}


def _run(check_id: str | None, run_id: str, type_name: str, params: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"run_id": run_id, "type": type_name, "params": params, "check_id": check_id, "status": "success",
            "result": None, "result_digest": None, "error": None, "started_at": STARTED, "ended_at": ENDED, **more}


def version_1() -> dict[str, Any]:
    """A state file as Spyglass wrote it before specs: Recce's alias, a cut result with its digest, a
    reviewer's approval, a recce.yml manual check that failed as an unknown type, an ad-hoc query."""
    detail_params = {"model": "orders", "primary_key": "id", "limit": 1000}
    unknown = {"kind": "UsageError", "message": "Spyglass has no check type 'simple'.", "remedy": "Use one of: ..."}
    return {
        "schema_version": 1, "spyglass_version": "0.9.0", "created_at": STARTED, "updated_at": ENDED,
        "environment": None, "lineage": None,
        "checks": [_check("a", "Order rows", "row_count", {"select": "orders"}, approved=True),
                   _check("b", "Order notes", "value_diff_detail", detail_params, approved=True),
                   _check("c", "Dashboards load", "simple", {}, approved=False)],
        "runs": [_run("a", "run-a", "row_count", {"select": "orders"}, result=ROW_COUNTS),
                 _run("b", "run-b", "value_diff_detail", detail_params, result=CUT_DETAIL, result_digest=DIGEST),
                 _run("c", "run-c", "simple", {}, status="failed", error=unknown),
                 _run(None, "run-adhoc", "query", {"sql_template": "select 1", "base": True})],
    }


def test_a_version_1_file_loads_and_round_trips_as_version_2(tmp_path: Path) -> None:
    old = version_1()
    path = tmp_path / "spyglass_state.json"
    path.write_text(json.dumps(old, indent=2))

    state = load_state(path)

    assert [type(c.spec) for c in state.checks] == [RowCountDiffSpec, ValueDiffDetailSpec, SimpleSpec]
    for check, was in zip(state.checks, old["checks"], strict=True):
        assert (check.name, check.approved, check.last_run_id) == (was["name"], was["approved"], was["last_run_id"])
        assert check.spec.params == type(check.spec.params).model_validate(was["params"])
    assert state.checks[0].spec.type == "row_count_diff"  # Recce's alias, normalised
    assert state.checks[1].spec.params.model_dump() == {"model": "orders", "primary_key": "id"}  # limit: default
    for run, was in zip(state.runs, old["runs"], strict=True):
        assert (run.run_id, run.check_id, run.status.value) == (was["run_id"], was["check_id"], was["status"])
        assert (run.result.model_dump(mode="json") if run.result else None) == was["result"]
        assert run.result_digest == was["result_digest"]
        assert (run.error.model_dump() if run.error else None) == was["error"]
    assert state.runs[1].result.diff.truncated  # type: ignore[union-attr]
    assert state.runs[3].spec.model_dump() == {"type": "query", "params": {"sql_template": "select 1", "base": True}}

    save_state(path, state)
    written = json.loads(path.read_text())
    assert written["schema_version"] == 2
    assert written["checks"][0]["spec"] == {"type": "row_count_diff", "params": {"select": "orders"}}
    assert not any("type" in record or "params" in record for record in written["checks"] + written["runs"])
    again = load_state(path)
    assert again == state and dump_state(again) == path.read_text()


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (lambda s: s["checks"][1].update(type="value_diffs"), ["check 'Order notes'", "no check type 'value_diffs'"]),
        (lambda s: s["checks"][1]["params"].update(limit="many"), ["check 'Order notes'", "limit: Input should be"]),
        (lambda s: s["runs"][3]["params"].pop("sql_template"), ["run 'run-adhoc'", "sql_template: Field required"]),
        (lambda s: s["runs"][0].update(params={"select": 3}), ["a run of check 'Order rows'", "select"]),
    ],
)
def test_a_version_1_check_that_cannot_be_parsed_is_named_and_the_file_kept(
        tmp_path: Path, change: Any, fragments: list[str]) -> None:
    old = version_1()
    change(old)
    path = tmp_path / "spyglass_state.json"
    text = json.dumps(old)
    path.write_text(text)
    with pytest.raises(StateError) as err:
        load_state(path)
    for fragment in fragments:
        assert fragment in err.value.message
    assert "schema version 1" in err.value.message and "left untouched" in err.value.remedy
    with pytest.raises(StateError):
        save_state(path, new_state())
    assert path.read_text() == text
