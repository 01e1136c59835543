"""`spyglass run` / `spyglass summary` end to end, as a user runs them (subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def spyglass(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spyglass", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env=_env())


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["COLUMNS"] = "200"
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


def test_run_without_artifacts_names_the_dbt_command(tmp_path: Path) -> None:
    result = spyglass("run", "--project-dir", tmp_path)
    assert result.returncode == 2
    assert "target-base" in result.stderr
    assert "dbt docs generate" in result.stderr
    assert "Traceback" not in result.stderr


def test_summary_of_missing_and_corrupt_state(tmp_path: Path) -> None:
    missing = spyglass("summary", tmp_path / "nope.json")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    corrupt = tmp_path / "state.json"
    corrupt.write_text("{oops")
    bad = spyglass("summary", corrupt)
    assert bad.returncode == 2
    assert "not valid JSON" in bad.stderr
    assert corrupt.read_text() == "{oops"


def test_run_refuses_a_newer_state_file(tmp_path: Path) -> None:
    newer = tmp_path / "state.json"
    newer.write_text(json.dumps({"schema_version": 999}))
    result = spyglass("run", "--project-dir", tmp_path, "--state-file", newer)
    assert result.returncode == 2
    assert "newer" in result.stderr
    assert json.loads(newer.read_text()) == {"schema_version": 999}


@pytest.mark.slow
def test_run_on_the_demo_writes_state_and_summary(demo_build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state_path = tmp_path / "state.json"
    summary_path = tmp_path / "summary.md"
    project = demo_build.project_dir
    result = spyglass("run", "--project-dir", project, "--profiles-dir", demo_build.profiles_dir,
                      "-o", state_path, "--summary", summary_path, "--fail-on", "error")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"State written to {state_path}" in result.stdout.replace("\n", "")
    state = json.loads(state_path.read_text())
    assert state["schema_version"] == 2
    assert state["environment"]["base"]["adapter_type"] == "duckdb"
    assert {c["spec"]["type"] for c in state["checks"]} >= {"schema_diff", "row_count_diff", "value_diff"}
    assert all(r["status"] in {"success", "skipped"} for r in state["runs"]), state["runs"]
    summary = summary_path.read_text()
    assert summary.startswith("# Spyglass summary")
    again = spyglass("summary", state_path)
    assert again.returncode == 0
    assert again.stdout == summary

    gated = spyglass("run", "--project-dir", project, "--profiles-dir", demo_build.profiles_dir,
                     "--state-file", state_path, "-o", tmp_path / "again.json", "--fail-on", "mismatch")
    assert gated.returncode == 1, gated.stdout + gated.stderr
