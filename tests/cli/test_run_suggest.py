"""``spyglass run --suggest``: the checks the change calls for, printed as a spyglass.yml to keep, without a
warehouse; and ``spyglass run`` without a config file runs those very checks (a real dbt project on DuckDB)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from spyglass.checks.presets import load_presets, suggest_checks
from spyglass.checks.scope import NodeSelection
from tests.checks.suggest_project import analysis, write_suggest_project
from tests.cli.crafted_project import spyglass
from tests.project.change_cases.build import Warehouse, build_pair
from tests.project.real_dbt import run_dbt


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Compiled artifacts of a change set (tests/checks/suggest_project.py); no profiles.yml, no warehouse."""
    root = write_suggest_project(tmp_path / "shop")
    (root / "dbt_project.yml").write_text("name: shop\nprofile: shop\nversion: '1.0'\n")
    return root


def test_suggest_prints_a_spyglass_yml_that_reads_back_to_the_defaults(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    code, out, err = spyglass(capsys, "run", "--suggest", "--project-dir", project)
    assert code == 0, err
    assert err == ""
    assert out.startswith("# Checks this change calls for, suggested by `spyglass run --suggest`")
    assert "# No value diff of nokey (partial breaking): no primary key is declared" in out
    assert "\nchecks:\n- name: Schema diff of modified nodes\n" in out
    assert not (project / "spyglass_state.json").exists()  # nothing ran, nothing written
    (project / "spyglass.yml").write_text(out)
    kept = load_presets(project)
    assert kept.source == "spyglass.yml"
    assert kept.checks == suggest_checks(analysis(project)).checks


def test_suggest_respects_select_and_exclude(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "run", "--suggest", "--project-dir", project, "-s", "orders+", "-s", "completed",
                              "--exclude", "completed_report")
    assert code == 0, err
    assert "# Limited to --select orders+ completed --exclude completed_report.\n" in out
    (project / "spyglass.yml").write_text(out)
    selection = NodeSelection.parse(["orders+", "completed"], ["completed_report"])
    kept = load_presets(project).checks
    assert kept == suggest_checks(analysis(project), selection).checks
    assert [c.name for c in kept] == ["Schema diff of modified nodes", "Row count of breaking changes and what they "
                                      "impact", "Value diff of orders (partial breaking: amount)"]
    assert kept[1].spec.model_dump(mode="json")["params"] == {"node_ids": ["model.shop.completed"]}


def test_suggest_runs_nothing_so_run_options_are_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "run", "--suggest", "--project-dir", project, "--fail-on", "error",
                              "-o", project / "state.json")
    assert code == 2
    assert "--suggest prints checks and runs none: --fail-on, --output cannot go with it." in err
    assert out == ""


def test_suggest_says_when_a_config_file_decides_instead(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "recce.yml").write_text("checks:\n  - type: lineage_diff\n")
    code, out, err = spyglass(capsys, "run", "--suggest", "--project-dir", project)
    assert code == 0
    assert "Value diff of orders" in out  # the suggestions all the same
    assert "recce.yml exists: `spyglass run` runs its checks, not these suggestions." in err


def test_suggest_opens_no_warehouse_and_imports_no_dbt(project: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        from spyglass.cli.main import main
        try:
            main(["run", "--suggest", "--project-dir", {str(project)!r}, "--profiles-dir", {str(project)!r}])
        except SystemExit as exit:
            assert not exit.code, exit.code
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dbt", "duckdb", "psycopg2", "agate"))
        print("LOADED", loaded, file=sys.stderr)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            cwd=project)
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stderr
    assert result.stdout.count("type: value_diff") == 2


# -- end to end: real dbt, real DuckDB ---------------------------------------------------------------------
PROJECT_YML = """
name: shop
version: "1.0"
profile: shop
config-version: 2
models:
  shop:
    +materialized: table
"""
#: a stand-in for dbt_utils with its generic test, installed by `dbt deps` from a local path (no network)
DBT_UTILS = {
    "dbt_project.yml": "name: dbt_utils\nversion: '1.0'\nconfig-version: 2\n",
    "macros/unique_combination_of_columns.sql": (
        "{% test unique_combination_of_columns(model, combination_of_columns) %}\n"
        "select {{ combination_of_columns | join(', ') }} from {{ model }}\n"
        "group by {{ combination_of_columns | join(', ') }} having count(*) > 1\n"
        "{% endtest %}\n"),
}
SCHEMA_YML = """
version: 2
models:
  - name: orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
  - name: order_lines
    data_tests:
      - dbt_utils.unique_combination_of_columns:
          combination_of_columns: [order_id, line]
"""
BASE = {
    "seeds/raw_orders.csv": "order_id,customer_id,status,amount\n1,1,shipped,10\n2,1,returned,20\n3,2,shipped,30\n",
    "seeds/raw_lines.csv": "order_id,line,qty\n1,1,5\n1,2,6\n2,1,7\n",
    "models/orders.sql": "select order_id, customer_id, status, amount from {{ ref('raw_orders') }}",
    "models/customer_revenue.sql": "select customer_id, sum(amount) as revenue from {{ ref('orders') }} "
                                   "group by customer_id",
    "models/order_lines.sql": "select order_id, line, qty from {{ ref('raw_lines') }}",
    "models/completed.sql": "select order_id, amount from {{ ref('raw_orders') }}",
    "models/completed_report.sql": "select count(*) as n from {{ ref('completed') }}",
    "models/schema.yml": SCHEMA_YML,
}
CURRENT = {
    "models/orders.sql": "select order_id, customer_id, status, amount * 2 as amount from {{ ref('raw_orders') }}",
    "models/order_lines.sql": "select order_id, line, qty + 1 as qty from {{ ref('raw_lines') }}",
    "models/completed.sql": "select order_id, amount from {{ ref('raw_orders') }} where status <> 'returned'",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.mark.slow
def test_run_without_a_config_runs_the_suggested_checks_on_duckdb(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    utils = _tree(tmp_path / "dbt_utils", DBT_UTILS)
    root = _tree(tmp_path / "shop", {"dbt_project.yml": PROJECT_YML,
                                     "packages.yml": f"packages:\n  - local: {utils}\n"})
    run_dbt(root, "deps")
    build_pair(root, _tree(tmp_path / "base", BASE), _tree(tmp_path / "current", CURRENT), profile="shop",
               warehouse=Warehouse("duckdb"), project_yml=PROJECT_YML)
    monkeypatch.chdir(root)
    monkeypatch.setenv("COLUMNS", "200")
    code, suggested, err = spyglass(capsys, "run", "--suggest", "--project-dir", root)
    assert code == 0, err
    names = ["Schema diff of modified nodes", "Row count of breaking changes and what they impact",
             "Value diff of order_lines (partial breaking: qty)", "Value diff of orders (partial breaking: amount)"]
    assert [check["name"] for check in yaml.safe_load(suggested)["checks"]] == names

    code, out, err = spyglass(capsys, "run", "--project-dir", root, "-o", tmp_path / "state.json", "--fail-on", "error")
    assert code == 0, out + err
    assert "Running 4 checks from defaults." in out
    state = json.loads((tmp_path / "state.json").read_text())
    (root / "spyglass.yml").write_text(suggested)  # what the user keeps is what ran
    kept = load_presets(root).checks
    assert [(c["name"], c["spec"]) for c in state["checks"]] == [(k.name, k.spec.model_dump(mode="json")) for k in kept]
    runs = {run["run_id"]: run for run in state["runs"]}
    results = {check["name"]: runs[check["last_run_id"]] for check in state["checks"]}
    assert all(run["status"] == "success" for run in results.values()), results
    counts = {row["name"]: (row["base"]["count"], row["current"]["count"])
              for row in results[names[1]]["result"]["rows"]}
    assert counts == {"completed": (3, 2), "completed_report": (1, 1)}
    orders = results[names[3]]["result"]
    assert [(c["column"], c["mismatched"]) for c in orders["columns"]] == [("amount", 3)]
    lines = results[names[2]]["result"]
    assert lines["primary_key"] == ["order_id", "line"] and [(c["column"], c["mismatched"]) for c in lines["columns"]] \
        == [("qty", 3)]
