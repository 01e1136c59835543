"""Change intelligence over the API: categories and impact on the graph and the node panel, column lineage
(written artifacts with compiled SQL, see ``change_project.py``; no warehouse)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spyglass.project.change_types import ColumnHop, ColumnLineageView, Transformation
from spyglass.project.models import Env
from spyglass.server.change_views import column_lineage_response
from spyglass.server.config import ServerConfig
from spyglass.server.schemas import MAX_LISTED
from tests.server.change_project import write_change_project
from tests.server.conftest import MakeClient

TOKEN = "change-intelligence-token-0123456789"


@pytest.fixture
def changes(make_client: MakeClient, tmp_path: Path) -> TestClient:
    return make_client(settings=write_change_project(tmp_path / "change"))


def _graph(client: TestClient, **params: str) -> dict[str, dict[str, Any]]:
    response = client.get("/api/lineage", params=params)
    assert response.status_code == 200, response.text
    return {n["name"]: n for n in response.json()["nodes"]}


def _hops(hops: list[dict[str, Any]]) -> set[tuple[str, str, str, int]]:
    return {(h["node"], h["column"], h["transformation"], h["depth"]) for h in hops}


def test_graph_nodes_say_what_the_change_can_affect(changes: TestClient) -> None:
    nodes = _graph(changes)
    assert (nodes["stg_orders"]["change"], nodes["stg_orders"]["category"]) == ("modified", "partial_breaking")
    assert nodes["stg_orders"]["affected_columns"] == ["amount"]
    assert (nodes["stg_customers"]["change"], nodes["stg_customers"]["category"]) == ("modified", "breaking")
    assert (nodes["orders"]["change"], nodes["orders"]["category"]) == ("impacted", None)
    assert nodes["orders"]["affected_columns"] == ["amount_cents"] and not nodes["orders"]["whole_node"]
    assert nodes["customer_revenue"]["affected_columns"] == ["revenue"]
    assert nodes["customer_report"]["whole_node"] is True
    assert nodes["customer_report"]["affected_columns"] == ["customer_id", "name"]
    assert nodes["revenue_dashboard"]["change"] == "impacted"
    # downstream of a change, but it reads only columns the change leaves alone
    assert nodes["order_status"]["impacted"] is True
    assert nodes["order_status"]["change"] is None and nodes["order_status"]["affected_columns"] == []
    # unchanged and upstream: no change can affect them
    everything = _graph(changes, all="true")
    assert everything["raw_orders"]["change"] is None and everything["raw_orders"]["affected_columns_total"] == 0


def test_modified_node_detail_has_category_reasons_and_columns(changes: TestClient) -> None:
    detail = changes.get("/api/nodes/model.shop.stg_orders").json()
    impact = detail["impact"]
    assert (impact["change"], impact["category"]) == ("modified", "partial_breaking")
    assert impact["reasons"] and all(isinstance(r, str) and r for r in impact["reasons"])
    assert impact["columns"] == {"amount": "modified"}
    assert {"orders.amount_cents", "customer_revenue.revenue"} <= set(impact["impacted_columns"])
    assert not any(c.startswith("order_status.") for c in impact["impacted_columns"])
    assert impact["impacted_columns_total"] == len(impact["impacted_columns"])
    assert set(impact["impacted_nodes"]) == {"model.shop.orders", "model.shop.customer_revenue"}
    columns = {c["name"]: c for c in detail["lineage_columns"]}
    assert [c["name"] for c in detail["lineage_columns"]] == ["order_id", "customer_id", "amount", "status"]
    assert (columns["amount"]["change"], columns["amount"]["transformation"]) == ("modified", "derived")
    assert columns["amount"]["upstream"] == ["raw_orders.amount"]
    assert (columns["status"]["change"], columns["status"]["transformation"]) == (None, "passthrough")
    assert detail["lineage_reason"] is None and detail["lineage_columns_total"] == 4


def test_breaking_node_names_its_filter_and_the_dashboards_it_reaches(changes: TestClient) -> None:
    impact = changes.get("/api/nodes/model.shop.stg_customers").json()["impact"]
    assert impact["category"] == "breaking"
    assert any("filter" in reason for reason in impact["reasons"]), impact["reasons"]
    assert "model.shop.customer_report" in impact["impacted_nodes"]
    assert impact["exposures"] == ["revenue_dashboard"]


def test_impacted_node_detail_marks_its_affected_columns(changes: TestClient) -> None:
    detail = changes.get("/api/nodes/model.shop.orders").json()
    assert detail["impact"]["change"] == "impacted" and detail["impact"]["category"] is None
    impacted = {c["name"]: c["impacted"] for c in detail["lineage_columns"]}
    assert impacted == {"order_id": False, "customer_id": False, "amount_cents": True, "status": False}
    untouched = changes.get("/api/nodes/model.shop.order_status").json()
    assert untouched["impact"] is None and not any(c["impacted"] for c in untouched["lineage_columns"])


def test_column_lineage_walks_upstream_and_downstream_across_models(changes: TestClient) -> None:
    response = changes.get("/api/column-lineage", params={"node": "model.shop.orders", "column": "amount_cents"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["unique_id"], body["node"], body["column"], body["env"]) == (
        "model.shop.orders", "orders", "amount_cents", "current")
    assert _hops(body["upstream"]) == {("stg_orders", "amount", "derived", 1), ("raw_orders", "amount", "source", 2)}
    assert _hops(body["downstream"]) == {("customer_revenue", "revenue", "aggregated", 1)}
    assert (body["upstream_total"], body["downstream_total"]) == (2, 1)
    assert body["upstream"][0]["unique_id"] == "model.shop.stg_orders"


def test_column_lineage_of_the_base_side_and_a_bounded_depth(changes: TestClient) -> None:
    base = changes.get("/api/column-lineage", params={"node": "model.shop.stg_orders", "column": "AMOUNT",
                                                      "env": "base"}).json()
    assert base["env"] == "base" and base["column"] == "amount"
    assert _hops(base["upstream"]) == {("raw_orders", "amount", "source", 1)}
    near = changes.get("/api/column-lineage", params={"node": "model.shop.stg_orders", "column": "amount",
                                                      "depth": "1"}).json()
    assert _hops(near["downstream"]) == {("orders", "amount_cents", "derived", 1)}


@pytest.mark.parametrize(("params", "status"), [
    ({"node": "model.shop.nope", "column": "amount"}, 404),
    ({"node": "model.shop.orders", "column": "no_such_column"}, 404),
    ({"node": "model.shop.orders", "column": "amount_cents", "env": "staging"}, 422),
    ({"node": "model.shop.orders", "column": "amount_cents", "depth": "0"}, 422),
    ({"node": "model.shop.orders"}, 422),
])
def test_column_lineage_refuses_what_it_cannot_answer(changes: TestClient, params: dict[str, str],
                                                      status: int) -> None:
    response = changes.get("/api/column-lineage", params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] and body["remedy"]
    assert "Traceback" not in response.text


def test_unknown_column_names_the_known_ones(changes: TestClient) -> None:
    body = changes.get("/api/column-lineage", params={"node": "model.shop.orders", "column": "nope"}).json()
    assert "nope" in body["error"] and "amount_cents" in body["error"]


def test_change_routes_pass_the_host_and_token_checks(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(settings=write_change_project(tmp_path / "change"), config=ServerConfig(auth_token=TOKEN))
    paths = ["/api/column-lineage?node=model.shop.orders&column=amount_cents", "/api/nodes/model.shop.orders",
             "/api/lineage"]
    for path in paths:
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"Host": "evil.example"}).status_code == 400, path
        assert client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200, path


def test_long_lineage_answers_are_capped_with_their_totals() -> None:
    hops = tuple(ColumnHop(unique_id=f"model.shop.m{i}", node=f"m{i}", column="c",
                           transformation=Transformation.PASSTHROUGH, depth=i + 1) for i in range(MAX_LISTED + 50))
    view = ColumnLineageView(unique_id="model.shop.start", node="start", column="c", upstream=hops, downstream=hops[:3])
    response = column_lineage_response(view, Env.BASE)
    assert len(response.upstream) == MAX_LISTED and response.upstream_total == MAX_LISTED + 50
    assert response.upstream[-1].node == f"m{MAX_LISTED - 1}"
    assert len(response.downstream) == response.downstream_total == 3


def test_without_compiled_sql_the_panel_says_why_and_lists_the_catalog_columns(client: TestClient) -> None:
    detail = client.get("/api/nodes/model.shop.customers").json()
    assert "compiled SQL" in detail["lineage_reason"]
    columns = {c["name"]: c for c in detail["lineage_columns"]}
    assert list(columns) == ["customer_id", "name", "email", "city"]  # current's, then the one only base has
    assert {name: c["transformation"] for name, c in columns.items()} == {
        "customer_id": "unknown", "name": "unknown", "email": "unknown", "city": "unknown"}
    # no classification of columns: the catalogs say which columns came and went
    assert {name: c["change"] for name, c in columns.items()} == {
        "customer_id": None, "name": None, "email": "added", "city": "removed"}
    # the SQL is the same text on both sides: only the materialization changed
    assert detail["impact"]["category"] == "non_breaking"
    assert any("materialized" in reason for reason in detail["impact"]["reasons"]), detail["impact"]["reasons"]
