from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from spyglass.exceptions import StateError
from spyglass.state.models import SCHEMA_VERSION, ErrorInfo, RunStatus, State
from spyglass.state.store import dump_state, load_state, new_state, save_state
from tests.records import check_record, run_record, spec_of

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def _state_with_a_check() -> State:
    counts = spec_of("row_count_diff", select="a")
    check = check_record("c1", name="Row counts", spec=counts, last_run_id="r1", at=T0)
    run = run_record("r1", spec=counts, check_id="c1", status=RunStatus.FAILED,
                     error=ErrorInfo(kind="RelationMissing", message="gone"), at=T0, ended_at=T0)
    return new_state(T0).model_copy(update={"checks": [check], "runs": [run]})


def test_round_trip_is_exact_and_versioned(tmp_path: Path) -> None:
    state = _state_with_a_check()
    path = tmp_path / "spyglass_state.json"
    save_state(path, state)
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION
    assert load_state(path) == state
    assert dump_state(load_state(path)) == path.read_text()


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.json"
    save_state(path, _state_with_a_check())
    save_state(path, _state_with_a_check())
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json"]


def test_missing_file_says_to_run_first(tmp_path: Path) -> None:
    with pytest.raises(StateError) as err:
        load_state(tmp_path / "nope.json")
    assert "does not exist" in err.value.message
    assert "spyglass run" in err.value.remedy
    assert err.value.exit_code == 2


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "not a Spyglass state file"),
        ('{"schema_version": 1, "checks": "nope"}', "corrupt"),
    ],
)
def test_corrupt_file_is_a_clear_error_and_never_overwritten(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(StateError) as err:
        load_state(path)
    assert fragment in err.value.message
    with pytest.raises(StateError):
        save_state(path, _state_with_a_check())
    assert path.read_text() == content


def test_newer_version_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    newer = json.dumps({"schema_version": SCHEMA_VERSION + 1, "anything": True})
    path.write_text(newer)
    with pytest.raises(StateError) as err:
        load_state(path)
    assert "newer" in err.value.message
    assert "Upgrade" in err.value.remedy
    with pytest.raises(StateError):
        save_state(path, _state_with_a_check())
    assert path.read_text() == newer
