"""When dbt rewrites the artifacts, the server reloads them and open pages learn it (long poll)."""

from __future__ import annotations

import os
import time

import pytest
from fastapi.testclient import TestClient

from spyglass.server.config import ServerConfig
from spyglass.settings import ProjectSettings
from tests.cli.crafted_project import orders_project
from tests.fixtures.warehouses import Crafted
from tests.project.manifest_builder import shop_builders
from tests.server.conftest import MakeClient
from tests.test_service_snapshot import ORDERS, SLOW_SQL, rewrite_artifacts


def test_rewritten_manifest_is_reloaded_and_signalled(client: TestClient, shop_project: ProjectSettings) -> None:
    assert client.get("/api/events", params={"version": 1, "timeout": 0}).json() == {"version": 1}
    before = {n["name"] for n in client.get("/api/lineage").json()["nodes"]}
    assert "brand_new" not in before

    _, current = shop_builders()
    current.model("brand_new", materialized="table")
    path = current.write(shop_project.current_dir)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # a later mtime for sure

    started = time.monotonic()
    answer = client.get("/api/events", params={"version": 1, "timeout": 10}).json()
    assert answer == {"version": 2}
    assert time.monotonic() - started < 5
    graph = client.get("/api/lineage").json()
    assert graph["version"] == 2
    assert "brand_new" in {n["name"] for n in graph["nodes"]}
    state = client.get("/api/state/export").json()
    assert "model.shop.brand_new" in {n["unique_id"] for n in state["lineage"]["nodes"]}


def test_broken_artifacts_keep_the_old_ones(client: TestClient, shop_project: ProjectSettings) -> None:
    (shop_project.current_dir / "manifest.json").write_text("{ not json")
    answer = client.get("/api/events", params={"version": 1, "timeout": 0.5}).json()
    assert answer == {"version": 1}
    assert client.get("/api/lineage").status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_pages_answer_during_a_long_query_while_artifacts_are_reloaded(
        crafted: Crafted, monkeypatch: pytest.MonkeyPatch, make_client: MakeClient) -> None:
    """A reload used to wait for every running query, and every page with it."""
    directory = orders_project(crafted, monkeypatch, ORDERS, ORDERS)
    client = make_client(config=ServerConfig(reload_interval=0.1, run_workers=2),
                         settings=ProjectSettings(project_dir=directory, profiles_dir=directory))
    started = client.post("/api/runs", json={"spec": {"type": "query",
                                                      "params": {"sql_template": SLOW_SQL["duckdb"]}}})
    assert started.status_code == 202, started.text
    run_id = started.json()["run_id"]
    deadline = time.monotonic() + 60
    while not client.get(f"/api/runs/{run_id}").json()["progress_message"].startswith("Running the query"):
        assert time.monotonic() < deadline, "the query never started"
        time.sleep(0.05)
    rewrite_artifacts(crafted, directory, "customers")

    assert client.get("/api/events", params={"version": 1, "timeout": 30}).json() == {"version": 2}
    graph = client.get("/api/lineage").json()
    assert graph["version"] == 2 and "customers" in {n["name"] for n in graph["nodes"]}
    assert client.get("/api/runs/" + run_id).json()["status"] == "running"  # the reload did not wait for it

    finished = client.get(f"/api/runs/{run_id}/wait", params={"timeout": 120}).json()
    assert finished["status"] == "success", finished
    after = client.post("/api/query", params={"timeout": 60},
                        json={"env": "current", "sql_template": "select id from {{ ref('customers') }}"}).json()
    assert after["status"] == "success", after
    assert after["result"]["table"]["rows"] == [[7]]
