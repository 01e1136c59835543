"""Lineage diff over two synthetic manifests: statuses, reasons, impacted nodes, union graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import ChangeStatus, LineageDiff, ancestors, descendants, diff_lineage
from spyglass.project.models import ResourceType
from tests.project.manifest_builder import ManifestBuilder, shop_builders, write_pair


def _diff(tmp_path: Path, base: ManifestBuilder, current: ManifestBuilder) -> LineageDiff:
    return diff_lineage(load_pair(*write_pair(tmp_path, base, current)))


@pytest.fixture
def shop(tmp_path: Path) -> LineageDiff:
    return _diff(tmp_path, *shop_builders())


def test_statuses_of_the_shop_change_set(shop: LineageDiff) -> None:
    assert shop.added == {"model.shop.customer_ltv"}
    assert shop.removed == {"model.shop.old_report"}
    assert shop.modified == {"model.shop.stg_orders", "model.shop.customers"}
    assert shop.changes["model.shop.stg_orders"].reasons == ("code",)
    assert shop.changes["model.shop.customers"].reasons == ("config.materialized",)
    assert shop.changes["model.shop.old_report"].resource_type is ResourceType.MODEL


def test_schema_of_the_target_is_not_a_change(shop: LineageDiff) -> None:
    # base is built in schema main, current in dev: every relation name differs, nothing is modified by it
    assert shop.changes["model.shop.stg_customers"].status is ChangeStatus.UNCHANGED
    assert shop.changes["seed.shop.raw_orders"].status is ChangeStatus.UNCHANGED


def test_impacted_is_unchanged_downstream_of_a_change(shop: LineageDiff) -> None:
    assert shop.impacted == {"model.shop.orders", "snapshot.shop.orders_snapshot",
                             "exposure.shop.customer_dashboard"}
    assert not shop.changes["model.shop.stg_payments"].impacted
    # changed nodes are never flagged impacted, even when downstream of another change
    assert not shop.changes["model.shop.customers"].impacted


def test_tests_are_not_lineage_nodes(shop: LineageDiff) -> None:
    assert not [uid for uid in shop.changes if uid.startswith("test.")]
    assert len(shop.changes) == 12  # 11 in base + customer_ltv


def test_union_graph_keeps_removed_edges(shop: LineageDiff) -> None:
    assert shop.child_map["model.shop.orders"] == ("model.shop.old_report",)
    assert shop.parent_map["model.shop.old_report"] == ("model.shop.orders",)
    assert shop.child_map["model.shop.customers"] == ("exposure.shop.customer_dashboard", "model.shop.customer_ltv")


def test_removed_node_impacts_nothing_upstream(shop: LineageDiff) -> None:
    # orders is a parent of the removed old_report: upstream of a change is not impacted by it
    assert descendants(["model.shop.old_report"], shop.child_map) == set()
    assert "model.shop.orders" in ancestors(["model.shop.old_report"], shop.parent_map)


def test_depth_limited_walks(shop: LineageDiff) -> None:
    assert descendants(["seed.shop.raw_orders"], shop.child_map, 1) == {"model.shop.stg_orders"}
    two = descendants(["seed.shop.raw_orders"], shop.child_map, 2)
    assert two == {"model.shop.stg_orders", "model.shop.customers", "model.shop.orders",
                   "snapshot.shop.orders_snapshot"}


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [("unique_key", "order_id", "config.unique_key"), ("incremental_strategy", "merge", "config.incremental_strategy"),
     ("alias", "orders_v2", "config.alias"), ("schema", "finance", "config.schema"),
     ("post-hook", "grant select on {{ this }} to reporter", "config.post-hook"),
     ("persist_docs", {"relation": True}, "config.persist_docs"), ("meta", {"owner": "finance"}, "config.meta")],
)
def test_config_changes(tmp_path: Path, key: str, value: object, reason: str) -> None:
    # dbt compares the config as the project wrote it (unrendered_config), every key of it
    base = ManifestBuilder()
    uid = base.model("orders", materialized="incremental")
    current = base.copy()
    current.configure(uid, {key: value})
    diff = _diff(tmp_path, base, current)
    assert diff.changes[uid].status is ChangeStatus.MODIFIED
    assert diff.changes[uid].reasons == (reason,)


def test_what_dbt_does_not_compare_is_ignored(tmp_path: Path) -> None:
    base = ManifestBuilder()
    uid = base.model("orders", tags=["nightly"], columns=["id"])
    current = base.copy()
    current.configure(uid, {"tags": ["hourly"], "group": "finance"})  # dbt leaves tags and group out
    current.nodes[uid]["config"]["on_schema_change"] = "fail"  # rendered only: the project did not set it
    current.nodes[uid]["description"] = "now documented"  # not persisted: persist_docs is not set
    current.nodes[uid]["columns"]["id"]["description"] = "the key"
    assert _diff(tmp_path, base, current).changes[uid].status is ChangeStatus.UNCHANGED


def test_code_and_config_change_together(tmp_path: Path) -> None:
    base = ManifestBuilder()
    uid = base.model("orders", sql="select 1 as id")
    current = base.copy()
    current.model("orders", sql="select 2 as id", materialized="table")
    assert _diff(tmp_path, base, current).changes[uid].reasons == ("code", "config.materialized")


def test_seed_content_change(tmp_path: Path) -> None:
    base = ManifestBuilder()
    uid = base.seed("countries", content="code\nFR\n")
    current = base.copy()
    current.seed("countries", content="code\nFR\nDE\n")
    diff = _diff(tmp_path, base, current)
    assert diff.changes[uid].reasons == ("code",)


def test_source_changes_by_identifier_not_by_target(tmp_path: Path) -> None:
    base = ManifestBuilder()
    uid = base.source("stripe", "payments", schema="raw")
    model = base.model("stg_payments", depends_on=[uid])
    current = base.copy()
    current.sources[uid]["database"] = "dev_db"  # rendered from the target: not a change
    diff = _diff(tmp_path / "a", base, current)
    assert diff.changes[uid].status is ChangeStatus.UNCHANGED
    current.sources[uid]["identifier"] = "payments_v2"
    diff = _diff(tmp_path / "b", base, current)
    assert diff.changes[uid].reasons == ("identifier",)
    assert diff.changes[model].impacted


def test_exposure_change(tmp_path: Path) -> None:
    base = ManifestBuilder()
    model = base.model("orders")
    other = base.model("customers")
    uid = base.exposure("dash", depends_on=[model], url="https://bi/1")
    current = base.copy()
    current.exposures[uid]["url"] = "https://bi/2"
    current.exposures[uid]["depends_on"]["nodes"] = [model, other]
    assert _diff(tmp_path, base, current).changes[uid].reasons == ("depends_on", "url")


def test_identical_manifests_have_no_changes(tmp_path: Path) -> None:
    base, _ = shop_builders()
    diff = _diff(tmp_path, base, base.copy())
    assert diff.changed == frozenset()
    assert diff.impacted == frozenset()
    assert set(diff.changes) == diff.ids_with(ChangeStatus.UNCHANGED)


def test_diff_is_deterministic(tmp_path: Path) -> None:
    base, current = shop_builders()
    first = _diff(tmp_path / "a", base, current)
    second = _diff(tmp_path / "b", base, current)
    assert list(first.changes) == sorted(first.changes)
    assert first == second
