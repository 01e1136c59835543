"""A run's --select/--exclude applied to each check's params (pure), on the shop manifests.

Shop changes (see ``shop_builders``): ``stg_orders`` modified, ``customers`` view -> table, ``old_report``
removed, ``customer_ltv`` added; ``orders`` and ``customers`` are tagged ``mart``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.checks.lineage_diff import LineageDiffParams
from spyglass.checks.query import QueryParams
from spyglass.checks.row_count import RowCountDiffParams
from spyglass.checks.schema_diff import SchemaDiffParams
from spyglass.checks.scope import NodeSelection, Scoped, within
from spyglass.checks.top_k import TopKDiffParams
from spyglass.checks.value_diff import ValueDiffParams
from spyglass.exceptions import CheckSkipped, SelectionError
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import LineageDiff, diff_lineage
from spyglass.project.models import ArtifactPair
from spyglass.project.selection import select_targets
from tests.project.manifest_builder import shop_builders, write_pair


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArtifactPair, LineageDiff]:
    pair = load_pair(*write_pair(Path(tmp_path_factory.mktemp("shop")), *shop_builders()))
    return pair, diff_lineage(pair)


def _within(shop: tuple[ArtifactPair, LineageDiff], params: Scoped, select: str = "", exclude: str = "") -> Scoped:
    return within(params, NodeSelection(tuple(select.split()), tuple(exclude.split())), *shop)


def _targets(shop: tuple[ArtifactPair, LineageDiff], params: RowCountDiffParams) -> set[str]:
    ids = select_targets(*shop, node_ids=params.explicit_nodes or None, select=params.select,
                         exclude=params.exclude)
    return {uid.rsplit(".", 1)[-1] for uid in ids}


def test_a_check_inside_or_without_nodes_is_unchanged(shop: tuple[ArtifactPair, LineageDiff]) -> None:
    orders = ValueDiffParams(model="orders")
    assert _within(shop, orders, "tag:mart") is orders
    assert _within(shop, orders) is orders  # no selection
    query = QueryParams(sql_template="select 1")
    assert _within(shop, query, "customers") is query  # a query is about no node in particular
    unknown = TopKDiffParams(model="ordrs", column_name="status")
    assert _within(shop, unknown, "customers") is unknown  # the check says the name is unknown itself


def test_a_check_outside_is_skipped_saying_why(shop: tuple[ArtifactPair, LineageDiff]) -> None:
    with pytest.raises(CheckSkipped) as skipped:
        _within(shop, ValueDiffParams(model="orders"), "customers+", "customer_dashboard")
    assert skipped.value.message == ("Not in this run's selection (--select customers+ --exclude "
                                     "customer_dashboard): orders.")
    assert "--select" in skipped.value.remedy
    everything = RowCountDiffParams(select="*")
    with pytest.raises(CheckSkipped) as skipped:
        _within(shop, everything, "nothing_like_this")
    assert skipped.value.message.endswith("): customer_dashboard, customer_ltv, customers, old_report, orders "
                                          "and 6 more.")  # every node but the source (fqn never selects one)


def test_checks_over_several_nodes_run_on_the_intersection(shop: tuple[ArtifactPair, LineageDiff]) -> None:
    counts = _within(shop, RowCountDiffParams(), "tag:mart", "customer_ltv")
    assert isinstance(counts, RowCountDiffParams)
    assert (counts.select, counts.exclude) == (("state:modified,tag:mart",), ("customer_ltv",))
    assert _targets(shop, counts) == {"customers"}
    named = _within(shop, RowCountDiffParams(node_names=("orders", "customers")), "customers+")
    assert isinstance(named, RowCountDiffParams)
    assert (named.node_ids, named.node_names) == (("customers",), None)
    schema = _within(shop, SchemaDiffParams(select=["stg_orders+", "old_report"]), "tag:mart tag:staging")
    assert isinstance(schema, SchemaDiffParams)
    assert schema.select == ["stg_orders+,tag:mart", "stg_orders+,tag:staging", "old_report,tag:mart",
                             "old_report,tag:staging"]
    lineage = _within(shop, LineageDiffParams(view_mode="all"), exclude="tag:staging")
    assert isinstance(lineage, LineageDiffParams)
    assert (lineage.select, lineage.exclude) == (None, ["tag:staging"])


def test_a_bad_run_selector_is_refused_before_anything_runs() -> None:
    assert NodeSelection.parse(["orders+", "tag:x"], ["y"]).describe() == "--select orders+ tag:x --exclude y"
    with pytest.raises(SelectionError, match="unknown method"):
        NodeSelection.parse(["colour:blue"])
    assert not NodeSelection.parse().active
