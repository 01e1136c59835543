"""The API speaks check specs: ``{"spec": {"type": ..., "params": {...}}}`` in, the same out, documented as a
union discriminated by ``type``; Recce's aliases and its manual (``simple``) checks are accepted."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from spyglass.checks.registry import DEFINITIONS
from tests.state.test_migrate import version_1


def _wait(client: TestClient, run_id: str) -> dict[str, Any]:
    view = client.get(f"/api/runs/{run_id}/wait", params={"timeout": 30}).json()
    assert view["status"] != "running", view
    return view  # type: ignore[no-any-return]


def test_the_openapi_document_shows_the_spec_union(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    spec = schemas["RunRequest"]["properties"]["spec"]
    assert spec["discriminator"]["propertyName"] == "type"
    assert set(spec["discriminator"]["mapping"]) == set(DEFINITIONS)
    top_k = schemas["TopKDiffSpec"]["properties"]["params"]["$ref"].rsplit("/", 1)[1]
    assert schemas[top_k]["required"] == ["model", "column_name"]  # each type's params, typed
    run_view = next(s for name, s in schemas.items() if name.startswith("RunView"))
    assert run_view["properties"]["spec"]["discriminator"]["propertyName"] == "type"


def test_an_alias_is_accepted_and_answered_with_the_types_own_name(client: TestClient) -> None:
    started = client.post("/api/runs", json={"spec": {"type": "row_count", "params": {"select": "customers"}}})
    assert started.status_code == 202, started.text
    assert started.json()["spec"] == {"type": "row_count_diff", "params": {"select": "customers"}}


def test_a_manual_check_is_left_to_the_reviewer(client: TestClient) -> None:
    """Recce's `simple` checks were refused as an unknown type."""
    created = client.post("/api/checks", json={"spec": {"type": "simple"}, "name": "Dashboards load",
                                                "description": "Open the revenue dashboard."})
    assert created.status_code == 201, created.text
    check = created.json()
    assert check["spec"] == {"type": "simple", "params": {}}
    run = _wait(client, client.post(f"/api/checks/{check['check_id']}/run").json()["run_id"])
    assert run["status"] == "success" and run["result"]["kind"] == "simple"
    assert (run["mismatch"], run["conclusive"], run["headline"]) == (False, False, "manual check: a reviewer decides")
    assert "A reviewer verifies" in run["details_markdown"]
    assert client.get(f"/api/checks/{check['check_id']}").json()["approved"] is False  # never auto-approved
    approved = client.patch(f"/api/checks/{check['check_id']}", json={"approved": True}).json()
    _wait(client, client.post(f"/api/checks/{check['check_id']}/run").json()["run_id"])
    assert approved["approved"] and client.get(f"/api/checks/{check['check_id']}").json()["approved"]


def test_a_patch_replaces_the_spec_of_the_same_type_and_clears_the_approval(client: TestClient) -> None:
    check = client.post("/api/checks", json={"spec": {"type": "schema_diff", "params": {"select": "customers"}}})
    check_id = check.json()["check_id"]
    assert client.patch(f"/api/checks/{check_id}", json={"approved": True}).json()["approved"]
    new = {"type": "schema_diff", "params": {"select": "stg_orders"}}
    patched = client.patch(f"/api/checks/{check_id}", json={"spec": new})
    assert patched.status_code == 200, patched.text
    assert patched.json()["spec"] == new and patched.json()["approved"] is False
    both = client.patch(f"/api/checks/{check_id}", json={"spec": new, "params": {"select": "x"}})
    assert both.status_code == 400 and "either a spec or params" in both.json()["error"]


def test_an_import_of_a_version_1_state_is_migrated(client: TestClient) -> None:
    imported = client.post("/api/state/import", content=json.dumps(version_1()),
                           headers={"Content-Type": "application/json"})
    assert imported.status_code == 200, imported.text
    checks = client.get("/api/checks").json()
    assert [c["spec"]["type"] for c in checks] == ["row_count_diff", "value_diff_detail", "simple"]
    assert checks[1]["last_run"]["result"]["diff"]["truncated"] is True
