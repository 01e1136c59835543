"""When dbt rewrites the artifacts, the server reloads them and open pages learn it (long poll)."""

from __future__ import annotations

import os
import time

from fastapi.testclient import TestClient

from spyglass.settings import ProjectSettings
from tests.project.manifest_builder import shop_builders


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
