"""Runs and the checklist over the API, and the state file they are saved to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from spyglass.settings import ProjectSettings
from tests.server.conftest import MakeClient


def _run(client: TestClient, type_name: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
    started = client.post("/api/runs", json={"spec": {"type": type_name, "params": params}, **extra})
    assert started.status_code == 202, started.text
    view = client.get(f"/api/runs/{started.json()['run_id']}/wait", params={"timeout": 30}).json()
    assert view["status"] != "running"
    return view  # type: ignore[no-any-return]


def test_schema_diff_run_succeeds_without_a_warehouse(client: TestClient) -> None:
    view = _run(client, "schema_diff", {"select": "customers"})
    assert view["status"] == "success", view
    assert view["result"]["kind"] == "schema_diff"
    assert view["mismatch"] is True
    assert view["title"]
    assert client.get(f"/api/runs/{view['run_id']}").json()["status"] == "success"
    assert view["run_id"] in [r["run_id"] for r in client.get("/api/runs").json()]


def test_warehouse_check_without_profile_is_an_error_saying_why_not_500(client: TestClient) -> None:
    """It was recorded as "skipped" with a misleading message: a check that could not run failed."""
    view = _run(client, "row_count_diff", {"select": "customers"})
    assert view["status"] == "failed"
    assert view["error"]["kind"] == "ConfigError"
    assert view["error"]["message"].startswith("No profiles.yml in ")
    assert "--profiles-dir" in view["error"]["remedy"]


def test_a_failed_connect_is_retried_by_the_next_run(client: TestClient, shop_project: ProjectSettings) -> None:
    """The first failure was cached for the life of the server: every later run repeated it."""
    assert _run(client, "row_count_diff", {"select": "customers"})["error"]["kind"] == "ConfigError"
    (shop_project.project_dir / "profiles.yml").write_text(yaml.safe_dump({"no_such_profile": {
        "target": "dev", "outputs": {"dev": {"type": "duckdb", "path": str(shop_project.project_dir / "shop.duckdb"),
                                             "threads": 1}}}}))
    view = _run(client, "row_count_diff", {"select": "customers"})
    assert view["status"] == "success", view  # connected now; the tables are simply not built
    assert view["result"]["kind"] == "row_count_diff"


def test_create_and_patch_validate_as_runs_do(client: TestClient) -> None:
    """POST /api/checks took an unknown type and PATCH took invalid params (201/200), while POST /api/runs
    refused them: every route now refuses a spec that does not fit with the same 422 saying what to fix."""
    run = client.post("/api/runs", json={"spec": {"type": "nonsense", "params": {}}})
    create = client.post("/api/checks", json={"spec": {"type": "nonsense", "params": {}}})
    assert (run.status_code, create.status_code) == (422, 422)
    assert create.json() == run.json()
    assert "'nonsense'" in create.json()["error"] and "'row_count_diff'" in create.json()["error"]

    bad = {"model": "customers", "k": "many"}
    run = client.post("/api/runs", json={"spec": {"type": "top_k_diff", "params": bad}})
    create = client.post("/api/checks", json={"spec": {"type": "top_k_diff", "params": bad}})
    assert (run.status_code, create.status_code) == (422, 422)
    assert create.json() == run.json()
    assert "params.k: Input should be a valid integer" in create.json()["error"]

    city = {"model": "customers", "column_name": "city"}
    check = client.post("/api/checks", json={"spec": {"type": "top_k_diff", "params": city}})
    assert check.status_code == 201, check.text
    check_id = check.json()["check_id"]
    patched = client.patch(f"/api/checks/{check_id}", json={"params": bad})
    assert patched.status_code == 422
    assert patched.json()["error"].startswith("Invalid params for top_k_diff: column_name: Field required; k: ")
    other = client.patch(f"/api/checks/{check_id}", json={"spec": {"type": "profile_diff", "params": city}})
    assert other.status_code == 400 and "a patch cannot make it a profile_diff" in other.json()["error"]
    assert client.get(f"/api/checks/{check_id}").json()["spec"] == {"type": "top_k_diff", "params": city}
    assert client.patch("/api/checks/nope", json={"params": bad}).status_code == 404
    assert client.get("/api/checks").json() == [check.json()]  # nothing invalid was stored


def test_check_lifecycle_create_approve_rerun_reorder_delete(client: TestClient, tmp_path: Path) -> None:
    run = _run(client, "schema_diff", {"select": "customers"})
    first = client.post("/api/checks", json={"run_id": run["run_id"]})
    assert first.status_code == 201, first.text
    check = first.json()
    assert check["last_run"]["run_id"] == run["run_id"]
    assert check["spec"] == {"type": "schema_diff", "params": {"select": "customers"}}
    second = client.post("/api/checks", json={"spec": {"type": "lineage_diff"}, "name": "Lineage"}).json()
    assert second["name"] == "Lineage" and second["last_run"] is None

    approved = client.patch(f"/api/checks/{check['check_id']}", json={"approved": True}).json()
    assert approved["approved"] is True
    renamed = client.patch(f"/api/checks/{check['check_id']}", json={"name": "Customers schema"}).json()
    assert renamed["name"] == "Customers schema" and renamed["approved"] is True
    reparam = client.patch(f"/api/checks/{check['check_id']}", json={"params": {"select": "stg_orders"}}).json()
    assert reparam["approved"] is False  # new params: approval must be given again

    rerun = client.post(f"/api/checks/{second['check_id']}/run")
    assert rerun.status_code == 202
    client.get(f"/api/runs/{rerun.json()['run_id']}/wait", params={"timeout": 30})
    latest = client.get(f"/api/checks/{second['check_id']}").json()["last_run"]
    assert latest["run_id"] == rerun.json()["run_id"] and latest["status"] == "success"

    order = [second["check_id"], check["check_id"]]
    assert [c["check_id"] for c in client.post("/api/checks/reorder", json={"check_ids": order}).json()] == order
    assert client.post("/api/checks/reorder", json={"check_ids": order[:1]}).status_code == 400

    assert client.post("/api/state/save").status_code == 200  # written in the background otherwise
    saved = json.loads((tmp_path / "state.json").read_text())
    assert [c["check_id"] for c in saved["checks"]] == order
    assert saved["checks"][1]["name"] == "Customers schema"

    assert client.delete(f"/api/checks/{check['check_id']}").status_code == 204
    assert client.get(f"/api/checks/{check['check_id']}").status_code == 404
    assert [c["check_id"] for c in client.get("/api/checks").json()] == [second["check_id"]]
    assert client.post("/api/state/save").status_code == 200
    saved = json.loads((tmp_path / "state.json").read_text())
    assert [c["check_id"] for c in saved["checks"]] == [second["check_id"]]


def test_export_then_import_into_another_server(client: TestClient, make_client: MakeClient,
                                                tmp_path: Path) -> None:
    run = _run(client, "schema_diff", {"select": "customers"})
    client.post("/api/checks", json={"run_id": run["run_id"], "name": "Kept"})
    exported = client.get("/api/state/export")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]

    other = make_client(state_path=tmp_path / "other.json")
    assert other.get("/api/checks").json() == []
    imported = other.post("/api/state/import", content=exported.content,
                          headers={"Content-Type": "application/json"})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"checks": 1, "runs": 1}
    checks = other.get("/api/checks").json()
    assert checks[0]["name"] == "Kept" and checks[0]["last_run"]["result"]["kind"] == "schema_diff"
    assert other.post("/api/state/save").status_code == 200
    assert json.loads((tmp_path / "other.json").read_text())["checks"][0]["name"] == "Kept"


def test_import_of_a_non_state_file_is_refused(client: TestClient) -> None:
    response = client.post("/api/state/import", content=b'{"hello": 1}')
    assert response.status_code == 409
    assert "not a Spyglass state file" in response.json()["error"]


def test_server_loads_an_existing_state_file(make_client: MakeClient, tmp_path: Path) -> None:
    first = make_client(state_path=tmp_path / "kept.json")
    first.post("/api/checks", json={"spec": {"type": "lineage_diff", "params": {}}, "name": "From before"})
    assert first.post("/api/state/save").status_code == 200  # as when it stops
    second = make_client(state_path=tmp_path / "kept.json")
    assert [c["name"] for c in second.get("/api/checks").json()] == ["From before"]


def test_save_writes_the_state_file(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/api/state/save")
    assert response.json() == {"path": str(tmp_path / "state.json")}
    assert json.loads((tmp_path / "state.json").read_text())["environment"]["current"]["adapter_type"] == "duckdb"
