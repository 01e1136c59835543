"""`spyglass demo --no-serve` end to end, as `make demo ARGS=--no-serve` runs it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from spyglass.checks.presets import load_presets
from spyglass.demo.build import MARKER_FILE, PROJECT_SOURCE
from spyglass.demo.changeset import (
    ADDED_MODELS,
    FILTERED_MODEL,
    MODIFIED_MODELS,
    REMOVED_MODELS,
    UNVERIFIED_MODELS,
)
from spyglass.state.store import load_state
from tests.fixtures.ports import free_port

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
    # the printed summary explains the changes, then lists what the checks left unverified
    meaning, not_verified = summary.index("## What the change means"), summary.index("## Not verified")
    assert meaning < not_verified < summary.index("## Checks")
    assert f"- `{FILTERED_MODEL}` — **breaking**: new filter" in summary[meaning:not_verified]
    assert [f"- `{name}` (" in summary[not_verified:] for name in UNVERIFIED_MODELS] == [True] * 2
    assert not (directory / "leftover.txt").exists()

    state = load_state(state_path)
    statuses = {node.name: node.status for node in state.lineage.nodes}
    assert {n for n, s in statuses.items() if s == "added"} == ADDED_MODELS
    assert {n for n, s in statuses.items() if s == "removed"} == REMOVED_MODELS
    assert {n for n, s in statuses.items() if s == "modified"} == MODIFIED_MODELS
    assert [c.name for c in state.checks] == [c.name for c in load_presets(PROJECT_SOURCE).checks]
    by_name = {c.name: c for c in state.checks}
    # no difference -> approved automatically; a real difference is left for a reviewer
    assert by_name["Downstream marts keep their schema"].approved
    assert not by_name["Order values"].approved
    assert "Building base" in out and "Building current" in out
    assert "Spyglass is serving" not in out




def test_demo_without_no_serve_serves_the_ui(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "spyglass", "demo", "--dir", str(tmp_path / "demo"), "--rows", "100",
             "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,
        )
    try:
        # the line is printed once the server answers on the port: no retry needed after it
        announced = f"serving on http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while announced not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/", timeout=30).status_code == 200
        checks = httpx.get(f"{base}/api/checks", timeout=30).json()
        assert [c["name"] for c in checks] == [c.name for c in load_presets(PROJECT_SOURCE).checks]
        # a run from the UI queries the demo's DuckDB file through the server's sandboxed connection
        started = httpx.post(f"{base}/api/runs", json={"spec": {"type": "row_count_diff",
                                                                "params": {"select": FILTERED_MODEL}}}, timeout=30)
        assert started.status_code == 202, started.text
        run = httpx.get(f"{base}/api/runs/{started.json()['run_id']}/wait", timeout=120).json()
        assert run["status"] == "success", run
    finally:
        proc.terminate()
        proc.wait(timeout=30)
