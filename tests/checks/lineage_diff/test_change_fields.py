"""lineage_diff carries what `spyglass impact` says of each node (change, category, reasons, columns,
impacted_columns), from the session's change analysis; older results without those fields still load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import JsonValue

from spyglass.checks.base import CheckContext
from spyglass.checks.lineage_diff import LineageDiffParams, LineageDiffResult, LineageNodeStatus
from spyglass.checks.lineage_diff.markdown import MAX_COLUMNS, render
from spyglass.checks.lineage_diff.run import run
from spyglass.checks.registry import parse_spec
from spyglass.cli.impact import impact_json
from spyglass.project.change_types import ImpactReport
from spyglass.project.changes import ChangeAnalysis
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import RunRecord, RunStatus
from spyglass.warehouse.base import CancelToken
from tests.checks.lineage_diff.change_project import write_change_project


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return Session.load(ProjectSettings(project_dir=write_change_project(tmp_path)))


def _run(session: Session, **params: JsonValue) -> LineageDiffResult:
    record = session.run_check(parse_spec("lineage_diff", params))
    assert record.status is RunStatus.SUCCESS and isinstance(record.result, LineageDiffResult)
    return record.result


def _nodes(result: LineageDiffResult) -> dict[str, LineageNodeStatus]:
    return {node.name: node for node in result.nodes}


def test_nodes_carry_the_change_analysis(session: Session) -> None:
    nodes = _nodes(_run(session))
    stg = nodes["stg_orders"]
    assert (stg.status, stg.change, stg.category) == ("modified", "modified", "partial_breaking")
    assert stg.reasons == ("columns modified: amount",)
    assert stg.columns == {"amount": "modified"}
    assert stg.impacted_columns == ("customer_revenue.revenue", "orders.amount_cents")
    big = nodes["big_orders"]
    assert (big.category, big.impacted_columns) == ("breaking", ("big_orders_report.n", "big_orders_report.total"))
    assert (nodes["new_model"].change, nodes["new_model"].category) == ("added", None)
    assert (nodes["legacy"].change, nodes["legacy"].category) == ("removed", None)
    orders = nodes["orders"]
    assert (orders.status, orders.impacted, orders.change, orders.category) == ("unchanged", True, "impacted", None)
    assert orders.impacted_columns == ("orders.amount_cents",)
    # downstream of stg_orders in the graph, but made only of columns the change leaves alone
    status = nodes["order_status"]
    assert (status.impacted, status.change, status.impacted_columns) == (True, "unchanged", ())
    assert (nodes["raw_orders"].change, nodes["raw_orders"].impacted) == ("unchanged", False)


def test_same_fields_as_spyglass_impact(session: Session) -> None:
    """Each changed or impacted node is, field for field, what `spyglass impact --json` prints of it."""
    result = _run(session, select="state:modified+")
    changes = session.snapshot.changes
    printed = json.loads(impact_json(ImpactReport(nodes=changes.impact().nodes)))["nodes"]
    fields = list(printed[0])
    entries = [{name: value for name, value in node.model_dump(mode="json").items() if name in fields}
               for node in result.nodes if node.change != "unchanged"]
    assert sorted(entries, key=lambda e: e["unique_id"]) == sorted(printed, key=lambda e: e["unique_id"])


def test_a_selected_node_is_impacted_whatever_the_selection_of_its_upstream(session: Session) -> None:
    orders = _run(session, select="orders").nodes
    assert [(n.name, n.change, n.impacted_columns) for n in orders] == [
        ("orders", "impacted", ("orders.amount_cents",))]
    assert [(n.name, n.change) for n in _run(session, select="order_status").nodes] == [("order_status", "unchanged")]
    only = _run(session, select="stg_orders").nodes  # its downstream is not selected, but still named
    assert [(n.name, n.impacted_columns) for n in only] == [
        ("stg_orders", ("customer_revenue.revenue", "orders.amount_cents"))]


def test_the_session_shares_its_analysis_and_a_bare_context_builds_one(session: Session) -> None:
    ctx = session.context()
    assert ctx.changes is session.snapshot.changes and ctx.change_analysis() is ctx.changes
    bare = CheckContext(artifacts=ctx.artifacts, lineage=ctx.lineage, warehouse=None, cancel=CancelToken())
    assert bare.changes is None and isinstance(bare.change_analysis(), ChangeAnalysis)
    assert run(LineageDiffParams(), bare) == run(LineageDiffParams(), ctx)


def test_markdown_shows_category_and_columns(session: Session) -> None:
    text = render(_run(session))
    assert ("| modified | `stg_orders` | model | partial breaking | columns modified: amount | modified: `amount` "
            "| `customer_revenue.revenue`, `orders.amount_cents` |") in text
    assert ("| modified | `big_orders` | model | breaking | filter changed: \\`amount &gt; 10\\` → \\`amount &gt; "
            "20\\` |  | `big_orders_report.n`, `big_orders_report.total` |") in text
    assert ("Unchanged but a change upstream can affect them: `revenue_dashboard`, `big_orders_report` (2 columns), "
            "`customer_revenue` (1 column), `orders` (1 column).") in text
    assert "Downstream of a change that cannot affect them: `order_status`." in text
    assert "1 other selected node unchanged." in text  # raw_orders, the parent of the changes


def test_markdown_caps_and_escapes_columns() -> None:
    columns = {f"c{i:02}": "added" for i in range(MAX_COLUMNS + 3)} | {"a|`b": "removed"}
    node = LineageNodeStatus.model_validate({
        "unique_id": "model.p.m", "name": "m", "resource_type": "model", "status": "modified",
        "change": "modified", "category": "non_breaking", "columns": columns,
        "impacted_columns": [f"d.x{i}" for i in range(MAX_COLUMNS + 1)]})
    text = render(LineageDiffResult(selection="m", nodes=(node,)))
    row = next(line for line in text.splitlines() if line.startswith("| modified |"))
    assert "| non-breaking |" in row and "removed: <code>a\\|\\`b</code>" in row
    assert f"added: {', '.join(f'`c{i:02}`' for i in range(MAX_COLUMNS))} and 3 more" in row
    assert row.endswith(" and 1 more |")


def test_results_saved_before_the_analysis_still_load() -> None:
    old = {"kind": "lineage_diff", "selection": "1+state:modified+", "notes": [], "edges": [], "nodes": [
        {"unique_id": "model.shop.a", "name": "a", "resource_type": "model", "status": "modified",
         "reasons": ["code"], "impacted": False},
        {"unique_id": "model.shop.b", "name": "b", "resource_type": "model", "status": "unchanged",
         "reasons": [], "impacted": True},
        {"unique_id": "model.shop.c", "name": "c", "resource_type": "model", "status": "unchanged",
         "reasons": [], "impacted": False}]}
    record = RunRecord.model_validate({"run_id": "r", "spec": {"type": "lineage_diff", "params": {}},
                                       "status": "success", "started_at": "2026-01-01T00:00:00Z", "result": old})
    result = record.result
    assert isinstance(result, LineageDiffResult)
    assert [(n.change, n.category, n.reasons, n.columns, n.impacted_columns) for n in result.nodes] == [
        ("modified", None, ("code",), {}, ()), ("impacted", None, (), {}, ()), ("unchanged", None, (), {}, ())]
    assert "| modified | `a` | model |  | code |  |  |" in render(result)
    assert RunRecord.model_validate_json(record.model_dump_json()) == record  # and saves with the new fields
