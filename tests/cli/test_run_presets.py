"""`spyglass run` over a user's recce.yml: Recce's manual checks and aliases run; a bad check is refused
before anything runs, naming the check and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted

ORDERS = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"
RECCE_YML = """\
checks:
  - name: Revenue dashboard still loads
    description: Open the dashboard and compare the totals with last week's.
    type: simple
  - name: Order rows
    type: row_count
    params: {node_names: [orders]}
"""


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_a_recce_yml_with_a_manual_check_runs_and_leaves_it_to_the_reviewer(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`type: simple` was an unknown type: the check failed, and `--fail-on error` failed the pipeline."""
    project = orders_project(crafted, monkeypatch, ORDERS, ORDERS)
    (project / "recce.yml").write_text(RECCE_YML)
    output, summary = tmp_path / "state.json", tmp_path / "summary.md"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--summary", summary,
                              "--fail-on", "error", "--fail-on", "mismatch")
    assert code == 0, out + err
    state = json.loads(output.read_text())
    manual, rows = state["checks"]
    assert manual["spec"] == {"type": "simple", "params": {}} and manual["approved"] is False
    assert rows["spec"] == {"type": "row_count_diff", "params": {"node_names": ["orders"]}}  # the alias, resolved
    assert rows["approved"] is True
    run = next(r for r in state["runs"] if r["check_id"] == manual["check_id"])
    assert run["status"] == "success" and run["result"]["kind"] == "simple"
    text = summary.read_text()
    assert "| 👀 to review | Revenue dashboard still loads | `simple` | manual check: a reviewer decides | no |" in text
    assert "A reviewer verifies what the description says" in text


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_a_bad_check_in_the_config_stops_the_run_before_anything_runs(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = orders_project(crafted, monkeypatch, ORDERS, ORDERS)
    (project / "spyglass.yml").write_text("checks:\n  - {type: schema_diff}\n"
                                          "  - {name: Top cities, type: top_k_diff, params: {model: orders, k: 0}}\n")
    output = tmp_path / "state.json"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output)
    assert code == 2, out + err
    assert "Check #2 ('Top cities')" in err and "column_name: Field required" in err
    assert "k: Input should be greater than or equal to 1" in err
    assert "Running" not in out and not output.exists()
