"""The lineage graph's per-node badges: what the checklist found about each node (the real demo and its
DuckDB warehouse), and the pure wording of each badge."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spyglass.checks.row_count import RowCountRow, SideCount, SideStatus
from spyglass.demo import DemoPaths
from spyglass.report.explain import NodeEvidence, Problem
from spyglass.server.badges import CheckOnNode, node_badge, rows_text
from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app, sandboxed_session
from spyglass.service import Session
from tests.server.conftest import in_process_client, in_process_config

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _row(base: int | None, current: int | None) -> RowCountRow:
    def side(count: int | None) -> SideCount:
        return SideCount(status=SideStatus.OK if count is not None else SideStatus.TABLE_MISSING, count=count)

    return RowCountRow(unique_id="model.x.a", name="a", resource_type="model", base=side(base), current=side(current))


@pytest.mark.parametrize(("base", "current", "expected"), [
    (1_000, 950, ("-5.0% rows", "changed")),
    (1_000, 1_000, ("±0 rows", "ok")),
    (100_000, 100_001, ("+<0.1% rows", "changed")),
    (0, 12, ("+12 rows", "changed")),
    (None, 1_200, ("1,200 rows", "review")),
    (1_000, None, None),
])
def test_row_count_badge_text(base: int | None, current: int | None, expected: tuple[str, str] | None) -> None:
    assert rows_text(_row(base, current)) == expected


def test_a_removed_node_says_what_it_had() -> None:
    gone = _row(1_000, None).model_copy(update={"current": SideCount(status=SideStatus.NOT_IN_MANIFEST)})
    assert rows_text(gone) == ("was 1,000 rows", "review")


def test_status_badge_when_no_figure() -> None:
    review = CheckOnNode("schema", approved=False, outcome="to review")
    approved = CheckOnNode("schema", approved=True, outcome="no change")
    assert node_badge(NodeEvidence(), [review]).text == "to review"
    badge = node_badge(NodeEvidence(), [approved])
    assert (badge.text, badge.tone, badge.approved, badge.details) == ("approved", "ok", True, ["schema: approved"])
    failed = node_badge(NodeEvidence(problems=[Problem("counts", "error", "boom")]), [review])
    assert (failed.text, failed.tone) == ("failed", "failed")
    assert node_badge(NodeEvidence(), [CheckOnNode("c", approved=False, outcome="not run")]).text == "not run"


def test_a_figure_wins_over_the_status() -> None:
    badge = node_badge(NodeEvidence(rows=_row(1_000, 950)), [CheckOnNode("counts", approved=True, outcome="mismatch")])
    assert (badge.text, badge.kind, badge.tone, badge.approved) == ("-5.0% rows", "rows", "changed", True)


# -- over the real demo ---------------------------------------------------------------------------------
@pytest.fixture
def demo_client(demo_build: DemoPaths, tmp_path: Path) -> Iterator[TestClient]:
    session = sandboxed_session(Session.load(demo_build.settings))
    app = build_app(session, tmp_path / "state.json", config=in_process_config(ServerConfig()),
                    environ=dict(os.environ))
    with in_process_client(app) as client:
        yield client
    session.close()


def _run_as_check(client: TestClient, spec: dict[str, Any]) -> dict[str, Any]:
    run_id = client.post("/api/runs", json={"spec": spec}).json()["run_id"]
    view = client.get(f"/api/runs/{run_id}/wait", params={"timeout": 60}).json()
    assert view["status"] == "success", view
    assert client.post("/api/checks", json={"run_id": run_id}).status_code == 201
    return view  # type: ignore[no-any-return]


@pytest.mark.slow
def test_lineage_badges_after_a_row_count_and_a_value_diff(demo_client: TestClient) -> None:
    assert demo_client.get("/api/lineage").json()["badges"] == {}  # no check yet: no badge
    view = _run_as_check(demo_client, {"type": "row_count_diff", "params": {"select": "state:modified+"}})
    rows = {row["unique_id"]: row for row in view["result"]["rows"]}
    badges = demo_client.get("/api/lineage").json()["badges"]
    assert set(rows) <= set(badges)
    for uid, row in rows.items():
        base, current = row["base"]["count"], row["current"]["count"]
        if base and current is not None and base != current:
            assert badges[uid]["text"] == f"{(current - base) * 100 / base:+.1f}% rows"
            assert (badges[uid]["kind"], badges[uid]["tone"]) == ("rows", "changed")
    texts = {badges[uid]["text"] for uid in rows}
    assert any(text.endswith("% rows") for text in texts), texts

    _run_as_check(demo_client, {"type": "value_diff", "params": {
        "model": "dim_customers", "primary_key": "customer_id"}})
    badge = demo_client.get("/api/lineage").json()["badges"]["model.spyglass_demo.dim_customers"]
    assert badge["kind"] == "values" and badge["text"].endswith("% match") and badge["tone"] == "changed"
    assert 0 < float(badge["text"].split("%")[0]) < 100
    assert len(badge["details"]) == 2  # the row count and the value diff are both about it


def test_a_check_not_run_yet_marks_its_node(client: TestClient) -> None:
    """Written artifacts, no warehouse: a value diff kept in the checklist before it ran."""
    created = client.post("/api/checks", json={"spec": {"type": "value_diff", "params": {
        "model": "customers", "primary_key": "customer_id"}}})
    assert created.status_code == 201
    badges = client.get("/api/lineage").json()["badges"]
    assert set(badges) == {"model.shop.customers"}
    badge = badges["model.shop.customers"]
    assert (badge["text"], badge["kind"], badge["tone"]) == ("not run", "status", "review")
    assert badge["details"] == [f"{created.json()['name']}: not run"]
    client.patch(f"/api/checks/{created.json()['check_id']}", json={"approved": True})
    assert client.get("/api/lineage").json()["badges"]["model.shop.customers"]["text"] == "approved"
