"""--since/--until/--where on a real dbt-duckdb project built twice with dbt (base and current): event_time from
the model's dbt config, the key scan skipped on dbt's passed unique test, and what the summary says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted
from tests.project.real_dbt import run_dbt, write_files

ORDERS = """{{ config(materialized='table', event_time='ordered_at') }}
select order_id, status, amount, cast(ordered_at as timestamp) as ordered_at from (values
    (1, 'open', 10, '2026-11-01 10:00:00'),
    (2, 'open', {{ 21 if target.name == 'current' else 20 }}, '2026-11-20 10:00:00'),
    (3, 'done', 30, '2026-11-25 10:00:00'),
    {% if target.name == 'current' %} (5, 'open', 50, '2026-11-29 10:00:00'), (6, 'done', 60, '2026-10-01 10:00:00')
    {% else %} (4, 'open', 40, '2026-11-28 10:00:00') {% endif %}
) as t(order_id, status, amount, ordered_at)
"""
CUSTOMERS = "{{ config(materialized='table') }} select * from (values (1, 'a'), (2, 'b')) as t(customer_id, name)"
SCHEMA = """models:
  - name: orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
"""
SPYGLASS_YML = """checks:
  - type: value_diff
    params: {model: orders, primary_key: order_id}
  - type: row_count_diff
    params: {node_names: [orders, customers]}
  - type: profile_diff
    params: {model: customers}
  - type: schema_diff
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("since") / "shop"
    write_files(root, {"dbt_project.yml": "name: shop\nprofile: shop\nversion: '1.0'\n",
                       "models/orders.sql": ORDERS, "models/customers.sql": CUSTOMERS, "models/schema.yml": SCHEMA,
                       "spyglass.yml": SPYGLASS_YML})
    outputs = {env: f"    {env}:\n      type: duckdb\n      path: {root / 'shop.duckdb'}\n      schema: {env}\n"
                    "      threads: 1\n" for env in ("base", "current")}
    (root / "profiles.yml").write_text("shop:\n  target: current\n  outputs:\n" + "".join(outputs.values()))
    run_dbt(root, "build", "--target", "base", "--target-path", "target-base")
    run_dbt(root, "build", "--target", "current", "--target-path", "target")
    return root


@pytest.mark.slow
def test_value_diff_since_on_a_real_build(project: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    code, out, err = spyglass(capsys, "value-diff", "orders", "-k", "order_id", "--since", "2026-11-15", "--json",
                              "--project-dir", project)
    assert code == 0, err
    record = json.loads(out)
    result = record["result"]
    assert (result["base_rows"], result["current_rows"], result["added"], result["removed"], result["changed"]) == (
        3, 3, 1, 1, 1)
    assert result["notes"] == [
        "Rows filtered: ordered_at >= 2026-11-15.",
        "key order_id: dbt test unique_orders_order_id passed in this build and in the base build; "
        "uniqueness scan skipped",
    ]
    code, out, _ = spyglass(capsys, "value-diff", "orders", "-k", "order_id", "--where", "status = 'open'",
                            "--until", "2026-11-25", "--json", "--project-dir", project)
    result = json.loads(out)["result"]
    assert code == 0 and (result["base_rows"], result["current_rows"], result["changed"]) == (2, 2, 1)
    code, out, _ = spyglass(capsys, "top-k-diff", "orders", "status", "--since", "2026-11-15", "--json",
                            "--project-dir", project)
    values = {v["value"]: (v["base_count"], v["current_count"]) for v in json.loads(out)["result"]["values"]}
    assert code == 0 and values == {"open": (2, 2), "done": (1, 1)}
    code, _, err = spyglass(capsys, "profile-diff", "customers", "--since", "7d", "--project-dir", project)
    assert code == 1 and "no event_time column" in err and "config(event_time=" in err
    code, _, err = spyglass(capsys, "histogram-diff", "orders", "amount", "--since", "last week",
                            "--project-dir", project)
    assert code == 2 and "not a time Spyglass understands" in err


@pytest.mark.slow
def test_run_since_applies_where_it_can_and_says_so(project: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(project)
    summary = tmp_path / "summary.md"
    code, out, err = spyglass(capsys, "run", "--since", "2026-11-15", "-o", tmp_path / "state.json",
                              "--summary", summary, "--project-dir", project)
    assert code == 0, out + err
    assert "--since 2026-11-15 applies to 3 of 4 checks (models without event_time are read whole)." in out
    state = json.loads((tmp_path / "state.json").read_text())
    names = [check["name"] for check in state["checks"]]
    assert names == ["Value diff of orders (since 2026-11-15)",
                     "Row count diff of orders, customers (since 2026-11-15)",
                     "Profile diff of customers (since 2026-11-15)", "Schema diff of state:modified"]
    text = summary.read_text()
    assert text.count("_Note:_ Rows filtered: ordered\\_at &gt;= 2026-11-15.") == 2  # value diff, row count
    assert ("_Note:_ key order\\_id: dbt test unique\\_orders\\_order\\_id passed in this build and in the base "
            "build; uniqueness scan skipped") in text
    assert "The time window was ignored for customers (no event\\_time config)" in text
    assert ("_Note:_ The time window (since 2026-11-15) was ignored: model 'customers' has no event\\_time config; "
            "all its rows were read.") in text
    code, _, err = spyglass(capsys, "run", "--since", "whenever", "--project-dir", project)
    assert code == 2 and "--since" in err


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_value_diff_sample_and_filter_options(crafted: Crafted, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """--sample/--sample-rows reach the params (the result says it was sampled); --where composes with it."""
    rows = "select range as id, range % 3 as k from range(0, 2000)"
    changed = "select range as id, case when range % 100 = 0 then -1 else range % 3 end as k from range(0, 2000)"
    project = orders_project(crafted, monkeypatch, rows, changed)
    code, out, err = spyglass(capsys, "value-diff", "orders", "-k", "id", "--sample", "0.5", "--where", "id < 1000",
                              "--json", "--project-dir", project)
    result = json.loads(out)["result"]
    assert code == 0, err
    assert result["sample"] is not None and 300 < result["base_rows"] < 700  # about half of the 1,000 kept
    assert "Rows filtered: where id < 1000." in result["notes"]
    code, out, err = spyglass(capsys, "value-diff", "orders", "-k", "id", "--sample-rows", "500", "--json",
                              "--project-dir", project)
    assert code == 0 and json.loads(out)["result"]["sample"] is not None, err
    code, _, err = spyglass(capsys, "value-diff", "orders", "-k", "id", "--sample", "0", "--project-dir", project)
    assert code == 2 and "--sample" in err
