"""`spyglass demo --no-serve` end to end, as `make demo ARGS=--no-serve` runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spyglass.demo.build import MARKER_FILE
from spyglass.demo.changeset import ADDED_MODELS, FILTERED_MODEL, MODIFIED_MODELS, REMOVED_MODELS
from spyglass.state.store import load_state

pytestmark = pytest.mark.slow


def test_demo_no_serve_builds_runs_checks_and_prints_the_summary(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    directory.mkdir()
    (directory / MARKER_FILE).write_text("a previous demo build\n")
    (directory / "leftover.txt").write_text("from the previous build")

    proc = subprocess.run(
        [sys.executable, "-m", "spyglass", "demo", "--dir", str(directory), "--no-serve", "--rows", "2000"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )

    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = proc.stdout
    state_path, summary_path = directory / "spyglass_state.json", directory / "summary.md"
    assert f"State file:   {state_path}" in out
    assert f"Summary:      {summary_path}" in out
    summary = summary_path.read_text()
    assert summary.strip() and summary.strip() in out
    for name in ADDED_MODELS | REMOVED_MODELS | MODIFIED_MODELS | {FILTERED_MODEL}:
        assert name in summary, name
    assert not (directory / "leftover.txt").exists()

    state = load_state(state_path)
    statuses = {node.name: node.status for node in state.lineage.nodes}
    assert {n for n, s in statuses.items() if s == "added"} == ADDED_MODELS
    assert {n for n, s in statuses.items() if s == "removed"} == REMOVED_MODELS
    assert {n for n, s in statuses.items() if s == "modified"} == MODIFIED_MODELS
    assert len(state.checks) == 9
    assert "Building base" in out and "Building current" in out
    assert "Spyglass is serving" not in out
