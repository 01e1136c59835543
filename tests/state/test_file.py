"""A state file the server keeps rewriting: checked once, then owned until something else changes it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spyglass.exceptions import StateError
from spyglass.state.file import StateFile
from spyglass.state.store import dump_state, load_state, new_state
from tests.records import T0, check_record


def _text(*names: str) -> str:
    return dump_state(new_state(T0).model_copy(update={"checks": [check_record(n) for n in names]}))


def test_the_first_write_refuses_a_file_that_is_not_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    with pytest.raises(StateError) as err:
        StateFile(path).write(_text("a"))
    assert "not valid JSON" in err.value.message and path.read_text() == "{not json"


def test_a_file_written_by_us_is_rewritten_without_being_read_again(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    file = StateFile(path)
    assert file.write(_text("a")) is False
    written = path.stat()
    # bytes that are no state file, in place, same size and time: nothing a reader of the file would see
    # without parsing it; the owner does not parse it again, so it writes over it
    with path.open("r+b") as handle:
        handle.write(b"#" * written.st_size)
    os.utime(path, ns=(written.st_atime_ns, written.st_mtime_ns))
    assert file.write(_text("a", "b")) is False
    assert [c.check_id for c in load_state(path).checks] == ["a", "b"]


def test_a_file_changed_behind_our_back_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    file = StateFile(path)
    file.write(_text("a"))
    path.write_text("not a state file, written by someone else")
    with pytest.raises(StateError):
        file.write(_text("a", "b"))
    assert path.read_text() == "not a state file, written by someone else"  # never clobbered

    path.write_text(_text("theirs"))  # a state file: replaced, and said so
    assert file.write(_text("a", "b")) is True
    assert [c.check_id for c in load_state(path).checks] == ["a", "b"]
    assert file.write(_text("a")) is False

    path.unlink()  # deleted: written again
    assert file.write(_text("c")) is True
    assert [c.check_id for c in load_state(path).checks] == ["c"]
