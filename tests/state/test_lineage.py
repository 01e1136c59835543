"""The state's lineage summary carries the change intelligence the Markdown summary explains, capped; a
run records the changed nodes its check was about; state files written before load unchanged."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from spyglass.checks.registry import parse_spec
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import ArtifactPair, Env
from spyglass.state.lineage import MAX_IMPACTED, build_summary, catalog_column_count, check_nodes
from spyglass.state.models import LineageNode
from spyglass.state.store import load_state
from tests.project.change_pairs import Side, build_side, uid

RAW: dict[str, Sequence[str]] = {"raw_orders": ("id", "status", "amount")}
BASE_MODELS = {
    "orders": "select id, status, amount from {{ raw_orders }}",
    "stg_pay": "select id, amount from {{ raw_orders }}",
    "daily": "select status, sum(amount) as revenue, count(*) as n from {{ orders }} group by status",
    "pay_report": "select id, amount, 1 as one from {{ stg_pay }}",
}
CURRENT_MODELS = {**BASE_MODELS,
                  "orders": "select id, status, amount from {{ raw_orders }} where status <> 'returned'",
                  "stg_pay": "select id, amount * 2 as amount from {{ raw_orders }}"}
CATALOG: dict[str, Sequence[str]] = {
    "orders": ("id", "status", "amount"), "stg_pay": ("id", "amount"), "daily": ("status", "revenue", "n"),
    "pay_report": ("id", "amount", "one")}


def _pair(current_catalog: dict[str, Sequence[str]] = CATALOG) -> ArtifactPair:
    base = Side(seeds=RAW, models=BASE_MODELS, catalog=CATALOG, materialized={"stg_pay": "view"},
                exposures={"dash": ["daily"]})
    current = Side(seeds=RAW, models=CURRENT_MODELS, catalog=current_catalog, materialized={"stg_pay": "view"},
                   exposures={"dash": ["daily"]})
    return ArtifactPair(base=build_side(base, Env.BASE), current=build_side(current, Env.CURRENT))


def _nodes(pair: ArtifactPair, selected: set[str] | None = None, selection: str | None = None,
           ) -> dict[str, LineageNode]:
    lineage = diff_lineage(pair)
    summary = build_summary(pair, lineage, ChangeAnalysis(pair, lineage).impact(),
                            column_count=catalog_column_count(pair), selected=selected, selection=selection)
    assert summary.analysed
    return {node.name: node for node in summary.nodes}


def test_each_node_carries_its_change_category_and_impact() -> None:
    nodes = _nodes(_pair())

    orders, stg_pay = nodes["orders"], nodes["stg_pay"]
    assert (orders.change, orders.category) == ("modified", "breaking")
    assert any("new filter" in reason and "returned" in reason for reason in orders.category_reasons)
    assert orders.impacted_nodes == sorted([uid("daily"), "exposure.shop.dash"])
    assert orders.exposures == ["dash"] and orders.impacted_column_counts == {"daily": 3}
    assert (stg_pay.change, stg_pay.category, stg_pay.columns) == ("modified", "partial_breaking",
                                                                   {"amount": "modified"})
    assert stg_pay.impacted_nodes == [uid("pay_report")] and stg_pay.impacted_columns == ["pay_report.amount"]
    assert stg_pay.impacted_column_counts == {"pay_report": 1} and stg_pay.materialized == "view"
    report, daily = nodes["pay_report"], nodes["daily"]
    assert (report.change, report.whole_node, report.impacted_columns, report.column_count) == (
        "impacted", False, ["pay_report.amount"], 3)
    assert (daily.change, daily.whole_node, daily.status, daily.impacted) == ("impacted", True, "unchanged", True)
    assert (daily.impacted_columns, daily.impacted_column_count) == ([], 3)  # all of them: not listed
    assert all(node.built and node.selected for node in nodes.values() if node.resource_type == "model")


def test_a_node_missing_from_the_current_catalog_is_not_built_and_a_selection_marks_the_others() -> None:
    nodes = _nodes(_pair({name: cols for name, cols in CATALOG.items() if name != "daily"}),
                   selected={uid("orders"), uid("stg_pay")}, selection="--select orders stg_pay")

    assert nodes["daily"].built is False and nodes["orders"].built is True
    assert {name for name, node in nodes.items() if not node.selected} == {"daily", "pay_report", "dash"}


def test_without_the_analysis_the_summary_is_the_lineage_alone() -> None:
    pair = _pair()
    summary = build_summary(pair, diff_lineage(pair))
    assert not summary.analysed and summary.selection is None
    assert {n.name: (n.status, n.change, n.category) for n in summary.nodes if n.resource_type == "model"} == {
        "orders": ("modified", None, None), "stg_pay": ("modified", None, None),
        "daily": ("unchanged", None, None), "pay_report": ("unchanged", None, None)}


def test_lists_are_capped_and_their_full_lengths_kept() -> None:
    wide = {f"d{i:02d}": "select id, status from {{ orders }}" for i in range(MAX_IMPACTED + 10)}
    base = Side(seeds=RAW, models={"orders": BASE_MODELS["orders"], **wide})
    current = Side(seeds=RAW, models={"orders": CURRENT_MODELS["orders"], **wide})
    pair = ArtifactPair(base=build_side(base, Env.BASE), current=build_side(current, Env.CURRENT))
    lineage = diff_lineage(pair)

    orders = next(n for n in build_summary(pair, lineage, ChangeAnalysis(pair, lineage).impact()).nodes
                  if n.name == "orders")

    assert len(orders.impacted_nodes) == MAX_IMPACTED and orders.impacted_node_count == MAX_IMPACTED + 10
    assert len(orders.impacted_columns) == MAX_IMPACTED and orders.impacted_column_count == 2 * (MAX_IMPACTED + 10)
    assert len(orders.impacted_column_counts) == MAX_IMPACTED


def test_a_run_records_the_changed_nodes_its_check_is_about() -> None:
    pair = _pair()
    lineage = diff_lineage(pair)

    def about(type_name: str, **params: object) -> list[str]:
        return check_nodes(parse_spec(type_name, params).params, pair, lineage)

    assert about("row_count_diff") == [uid("orders"), uid("stg_pay")]  # its default: state:modified
    assert about("schema_diff", select="state:modified+") == sorted(
        [uid("daily"), uid("orders"), uid("pay_report"), uid("stg_pay"), "exposure.shop.dash"])
    assert about("value_diff", model="pay_report") == [uid("pay_report")]
    assert about("value_diff", model="raw_orders") == []  # unchanged, nowhere downstream of a change
    assert about("value_diff", model="no_such_model") == []  # the check itself says so when it runs
    assert about("query", sql_template="select 1") == []


def test_a_state_file_written_before_the_change_analysis_loads_with_empty_fields(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({
        "schema_version": 2, "spyglass_version": "0.9.0", "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "lineage": {"nodes": [{"unique_id": "model.shop.a", "name": "a", "resource_type": "model",
                               "status": "modified", "reasons": ["code"]}], "edges": []},
        "checks": [], "runs": [{"run_id": "r", "spec": {"type": "lineage_diff", "params": {}}, "status": "success",
                                "started_at": "2026-01-01T00:00:00Z"}]}))

    state = load_state(path)

    assert state.lineage is not None and not state.lineage.analysed
    node = state.lineage.nodes[0]
    assert (node.change, node.category, node.columns, node.impacted_nodes, node.selected) == (
        None, None, {}, [], True)
    assert state.runs[0].node_ids == []
