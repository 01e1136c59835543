"""``spyglass run --select/--exclude``: the preset checks limited to the selected nodes, as dbt limits a
command. Crafted DuckDB models, the CLI in process, the state file read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.crafted_project import models_project, spyglass
from tests.fixtures.warehouses import Crafted

CHECKS = [
    {"name": "Orders values", "type": "value_diff", "params": {"model": "orders", "primary_key": "id"}},
    {"name": "Customers profile", "type": "profile_diff", "params": {"model": "customers"}},
    {"name": "Row counts", "type": "row_count_diff", "params": {"select": "state:modified"}},
    {"name": "Lineage", "type": "lineage_diff", "params": {}},
    {"name": "A query", "type": "query", "params": {"sql_template": "select 1 as one"}},
]


@pytest.fixture
def project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``orders`` and ``customers`` changed, ``items`` unchanged; the checks above in spyglass.yml."""
    directory = models_project(crafted, monkeypatch, {
        "orders": ("select * from (values (1, 10)) as t(id, amount)",
                   "select * from (values (1, 11)) as t(id, amount)"),
        "customers": ("select * from (values (1, 'ann')) as t(id, name)",
                      "select * from (values (1, 'ann'), (2, 'bob')) as t(id, name)"),
        "items": ("select 1 as id", "select 1 as id"),
    })
    (directory / "spyglass.yml").write_text(yaml.safe_dump({"checks": CHECKS}))
    return directory


def _run(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    """``spyglass run ARGS``: (exit code, stdout, the runs of the state file by check name)."""
    code, out, err = spyglass(capsys, "run", "-o", project / "state.json", "--fail-on", "error", *args)
    assert err == "", err
    state = json.loads((project / "state.json").read_text())
    names = {check["check_id"]: check["name"] for check in state["checks"]}
    return code, out, {names[run["check_id"]]: run for run in state["runs"]}


def _names(result: dict[str, Any], key: str) -> list[str]:
    return sorted(item["name"] for item in result[key])


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_select_runs_the_checks_on_the_selected_nodes_and_skips_the_others(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, runs = _run(capsys, project, "--select", "orders")
    assert code == 0  # a skip is not an error, even with --fail-on error
    assert "Running 5 checks from spyglass.yml, limited to --select orders." in out
    assert runs["Orders values"]["status"] == "success"
    skipped = runs["Customers profile"]
    assert skipped["status"] == "skipped" and skipped["result"] is None
    assert skipped["error"]["message"] == "Not in this run's selection (--select orders): customers."
    assert "Not in this run's selection" in out  # the run table says why
    # checks over several nodes run on the intersection, and say so
    counts = runs["Row counts"]["result"]
    assert _names(counts, "rows") == ["orders"] and counts["selection"] == "state:modified,orders"
    assert _names(runs["Lineage"]["result"], "nodes") == ["orders"]
    assert runs["A query"]["status"] == "success"  # about no node in particular: never limited


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_exclude_and_a_selection_that_misses_every_node_of_a_check(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, runs = _run(capsys, project, "--exclude", "orders")
    assert code == 0
    assert runs["Orders values"]["status"] == "skipped"
    assert runs["Customers profile"]["status"] == "success"
    assert _names(runs["Row counts"]["result"], "rows") == ["customers"]
    code, _, runs = _run(capsys, project, "-s", "items")
    assert code == 0
    assert runs["Row counts"]["status"] == "skipped"
    assert runs["Row counts"]["error"]["message"] == ("Not in this run's selection (--select items): "
                                                      "customers, orders.")
    assert {name: run["status"] for name, run in runs.items()} == {
        "Orders values": "skipped", "Customers profile": "skipped", "Row counts": "skipped",
        "Lineage": "skipped", "A query": "success"}  # items is unchanged: outside the changed lineage


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_a_bad_selector_is_a_usage_error_before_anything_runs(project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "run", "-o", project / "state.json", "--select", "colour:blue")
    assert (code, out) == (2, "")
    assert "unknown method 'colour'" in err
    assert not (project / "state.json").exists()
