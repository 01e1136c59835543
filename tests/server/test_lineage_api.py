"""Lineage, node details and selection over the API (written artifacts, no warehouse)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_lineage_shows_changed_nodes_and_their_downstream(client: TestClient) -> None:
    graph = client.get("/api/lineage").json()
    status = {n["name"]: ("impacted" if n["impacted"] else n["status"]) for n in graph["nodes"]}
    assert status["stg_orders"] == "modified"
    assert status["customers"] == "modified"
    assert status["old_report"] == "removed"
    assert status["customer_ltv"] == "added"
    assert status["orders"] == "impacted"
    assert "stg_payments" not in status  # unchanged and not downstream of a change
    ids = {n["unique_id"] for n in graph["nodes"]}
    assert ["model.shop.stg_orders", "model.shop.orders"] in graph["edges"]
    assert all(p in ids and c in ids for p, c in graph["edges"])
    assert graph["version"] == 1


def test_lineage_all_includes_unchanged_nodes(client: TestClient) -> None:
    names = {n["name"] for n in client.get("/api/lineage", params={"all": "true"}).json()["nodes"]}
    assert {"stg_payments", "stg_customers", "raw_orders"} <= names


def test_node_detail_has_schema_diff_sql_and_primary_key(client: TestClient) -> None:
    detail = client.get("/api/nodes/model.shop.customers").json()
    assert detail["status"] == "modified"
    assert detail["primary_key"] == "customer_id"
    assert detail["columns_source"] == "catalog"
    changes = {c["name"]: (c["change"], c["base_type"], c["current_type"]) for c in detail["columns"]}
    assert changes == {
        "customer_id": ("type_changed", "INTEGER", "BIGINT"),
        "name": ("unchanged", "VARCHAR", "VARCHAR"),
        "email": ("added", None, "VARCHAR"),
        "city": ("removed", "VARCHAR", None),
    }
    assert detail["base_relation"] == '"shop"."main"."customers"'
    assert detail["current_relation"] == '"shop"."dev"."customers"'


def test_node_detail_of_modified_sql_shows_both_sides(client: TestClient) -> None:
    detail = client.get("/api/nodes/model.shop.stg_orders").json()
    assert detail["base_sql"] == "select * from {{ ref('raw_orders') }}"
    assert detail["current_sql"] == "select * from {{ ref('raw_orders') }} where amount > 0"


def test_removed_node_has_only_a_base_side(client: TestClient) -> None:
    detail = client.get("/api/nodes/model.shop.old_report").json()
    assert detail["status"] == "removed"
    assert detail["current_sql"] is None and detail["base_sql"]


def test_unknown_node_is_404_with_remedy(client: TestClient) -> None:
    response = client.get("/api/nodes/model.shop.nope")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "No node 'model.shop.nope' in either manifest."
    assert "lineage" in body["remedy"]


def test_select_uses_the_cli_syntax(client: TestClient) -> None:
    response = client.post("/api/select", json={"select": "state:modified", "exclude": "customers"})
    assert response.status_code == 200
    assert "model.shop.stg_orders" in response.json()["nodes"]
    assert "model.shop.customers" not in response.json()["nodes"]


def test_bad_selector_is_a_400(client: TestClient) -> None:
    response = client.post("/api/select", json={"select": "state:"})
    assert response.status_code == 400, response.text
    assert response.json()["remedy"]
