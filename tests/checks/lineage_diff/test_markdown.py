"""Markdown details of lineage_diff results: changed nodes listed with why, the rest counted."""

from __future__ import annotations

from pathlib import Path

from spyglass.checks.lineage_diff import LineageDiffParams, LineageDiffResult, LineageNodeStatus
from spyglass.checks.lineage_diff.markdown import MAX_NODES, render
from spyglass.checks.lineage_diff.run import run
from spyglass.report.markdown import render_details
from tests.checks.lineage_diff.test_run import make_context


def test_changed_nodes_listed_with_reasons(tmp_path: Path) -> None:
    result = run(LineageDiffParams(), make_context(tmp_path))
    text = render(result)
    assert text.startswith("Lineage diff of `1+state:modified+`: 1 added, 1 removed, 2 modified of 9 nodes.\n")
    assert "| Status | Node | Type | Category | Why | Changed columns | Can affect |" in text
    assert "| added | `customer_ltv` | model |  |  |  |  |" in text
    assert "| removed | `old_report` | model |  |  |  |  |" in text
    assert "| modified | `customers` | model | non-breaking | config only: materialized |  |  |" in text
    assert ("| modified | `stg_orders` | model | unknown | no compiled SQL on both sides: run dbt compile or dbt "
            "build |  | `customers.customer_id`, `customers.name` |") in text
    assert ("Unchanged but a change upstream can affect them: `customer_dashboard`, `orders`, `orders_snapshot`."
            in text)
    assert "2 other selected nodes unchanged." in text
    assert render_details(result) == text


def test_no_changes() -> None:
    node = LineageNodeStatus(unique_id="model.shop.a", name="a", resource_type="model", status="unchanged")
    text = render(LineageDiffResult(selection="a", nodes=(node,)))
    assert text == "Lineage diff of `a`: no changes in 1 node.\n\n1 other selected node unchanged.\n"


def test_long_lists_are_capped() -> None:
    nodes = tuple(LineageNodeStatus(unique_id=f"model.shop.m{i:03}", name=f"m{i:03}", resource_type="model",
                                    status="added") for i in range(MAX_NODES + 7))
    text = render(LineageDiffResult(selection="state:new", nodes=nodes))
    assert text.count("| added |") == MAX_NODES
    assert "| … | 7 more changed nodes | | |" in text
