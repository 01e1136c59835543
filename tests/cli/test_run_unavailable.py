"""`spyglass run` when the warehouse cannot be opened: a wrong --target, no profiles.yml, a database that
does not answer. The cause is printed once with its remedy, the checks that need the warehouse are errors
(never "skipped"), and a run in which nothing could run exits 2 without overwriting the state file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.ports import free_port
from tests.fixtures.warehouses import Crafted

ORDERS = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"
WAREHOUSE_CHECKS = [
    {"name": "Orders rows", "type": "row_count_diff", "params": {"node_names": ["orders"]}},
    {"name": "Orders values", "type": "value_diff", "params": {"model": "orders", "primary_key": "id"}},
]
SCHEMA_CHECK = {"name": "Orders schema", "type": "schema_diff", "params": {"select": "orders"}}
#: how each way of breaking the warehouse reads: (error kind, words of the message, words of the remedy)
EXPECTED = {
    "target": ("ConfigError", "no target 'nope'", "Pass --target"),
    "profiles": ("ConfigError", "No profiles.yml in", "Pass --profiles-dir"),
    "unreachable": ("WarehouseUnavailable", "select 1", "database is running"),
}


def _project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch, checks: list[dict[str, Any]]) -> Path:
    project = orders_project(crafted, monkeypatch, ORDERS, ORDERS)
    (project / "spyglass.yml").write_text(yaml.safe_dump({"checks": checks}))
    return project


def _break(crafted: Crafted, how: str, tmp_path: Path) -> list[str]:
    """Make the warehouse unusable; returns the extra CLI arguments the breakage needs."""
    if how == "target":
        return ["--target", "nope"]
    if how == "profiles":
        empty = tmp_path / "no-profiles-here"
        empty.mkdir()
        return ["--profiles-dir", str(empty)]
    profiles_path = crafted.project_dir / "profiles.yml"
    profiles = yaml.safe_load(profiles_path.read_text())
    output = profiles["crafted"]["outputs"]["dev"]
    if crafted.engine == "postgres":
        output["port"] = free_port()  # nothing listens there: the connection is refused
    else:
        output["path"] = str(tmp_path / "no-such-directory" / "crafted.duckdb")
    profiles_path.write_text(yaml.safe_dump(profiles))
    return []


def _runs(path: Path) -> dict[str, dict[str, Any]]:
    state = json.loads(path.read_text())
    names = {c["check_id"]: c["name"] for c in state["checks"]}
    return {names[r["check_id"]]: r for r in state["runs"]}


@pytest.mark.parametrize("how", sorted(EXPECTED))
def test_unavailable_warehouse_fails_its_checks_and_says_why_once(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        how: str) -> None:
    project = _project(crafted, monkeypatch, [*WAREHOUSE_CHECKS, SCHEMA_CHECK])
    output = tmp_path / "state.json"
    extra = _break(crafted, how, tmp_path)
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--fail-on", "error", *extra)
    kind, cause, remedy = EXPECTED[how]
    assert code == 1, out + err
    assert err.count("cannot open the warehouse") == 1, err
    assert cause in err and remedy in err
    assert "Traceback" not in err
    runs = _runs(output)
    assert runs["Orders schema"]["status"] == "success"  # needs no warehouse: still runs
    for name in ("Orders rows", "Orders values"):
        assert runs[name]["status"] == "failed", runs[name]
        assert runs[name]["error"]["kind"] == kind
        assert cause in runs[name]["error"]["message"] and remedy in runs[name]["error"]["remedy"]
    assert "skipped" not in out
    assert f"State written to {output}" in out.replace("\n", "")


@pytest.mark.parametrize("how", sorted(EXPECTED))
def test_nothing_could_run_exits_2_and_keeps_the_previous_state(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        how: str) -> None:
    project = _project(crafted, monkeypatch, WAREHOUSE_CHECKS)
    output = tmp_path / "state.json"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output)
    assert code == 0, out + err
    good = output.read_bytes()
    assert {r["status"] for r in _runs(output).values()} == {"success"}

    extra = _break(crafted, how, tmp_path)
    summary = tmp_path / "summary.md"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--summary", summary, *extra)
    assert code == 2, out + err  # with no --fail-on at all
    assert err.count("cannot open the warehouse") == 1
    assert output.read_bytes() == good  # the previous good state is left as it was
    failed = tmp_path / "state.failed.json"
    flat = out.replace("\n", "")
    assert f"{output} was left unchanged" in flat and str(failed) in flat
    assert {r["status"] for r in _runs(failed).values()} == {"failed"}
    assert "error" in summary.read_text()


def test_a_manifest_without_nodes_exits_2_naming_the_file(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """It once loaded as a project with no models: exit 0 and every model reported removed."""
    project = _project(crafted, monkeypatch, [SCHEMA_CHECK])
    manifest = project / "target" / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["nodes"]
    manifest.write_text(json.dumps(data))
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", project / "state.json")
    assert code == 2, out + err
    assert "manifest.json" in err and "missing required field `nodes`" in err
    assert "dbt docs generate" in err
    assert not (project / "state.json").exists()
