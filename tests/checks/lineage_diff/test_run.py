"""lineage_diff check: Recce's params, node statuses, edges, mismatch and title."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.checks.base import CheckContext
from spyglass.checks.lineage_diff import LINEAGE_DIFF, LineageDiffParams, LineageDiffResult, title
from spyglass.checks.lineage_diff.run import run
from spyglass.checks.registry import definition_of, parse_spec
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import diff_lineage
from spyglass.warehouse.base import CancelToken
from tests.project.manifest_builder import ManifestBuilder, shop_builders, write_pair


def make_context(root: Path, builders: tuple[ManifestBuilder, ManifestBuilder] | None = None) -> CheckContext:
    pair = load_pair(*write_pair(root, *(builders or shop_builders())))
    return CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=None, cancel=CancelToken())


@pytest.fixture
def ctx(tmp_path: Path) -> CheckContext:
    return make_context(tmp_path)


def _run(ctx: CheckContext, **params: object) -> LineageDiffResult:
    return run(LineageDiffParams.model_validate(params), ctx)


def test_changed_models_view_is_the_default(ctx: CheckContext) -> None:
    result = _run(ctx)
    statuses = [(n.name, n.status) for n in result.nodes]
    # changed first (added, removed, modified), then the unchanged context: parents and downstream
    assert statuses[:4] == [("customer_ltv", "added"), ("old_report", "removed"), ("customers", "modified"),
                            ("stg_orders", "modified")]
    assert {n.name for n in result.nodes[4:]} == {"customer_dashboard", "orders", "orders_snapshot",
                                                  "stg_customers", "raw_orders"}
    assert all(n.status == "unchanged" for n in result.nodes[4:])
    assert result.mismatch
    assert result.headline == "1 added, 1 removed, 2 modified of 9 nodes"
    assert result.selection == "1+state:modified+"
    modified = {n.name: (n.category, n.reasons) for n in result.nodes if n.status == "modified"}
    # a config change alone is non-breaking; without compiled SQL Spyglass cannot tell, and says why
    assert modified == {"customers": ("non_breaking", ("config only: materialized",)),
                        "stg_orders": ("unknown", ("no compiled SQL on both sides: run dbt compile or dbt build",))}
    assert {n.name for n in result.nodes if n.impacted} == {"customer_dashboard", "orders", "orders_snapshot"}
    # an unknown change can affect everything downstream
    assert {n.name for n in result.nodes if n.change == "impacted"} == {"customer_dashboard", "orders",
                                                                         "orders_snapshot"}
    assert [n.change for n in result.nodes[:4]] == ["added", "removed", "modified", "modified"]


def test_edges_are_among_selected_nodes(ctx: CheckContext) -> None:
    result = _run(ctx)
    assert ("model.shop.orders", "model.shop.old_report") in result.edges
    assert ("seed.shop.raw_orders", "model.shop.stg_orders") in result.edges
    selected = {n.unique_id for n in result.nodes}
    assert all(p in selected and c in selected for p, c in result.edges)
    assert list(result.edges) == sorted(result.edges)


def test_all_view_and_explicit_select(ctx: CheckContext) -> None:
    everything = _run(ctx, view_mode="all")
    assert len(everything.nodes) == 12
    assert everything.selection == "all nodes"
    picked = _run(ctx, select="stg_payments+", exclude="old_report", view_mode="all", packages=["shop"])
    assert [n.name for n in picked.nodes] == ["orders", "stg_payments"]
    assert not picked.mismatch
    assert picked.headline == "no changes in 2 nodes"


def test_no_change_is_no_mismatch(tmp_path: Path) -> None:
    base, _ = shop_builders()
    result = _run(make_context(tmp_path, (base, base.copy())))
    assert result.nodes == ()
    assert not result.mismatch
    assert result.headline == "no changes in 0 nodes"


def test_title_and_definition() -> None:
    assert title(LineageDiffParams()) == "Lineage diff of 1+state:modified+"
    assert title(LineageDiffParams(select="tag:mart")) == "Lineage diff of tag:mart"
    assert title(LineageDiffParams(view_mode="all", exclude="x")) == "Lineage diff of all nodes excluding x"
    assert LINEAGE_DIFF.needs_warehouse is False
    assert definition_of(parse_spec("lineage_diff", {})) is LINEAGE_DIFF


def test_result_round_trips_as_json(ctx: CheckContext) -> None:
    result = _run(ctx)
    assert LineageDiffResult.model_validate_json(result.model_dump_json()) == result
