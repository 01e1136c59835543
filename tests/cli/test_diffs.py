"""`spyglass value-diff / query / query-diff` as a user runs them, on a crafted DuckDB project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spyglass.project.models import Env
from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted

BASE = "select * from (values (1, 'a', 10), (2, 'b', 20), (3, '[red]x[/]', 30)) as t(id, \"Status\", amount)"
CURRENT = "select * from (values (1, 'a', 10), (2, 'B', 20), (4, 'd', 40)) as t(id, \"Status\", amount)"


@pytest.fixture
def project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch) -> Path:
    return orders_project(crafted, monkeypatch, BASE, CURRENT)


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_value_diff_table_json_and_detail(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = spyglass(capsys, "value-diff", "orders", "--primary-key", "id", "--project-dir", project)
    assert (code, err) == (0, "")
    assert "Value diff of orders by id" in out
    assert "Status" in out and "50.00%" in out and "100.00%" in out  # Status 1 of 2, amount 2 of 2
    assert "mismatch: 1 added, 1 removed, 1 of 2 changed" in out
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "id", "-c", "Status", "--json",
                            "--project-dir", project)
    result = json.loads(out)["result"]
    assert code == 0 and result["kind"] == "value_diff"
    assert (result["added"], result["removed"], result["in_both"], result["changed"]) == (1, 1, 2, 1)
    assert [(c["column"], c["matched"], c["mismatched"]) for c in result["columns"]] == [("Status", 1, 1)]
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "id", "--where", "id < 3", "--json",
                            "--project-dir", project)
    result = json.loads(out)["result"]
    assert (result["base_rows"], result["added"], result["removed"], result["in_both"], result["changed"]) == (
        2, 0, 0, 2, 1)
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "id", "--detail", "--project-dir", project)
    assert code == 0
    assert "Differing rows of orders" in out and "[red]x[/]" in out  # user data is never markup
    assert "b → B" in out and "3 differing rows: 1 added, 1 removed, 1 changed" in out
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "id", "--detail", "--limit", "1", "--json",
                            "--project-dir", project)
    detail = json.loads(out)["result"]
    assert code == 0 and detail["kind"] == "value_diff_detail"
    assert [(r["key"], r["status"], r["changed_columns"]) for r in detail["diff"]["rows"]] == [([2], "changed",
                                                                                               ["Status"])]
    assert detail["diff"]["more"] is True
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "id", "--assume-unique-key", "--json",
                            "--project-dir", project)
    assert code == 0 and json.loads(out)["headline"] == "1 added, 1 removed, 1 of 2 changed"
    code, _, err = spyglass(capsys, "value-diff", "orders", "-k", "id", "--detail", "--assume-unique-key",
                            "--project-dir", project)
    assert code == 2 and "--assume-unique-key does not apply to --detail" in err


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_query_and_query_diff(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "select id, amount from {{ ref('orders') }} order by id"
    code, out, _ = spyglass(capsys, "query", sql, "--base", "--project-dir", project)
    assert code == 0 and "3 rows (base)" in out and "no change: 3 rows (base)" in out
    code, out, _ = spyglass(capsys, "query", sql, "--limit", "1", "--json", "--project-dir", project)
    result = json.loads(out)["result"]
    assert (result["table"]["rows"], result["table"]["more"], result["table"]["total_row_count"]) == ([[1, 10]],
                                                                                                      True, 3)
    code, out, _ = spyglass(capsys, "query-diff", "select * from {{ ref('orders') }}", "--project-dir", project)
    assert code == 0
    assert "Rows whose count differs" in out and "mismatch: 2 rows only in base, 2 only in current" in out
    code, out, _ = spyglass(capsys, "query-diff", "select amount, id from {{ ref('orders') }}", "--base-sql",
                            "select id, amount from {{ ref('orders') }}", "-k", "id", "--json",
                            "--project-dir", project)
    result = json.loads(out)["result"]
    assert code == 0
    assert [(r["key"], r["status"]) for r in result["keyed"]["rows"]] == [([3], "removed"), ([4], "added")]


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_failures_exit_1_with_error_and_remedy(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = spyglass(capsys, "value-diff", "orders", "-k", "Status,amount", "-c", "nope",
                            "--project-dir", project)
    assert code == 1
    assert "Error: Unknown column(s) 'nope' in model 'orders'." in err
    assert "Columns are: 'id', 'Status', 'amount'." in err
    code, out, err = spyglass(capsys, "query", "select nope from {{ ref('orders') }}", "--json",
                              "--project-dir", project)
    assert code == 1 and json.loads(out)["status"] == "failed"  # a failure is data too with --json
    assert "Error:" in err and "nope" in err
    code, out, _ = spyglass(capsys, "query-diff", "select * from {{ ref('orders') }} where id > 9",
                            "--project-dir", project)
    assert code == 0 and "no change: no rows on either side" in out  # a result, not a failure


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_hostile_sql_exits_1_and_the_table_stays(project: Path, crafted: Crafted,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    breakout = "select 1 as a) as t; drop table {{ ref('orders') }}; select * from (select 1 as a"
    code, _, err = spyglass(capsys, "query", breakout, "--project-dir", project)
    assert code == 1 and "Error: The query could not be parsed as duckdb SQL" in err
    code, _, err = spyglass(capsys, "query-diff", "select * from {{ ref('orders') }}", "--base-sql",
                            "select 1; drop table {{ ref('orders') }}", "--project-dir", project)
    assert code == 1 and "Error: The base query holds 2 statements" in err
    code, _, err = spyglass(capsys, "query", "copy (select 1) to 'stolen.csv'", "--project-dir", project)
    assert code == 1 and "COPY statement, not a query" in err
    assert not Path("stolen.csv").exists() and not (project / "stolen.csv").exists()
    rows = crafted.warehouse().execute(f"select count(*) from {crafted.relation('orders', Env.CURRENT)}")
    assert rows.scalar() == 3


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_hostile_preset_in_spyglass_yml_is_refused(project: Path, crafted: Crafted,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A merge request's author controls spyglass.yml: its query presets get the same rule."""
    (project / "spyglass.yml").write_text(
        "checks:\n"
        "  - {name: Sneaky, type: query, params: {sql_template: \"select 1 as a) as t; drop table "
        "{{ ref('orders') }}; select * from (select 1 as a\"}}\n"
        "  - {name: Sneaky diff, type: query_diff, params: {sql_template: \"select 1; delete from "
        "{{ ref('orders') }}\"}}\n")
    state = project / "state.json"
    code, _, _ = spyglass(capsys, "run", "--project-dir", project, "-o", state, "--fail-on", "error")
    assert code == 1
    runs = json.loads(state.read_text())["runs"]
    errors = {run["spec"]["type"]: run["error"] for run in (runs.values() if isinstance(runs, dict) else runs)}
    assert errors["query"]["kind"] == errors["query_diff"]["kind"] == "QueryRefused"
    rows = crafted.warehouse().execute(f"select count(*) from {crafted.relation('orders', Env.CURRENT)}")
    assert rows.scalar() == 3
