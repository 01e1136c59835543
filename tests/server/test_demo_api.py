"""The API over the real demo project and its DuckDB warehouse (sandboxed as ``spyglass server`` opens it)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spyglass.demo import DemoPaths
from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app, sandboxed_session
from spyglass.service import Session
from tests.server.conftest import in_process_client, in_process_config

pytestmark = pytest.mark.slow

SLOW_SQL = "select count(*) from range(1000000000000) a"


@pytest.fixture
def demo_client(demo_build: DemoPaths, tmp_path: Path) -> Iterator[TestClient]:
    session = sandboxed_session(Session.load(demo_build.settings))
    state = tmp_path / "state.json"
    app = build_app(session, state, config=in_process_config(ServerConfig()), environ=dict(os.environ))
    with in_process_client(app) as client:
        yield client
    session.close()


def _wait(client: TestClient, run_id: str) -> dict[str, Any]:
    view = client.get(f"/api/runs/{run_id}/wait", params={"timeout": 60}).json()
    assert view["status"] != "running", view
    return view  # type: ignore[no-any-return]


def test_value_diff_with_the_prefilled_key(demo_client: TestClient) -> None:
    node = demo_client.get("/api/nodes/model.spyglass_demo.dim_customers").json()
    started = demo_client.post("/api/runs", json={"spec": {"type": "value_diff", "params": {
        "model": node["name"], "primary_key": node["primary_key"]}}})
    view = _wait(demo_client, started.json()["run_id"])
    assert view["status"] == "success", view
    assert view["result"]["primary_key"] == ["customer_id"]
    assert view["mismatch"] is True and view["headline"]
    assert view["details_markdown"]


def test_several_runs_at_once(demo_client: TestClient) -> None:
    ids = [demo_client.post("/api/runs", json={"spec": {"type": "row_count_diff", "params": {"select": name}}})
           .json()["run_id"] for name in ("fct_orders", "dim_customers", "stg_orders")]
    views = [_wait(demo_client, run_id) for run_id in ids]
    assert [v["status"] for v in views] == ["success"] * 3
    assert {v["result"]["rows"][0]["name"] for v in views} == {"fct_orders", "dim_customers", "stg_orders"}


def test_cancel_stops_the_warehouse_query(demo_client: TestClient) -> None:
    started = demo_client.post("/api/runs", json={"spec": {"type": "query", "params": {"sql_template": SLOW_SQL}}})
    run_id = started.json()["run_id"]
    time.sleep(1.0)
    assert demo_client.get(f"/api/runs/{run_id}").json()["status"] == "running"
    cancelled_at = time.monotonic()
    demo_client.post(f"/api/runs/{run_id}/cancel")
    view = _wait(demo_client, run_id)
    assert view["status"] == "cancelled"
    assert time.monotonic() - cancelled_at < 10
    after = demo_client.post("/api/query", json={"sql_template": "select 42 as answer", "env": "current"}).json()
    assert after["status"] == "success" and after["result"]["table"]["rows"] == [[42]]


def test_query_editor_cannot_read_local_files(demo_client: TestClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    view = demo_client.post("/api/query", json={
        "sql_template": f"select * from read_csv('{secret}')", "env": "current"}).json()
    assert view["status"] == "failed"
    assert "hunter2" not in str(view)
    # refused before the warehouse (read_csv is a denied function); under it, the sandboxed DuckDB has file
    # access off (tests/warehouse/test_defences.py)
    assert view["error"]["kind"] == "QueryRefused" and "read_csv()" in view["error"]["message"]


def test_query_diff_with_a_key(demo_client: TestClient) -> None:
    view = demo_client.post("/api/query", json={
        "sql_template": "select customer_id, number_of_orders from {{ ref('dim_customers') }}",
        "env": "diff", "primary_keys": ["customer_id"]}).json()
    assert view["status"] == "success", view
    keyed = view["result"]["keyed"]
    assert keyed["primary_key"] == ["customer_id"] and keyed["changed"] > 0
    base = demo_client.post("/api/query", json={"sql_template": "select count(*) as n from {{ ref('fct_orders') }}",
                                                 "env": "base"}).json()
    assert base["status"] == "success" and base["result"]["env"] == "base"


def test_query_errors_name_the_refused_access_and_never_the_wrapper(demo_client: TestClient) -> None:
    """A file function is refused as file access (not "grant SELECT"), an engine-level refusal too, and an
    error while the query runs shows the warehouse's words without the SQL Spyglass wrapped around it."""
    refused = demo_client.post("/api/query", json={
        "sql_template": "select * from read_parquet('http://example.com/x.parquet')", "env": "current"}).json()
    assert refused["error"]["message"].startswith("Spyglass refuses SQL that reads files or the network: "
                                                  "read_parquet()")
    sandboxed = demo_client.post("/api/query", json={
        "sql_template": "select * from duckdb_extension_repositories()", "env": "current"}).json()
    assert sandboxed["error"]["kind"] == "ExternalAccessDenied", sandboxed
    assert "Grant" not in sandboxed["error"]["remedy"] and "sandboxed" in sandboxed["error"]["remedy"]
    for env in ("current", "diff"):
        failed = demo_client.post("/api/query", json={
            "sql_template": "select cast(full_name as int) as n from {{ ref('dim_customers') }}", "env": env}).json()
        assert failed["status"] == "failed", failed
        message = failed["error"]["message"]
        assert "Could not convert string" in message
        assert "spyglass_q" not in message and "LIMIT" not in message and "SELECT * FROM (" not in message
