"""Bad requests get a 4xx with {error, remedy}; never a 500 or a traceback."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spyglass.server.config import ServerConfig
from tests.server.conftest import MakeClient


def _assert_clean(response_text: str) -> None:
    assert "Traceback" not in response_text and 'File "' not in response_text


def test_malformed_json_is_a_400(client: TestClient) -> None:
    response = client.post("/api/runs", content=b'{"type": "schema_diff",',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "The request body is not valid JSON."
    _assert_clean(response.text)


def test_unknown_field_is_a_422_naming_it(client: TestClient) -> None:
    response = client.post("/api/runs", json={"spec": {"type": "schema_diff"}, "parms": {}})
    assert response.status_code == 422
    assert "parms" in response.json()["error"]


def test_unknown_check_type_is_a_422_listing_the_known_ones(client: TestClient) -> None:
    response = client.post("/api/runs", json={"spec": {"type": "nonsense", "params": {}}})
    assert response.status_code == 422
    assert "'nonsense'" in response.json()["error"] and "'row_count_diff'" in response.json()["error"]
    assert response.json()["remedy"]


def test_bad_params_are_a_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/runs", json={"spec": {"type": "top_k_diff", "params": {"model": "c", "k": "many"}}})
    assert response.status_code == 422
    assert "spec.top_k_diff.params.k: Input should be a valid integer" in response.json()["error"]


def test_unknown_run_and_check_are_404(client: TestClient) -> None:
    assert client.get("/api/runs/nope").status_code == 404
    assert client.get("/api/runs/nope/wait").status_code == 404
    assert client.post("/api/runs/nope/cancel").status_code == 404
    assert client.patch("/api/checks/nope", json={"approved": True}).status_code == 404
    assert client.delete("/api/checks/nope").status_code == 404
    response = client.post("/api/runs", json={"spec": {"type": "schema_diff", "params": {}}, "check_id": "nope"})
    assert response.status_code == 404


def test_check_without_run_or_type_is_a_400(client: TestClient) -> None:
    response = client.post("/api/checks", json={"name": "empty"})
    assert response.status_code == 400


def test_oversized_body_is_a_413(make_client: MakeClient) -> None:
    small = make_client(config=ServerConfig(max_body_bytes=1024))
    response = small.post("/api/checks", content=b"x" * 5000)  # (the import has its own limit)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


def test_oversized_chunked_body_is_a_413(make_client: MakeClient) -> None:
    small = make_client(config=ServerConfig(max_body_bytes=1024))
    response = small.post("/api/checks", content=iter([b"x" * 800, b"y" * 800]))
    assert response.status_code == 413


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"


def test_openapi_document_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/api/lineage", "/api/nodes/{unique_id}", "/api/select", "/api/runs", "/api/runs/{run_id}/wait",
                  "/api/runs/{run_id}/cancel", "/api/checks", "/api/checks/{check_id}", "/api/checks/reorder",
                  "/api/checks/{check_id}/run", "/api/state/export", "/api/state/import", "/api/state/save",
                  "/api/query", "/api/info", "/api/events"):
        assert route in paths, route
    assert client.get("/docs").status_code == 404  # its page would load scripts from a CDN
