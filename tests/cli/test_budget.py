"""`spyglass run --max-rows/--max-run-rows/--sample-over-budget` and `budget:` in spyglass.yml, end to end:
what runs, what is skipped or sampled, the exit code and the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.crafted_project import models_project, spyglass
from tests.fixtures.warehouses import Crafted

ROWS = "select i as id, i % {m} as v from generate_series(1, 2000) as g(i)"
CHECKS = """\
checks:
  - {name: Order values, type: value_diff, params: {model: orders, primary_key: id}}
  - {name: Order profile, type: profile_diff, params: {model: orders}}
"""


def _project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch, config: str) -> Path:
    project = models_project(crafted, monkeypatch, {"orders": (ROWS.format(m=7), ROWS.format(m=9))})
    (project / "spyglass.yml").write_text(config)
    return project


def _runs(output: Path) -> dict[str, dict[str, object]]:
    state = json.loads(output.read_text())
    runs = {run["check_id"]: run for run in state["runs"]}
    return {check["name"]: runs[check["check_id"]] for check in state["checks"]}


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_max_rows_skips_what_is_over_it_and_the_summary_says_why(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _project(crafted, monkeypatch, CHECKS)
    output, summary = tmp_path / "state.json", tmp_path / "summary.md"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--summary", summary,
                              "--max-rows", "1000", "--fail-on", "error")
    assert code == 0, out + err  # a skip is not a failure (README: exit codes); it is not a pass either
    assert "Budget: --max-rows 1,000 rows per side; data checks over it are skipped." in out
    runs = _runs(output)
    for name in ("Order values", "Order profile"):
        assert runs[name]["status"] == "skipped"
        error = runs[name]["error"]
        assert isinstance(error, dict) and error["kind"] == "OverBudget"
        assert error["message"] == "Not run: orders: ~2,000 rows per side, over --max-rows 1,000."
    assert all(not check["approved"] for check in json.loads(output.read_text())["checks"])
    text = summary.read_text()
    assert "## Budget and samples" in text
    assert "- ⏭️ **Order values** skipped: Not run: orders: \\~2,000 rows per side, over --max-rows 1,000." in text


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_the_budget_in_spyglass_yml_samples_and_the_command_line_wins(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _project(crafted, monkeypatch, "budget: {max_rows: 500, sample: true}\n" + CHECKS)
    output = tmp_path / "state.json"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--fail-on", "mismatch")
    assert code == 1, out + err  # a difference found in a sample is a difference
    assert ("Budget: budget.max_rows in spyglass.yml 500 rows per side; data checks over it are sampled to fit "
            "where they can be.") in out
    runs = _runs(output)
    values, profile = runs["Order values"], runs["Order profile"]
    assert values["status"] == "success"
    result = values["result"]
    assert isinstance(result, dict) and result["sample"] == {"fraction": 0.25}
    assert 300 < int(result["in_both"]) < 700 and result["added"] == result["removed"] == 0
    assert profile["status"] == "skipped"  # a profile cannot be sampled
    # the command line's limit wins over the file's
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--max-rows", "5000")
    assert code == 0, out + err
    assert all(run["status"] == "success" for run in _runs(output).values())
    assert "sample" not in _runs(output)["Order values"]["result"]  # type: ignore[operator]  # unsampled: no key


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_max_run_rows_and_sampling_from_the_command_line(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _project(crafted, monkeypatch, CHECKS)
    output = tmp_path / "state.json"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--max-run-rows", "3000",
                              "--sample-over-budget")
    assert code == 0, out + err
    runs = _runs(output)
    assert runs["Order values"]["status"] == "success"  # 2,000 of 3,000
    error = runs["Order profile"]["error"]
    assert isinstance(error, dict)
    assert error["message"] == ("Not run: orders: ~2,000 rows per side, over --max-run-rows 3,000 (2,000 used by "
                                "earlier checks).")


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_bad_budgets_are_refused_before_anything_runs(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _project(crafted, monkeypatch, "budget: {max_rows: lots}\n" + CHECKS)
    output = tmp_path / "state.json"
    code, _, err = spyglass(capsys, "run", "--project-dir", project, "-o", output)
    assert code == 2 and "`budget:` in" in err and "max_rows: Input should be a valid integer" in err
    assert not output.exists()
    code, _, err = spyglass(capsys, "run", "--project-dir", project, "--max-rows", "0")
    assert code == 2 and "--max-rows" in err
    code, _, err = spyglass(capsys, "run", "--project-dir", project, "--suggest", "--max-rows", "10")
    assert code == 2 and "--max-rows" in err
