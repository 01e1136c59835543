"""What each change needs to be verified, which checks verified it, and why the others are not verified."""

from __future__ import annotations

import pytest

from spyglass.checks.profile import ProfileDiffResult
from spyglass.checks.row_count import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.checks.schema_diff import NodeSchemaDiff, SchemaDiffResult
from spyglass.checks.top_k import TopKDiffResult, TopKSide
from spyglass.checks.value_diff import ValueDiffResult
from spyglass.report.explain import (
    ImpactedNode,
    Need,
    Reason,
    category_counts,
    explained_order,
    gather,
    impacted_by,
    need_of,
    unverified,
)
from spyglass.state.models import LineageNode, RunStatus
from tests.records import spec_of
from tests.report.explained_state import Checks, counts, node, state, uid


def _value_diff(model: str, *, removed: int = 0, changed: int = 0) -> ValueDiffResult:
    return ValueDiffResult(model=model, primary_key=("id",), base_rows=100, current_rows=100 - removed,
                           added=0, removed=removed, in_both=100 - removed, changed=changed, columns=())


@pytest.mark.parametrize(("lineage_node", "need"), [
    (node("a", category="breaking"), Need.ROWS),
    (node("a", category="unknown"), Need.ROWS),
    (node("a", category=None), Need.ROWS),
    (node("a", category="partial_breaking", columns={"amount": "modified", "x": "removed"}), Need.VALUES),
    (node("a", category="partial_breaking", columns={"email": "removed"}), Need.SCHEMA),
    (node("a", category="non_breaking", columns={"new": "added"}), Need.SCHEMA),
    (node("a", category="non_breaking", whole_node=True), Need.ROWS),
    (node("a", "added"), Need.ROWS),
    (node("a", "removed"), Need.NOTHING),
    (node("a", "impacted", whole_node=True), Need.ROWS),
    (node("a", "impacted", impacted_columns=["a.amount"], impacted_column_count=1), Need.VALUES),
    (node("a", None), Need.NOTHING),
    (node("a", "impacted", whole_node=True).model_copy(update={"resource_type": "exposure"}), Need.NOTHING),
])
def test_what_a_change_needs_to_be_verified(lineage_node: LineageNode, need: Need) -> None:
    assert need_of(lineage_node) is need


def test_each_check_type_verifies_as_far_as_it_reaches() -> None:
    nodes = [node(name, "impacted") for name in ("counted", "diffed", "profiled", "schema", "top_k", "missing")]
    checks = (Checks()
              .ran("counts", spec_of("row_count_diff"), counts(("counted", 10, 9), ("missing", 10, None)))
              .ran("values", spec_of("value_diff", model="diffed"), _value_diff("diffed", removed=1))
              .ran("profile", spec_of("profile_diff", model="profiled"), ProfileDiffResult(model="profiled"))
              .ran("schema", spec_of("schema_diff"), SchemaDiffResult(nodes=(NodeSchemaDiff(
                  unique_id=uid("schema"), name="schema", resource_type="model", status="unchanged",
                  coverage="complete"),)))
              .ran("top", spec_of("top_k_diff", model="top_k", column_name="x"), TopKDiffResult(
                  model="top_k", column_name="x", k=1, values=(), base=TopKSide(row_count=1, non_null=1),
                  current=TopKSide(row_count=1, non_null=1))))

    found = gather(state(nodes, checks))

    assert {name: found[uid(name)].covered for name in ("counted", "diffed", "profiled", "schema", "top_k",
                                                          "missing")} == {
        "counted": Need.ROWS, "diffed": Need.VALUES, "profiled": Need.VALUES, "schema": Need.SCHEMA,
        "top_k": Need.NOTHING, "missing": Need.NOTHING}
    counted, diffed = found[uid("counted")].rows, found[uid("diffed")].values
    assert counted is not None and counted.delta == -1
    assert diffed is not None and diffed.removed == 1
    assert found[uid("missing")].missing


def test_a_partial_breaking_change_with_only_row_counts_is_not_verified_but_a_breaking_one_is() -> None:
    partial = node("partial", category="partial_breaking", columns={"amount": "modified"})
    breaking = node("breaking", category="breaking")
    checks = Checks().ran("counts", spec_of("row_count_diff"), counts(("partial", 5, 5), ("breaking", 9, 8)))

    missing = unverified(state([partial, breaking], checks))

    assert [(m.node.name, m.reason, m.covered) for m in missing] == [
        ("partial", Reason.NO_VALUE_DIFF, Need.ROWS)]


@pytest.mark.parametrize(("lineage_node", "checks", "reason"), [
    (node("a", category="breaking", selected=False), Checks(), Reason.OUTSIDE_SELECTION),
    (node("a", category="breaking", materialized="ephemeral"), Checks(), Reason.EPHEMERAL),
    (node("a", category="breaking", built=False), Checks(), Reason.NOT_BUILT),
    (node("a", category="breaking"), Checks().ran("counts", spec_of("row_count_diff"), counts(("a", 3, None))),
     Reason.NOT_BUILT),
    (node("a", category="breaking"),
     Checks().ran("counts", spec_of("row_count_diff"), RowCountDiffResult(rows=(RowCountRow(
         unique_id=uid("a"), name="a", resource_type="model", base=SideCount(status=SideStatus.OK, count=1),
         current=SideCount(status=SideStatus.NOT_MATERIALIZED)),))), Reason.EPHEMERAL),
    (node("a", category="partial_breaking"),
     Checks().ran("values", spec_of("value_diff", model="a"), status=RunStatus.FAILED, error="no key"),
     Reason.CHECK_FAILED),
    (node("a", category="breaking"),
     Checks().ran("counts", spec_of("row_count_diff"), status=RunStatus.SKIPPED, node_ids=[uid("a")]),
     Reason.CHECK_FAILED),
    (node("a", category="partial_breaking", primary_key=[]), Checks(), Reason.NO_PRIMARY_KEY),
    (node("a", category="partial_breaking"), Checks(), Reason.NO_VALUE_DIFF),
    (node("a", category="breaking", materialized="view"), Checks(), Reason.VIEW),
    (node("a", "added"), Checks(), Reason.NO_ROW_COUNT),
    (node("a", category="non_breaking"), Checks(), Reason.NO_SCHEMA_DIFF),
])
def test_why_a_node_is_not_verified(lineage_node: LineageNode, checks: Checks, reason: Reason) -> None:
    missing = unverified(state([lineage_node], checks))
    assert [(m.node.name, m.reason) for m in missing] == [("a", reason)]


def test_a_failed_check_is_attributed_by_the_nodes_its_run_recorded_not_by_other_checks_nodes() -> None:
    nodes = [node("a", category="breaking"), node("b", category="breaking")]
    checks = (Checks().ran("counts of a", spec_of("row_count_diff", select="a"), status=RunStatus.FAILED,
                           error="The warehouse is down.", node_ids=[uid("a"), "model.shop.not_in_summary"])
              .ran("never ran", spec_of("value_diff", model="b"), status=RunStatus.RUNNING))

    missing = {m.node.name: m for m in unverified(state(nodes, checks))}

    assert [(p.check, p.outcome, p.message) for p in missing["a"].problems] == [
        ("counts of a", "error", "The warehouse is down.")]
    assert [(p.check, p.outcome) for p in missing["b"].problems] == [("never ran", "not run")]


def test_a_failed_check_does_not_hide_another_that_verified_the_node() -> None:
    checks = (Checks().ran("values", spec_of("value_diff", model="a"), status=RunStatus.FAILED, error="boom")
              .ran("values again", spec_of("value_diff", model="a", primary_key="id"), _value_diff("a")))
    assert unverified(state([node("a", category="partial_breaking")], checks)) == []


def test_an_older_state_without_the_analysis_lists_nothing() -> None:
    assert unverified(state([node("a", category="breaking")], analysed=False)) == []


def test_changed_nodes_are_ordered_by_what_they_can_break_then_added_and_removed() -> None:
    nodes = [node("z_added", "added"), node("removed", "removed"), node("b_non", category="non_breaking"),
             node("c_partial", category="partial_breaking"), node("d_breaking", category="breaking"),
             node("a_breaking", category="breaking"), node("impacted", "impacted"), node("quiet", None)]

    assert [n.name for n in explained_order(nodes)] == ["a_breaking", "d_breaking", "c_partial", "b_non",
                                                        "z_added", "removed"]
    assert [n.name for n in explained_order(nodes, impacted_too=True)][-1] == "impacted"
    assert category_counts(nodes) == {"added": 1, "removed": 1, "non_breaking": 1, "partial_breaking": 1,
                                      "breaking": 2, "impacted": 1}


def test_what_a_change_impacts_counts_the_columns_it_reaches_in_each_node() -> None:
    partial = node("stg", category="partial_breaking", impacted_nodes=[
        uid("fct"), uid("daily"), uid("new"), uid("gone"), "exposure.shop.dash", "model.shop.elsewhere"],
        impacted_column_counts={"fct": 1, "daily": 4})
    by_id = {n.unique_id: n for n in [
        partial, node("fct", "impacted", column_count=8), node("daily", "impacted", column_count=4),
        node("new", "added"), node("gone", "removed")]}

    assert impacted_by(partial, by_id) == [ImpactedNode("daily"), ImpactedNode("elsewhere"),
                                           ImpactedNode("fct", columns=1, of_columns=8)]
    for whole in ({"category": "breaking"}, {"category": "unknown"}, {"category": None, "change": "removed"}):
        assert [i.columns for i in impacted_by(partial.model_copy(update=whole), by_id)] == [None, None, None]
