"""Node selection against dbt's documented semantics (pages cited per group of tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.exceptions import SelectionError
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import ArtifactPair
from spyglass.project.selection import Selector, fqn_matches, parse_atom, select_nodes
from tests.project.manifest_builder import ManifestBuilder, shop_builders, write_pair

ALL_CURRENT = {
    "seed.shop.raw_customers", "seed.shop.raw_orders", "source.shop.stripe.payments", "model.shop.stg_customers",
    "model.shop.stg_orders", "model.shop.stg_payments", "model.shop.customers", "model.shop.orders",
    "snapshot.shop.orders_snapshot", "exposure.shop.customer_dashboard", "model.shop.customer_ltv",
}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> ArtifactPair:
    return load_pair(*write_pair(tmp_path_factory.mktemp("shop"), *shop_builders()))


def names(pair: ArtifactPair, select: Selector, exclude: Selector = None,
          resource_types: list[str] | None = None) -> set[str]:
    ids = select_nodes(pair, diff_lineage(pair), select, exclude, resource_types)
    return {uid.split(".")[-1] for uid in ids}


# https://docs.getdbt.com/reference/node-selection/syntax : no --select means every node
def test_no_selector_selects_everything(pair: ArtifactPair) -> None:
    ids = select_nodes(pair, diff_lineage(pair), None)
    assert ids == ALL_CURRENT | {"model.shop.old_report"}
    assert select_nodes(pair, diff_lineage(pair), "  ") == ids


# https://docs.getdbt.com/reference/node-selection/methods#fqn : a bare name is the fqn method; wildcards
def test_names_fqn_and_wildcards(pair: ArtifactPair) -> None:
    assert names(pair, "orders") == {"orders"}
    assert names(pair, "stg_*") == {"stg_customers", "stg_orders", "stg_payments"}
    assert names(pair, "shop.marts.orders") == {"orders"}
    assert names(pair, "marts.orders") == {"orders"}  # package-less fqn, as dbt matches across packages
    assert names(pair, "shop.staging") == {"stg_customers", "stg_orders", "stg_payments"}
    assert names(pair, "shop.staging.*") == {"stg_customers", "stg_orders", "stg_payments"}
    assert names(pair, "fqn:shop.marts.cust*") == {"customers", "customer_ltv"}
    assert names(pair, "payments") == set()  # fqn never selects sources
    assert names(pair, "nothing_like_this") == set()


def test_fqn_rule_details() -> None:
    assert fqn_matches(("shop", "staging", "stg_orders"), "stg_orders")
    assert fqn_matches(("shop", "staging", "stg_orders"), "shop")
    assert not fqn_matches(("shop", "staging", "stg_orders"), "shop.staging.stg_orders.extra")
    assert fqn_matches(("shop", "staging", "stg_orders"), "stg_o?ders")
    assert not fqn_matches(("shop", "staging", "stg_orders"), "staging")  # a prefix must start at the package


# https://docs.getdbt.com/reference/node-selection/graph-operators
def test_graph_operators(pair: ArtifactPair) -> None:
    assert names(pair, "+customers") == {"customers", "stg_customers", "stg_orders", "raw_customers", "raw_orders"}
    assert names(pair, "1+customers") == {"customers", "stg_customers", "stg_orders"}
    assert names(pair, "stg_orders+") == {"stg_orders", "customers", "orders", "orders_snapshot",
                                          "customer_dashboard", "customer_ltv", "old_report"}
    assert names(pair, "stg_orders+1") == {"stg_orders", "customers", "orders", "orders_snapshot"}
    assert names(pair, "1+stg_payments+1") == {"payments", "stg_payments", "orders"}
    assert names(pair, "0+orders") == {"orders"}


# https://docs.getdbt.com/reference/node-selection/graph-operators#the-at-operator
def test_at_operator(pair: ArtifactPair) -> None:
    # stg_payments, its descendants (orders, old_report) and all their ancestors
    assert names(pair, "@stg_payments") == {"stg_payments", "orders", "old_report", "payments", "stg_orders",
                                            "raw_orders"}


# https://docs.getdbt.com/reference/node-selection/set-operators
def test_union_and_intersection(pair: ArtifactPair) -> None:
    assert names(pair, "orders customers") == {"orders", "customers"}
    assert names(pair, ["orders", "customers"]) == {"orders", "customers"}
    assert names(pair, "tag:mart,config.materialized:table") == {"orders", "customers", "customer_ltv"}
    assert names(pair, "+orders,+customers") == {"stg_orders", "raw_orders"}
    assert names(pair, "tag:staging,stg_c* tag:finance") == {"stg_customers", "orders"}


# https://docs.getdbt.com/reference/node-selection/exclude
def test_exclude(pair: ArtifactPair) -> None:
    assert names(pair, "tag:staging", exclude="stg_orders") == {"stg_customers", "stg_payments"}
    assert names(pair, "stg_orders+", exclude="resource_type:exposure tag:mart") == {"stg_orders",
                                                                                       "orders_snapshot",
                                                                                       "old_report"}
    assert names(pair, None, exclude="+customers") >= {"orders", "payments"}


# https://docs.getdbt.com/reference/node-selection/methods
def test_methods(pair: ArtifactPair) -> None:
    assert names(pair, "resource_type:seed") == {"raw_customers", "raw_orders"}
    assert names(pair, "resource_type:source") == {"payments"}
    assert names(pair, "config.materialized:view") == {"stg_customers", "stg_orders", "stg_payments"}
    assert names(pair, "config.materialized:snapshot") == {"orders_snapshot"}
    assert names(pair, "config.unique_key:id") == {"orders_snapshot"}
    assert names(pair, "tag:fin*") == {"orders"}
    assert names(pair, "path:models/staging") == {"stg_customers", "stg_orders", "stg_payments"}
    assert names(pair, "path:models/staging/") == {"stg_customers", "stg_orders", "stg_payments"}
    assert names(pair, "models/marts/orders.sql") == {"orders"}  # a value with "/" defaults to path
    assert names(pair, "path:models/marts/cust*") == {"customers", "customer_ltv"}
    assert names(pair, "stg_orders.sql") == {"stg_orders"}  # a .sql suffix defaults to file
    assert names(pair, "file:stg_orders") == {"stg_orders"}
    assert names(pair, "package:shop") == names(pair, None)
    assert names(pair, "package:this") == names(pair, None)
    assert names(pair, "package:dbt_utils") == set()
    assert names(pair, "source:stripe") == {"payments"}
    assert names(pair, "source:stripe.payments") == {"payments"}
    assert names(pair, "source:shop.stripe.pay*") == {"payments"}
    assert names(pair, "source:stripe+") == {"payments", "stg_payments", "orders", "old_report"}
    assert names(pair, "exposure:customer_*") == {"customer_dashboard"}


# https://docs.getdbt.com/reference/node-selection/state-selection and methods#state
def test_state_methods(pair: ArtifactPair) -> None:
    # state:modified = new + changed; removed nodes included (Spyglass's documented choice)
    assert names(pair, "state:modified") == {"stg_orders", "customers", "customer_ltv", "old_report"}
    assert names(pair, "state:new") == {"customer_ltv"}
    # sub-selectors: the modified nodes with a reason of their kind, plus (as dbt) every new node whose
    # type has the check; never the removed one
    assert names(pair, "state:modified.body") == {"stg_orders", "customer_ltv"}
    assert names(pair, "state:modified.configs") == {"customers", "customer_ltv"}
    assert names(pair, "state:modified.relation") == {"customer_ltv"}
    assert names(pair, "state:modified.macros") == set()
    assert names(pair, "state:modified+") == {"stg_orders", "customers", "customer_ltv", "old_report", "orders",
                                              "orders_snapshot", "customer_dashboard"}
    assert names(pair, "state:old") == names(pair, None) - {"customer_ltv", "old_report"}
    assert names(pair, "state:unmodified") == names(pair, "state:old") - {"stg_orders", "customers"}
    assert names(pair, "state:modified,config.materialized:table") == {"customers", "customer_ltv", "old_report"}


def test_resource_types_filter(pair: ArtifactPair) -> None:
    assert names(pair, "state:modified+", resource_types=["snapshot", "exposure"]) == {"orders_snapshot",
                                                                                     "customer_dashboard"}


@pytest.mark.parametrize(
    ("selector", "fragment"),
    [("tag:", "no usable value"), ("bogus:x", "unknown method"), ("@orders+", "`@` prefix and the `+` suffix"),
     ("++orders", "no usable value"), ("orders,", "empty term"), ("state:weird", "unknown state"),
     ("resource_type:table", "unknown resource type"), ("config.grants:x", "does not read"),
     ("tag.x:y", "only `config.`"), ("source:a.b.c.d", "too many parts"), ("config:table", "only `config.`")],
)
def test_unparseable_selectors(pair: ArtifactPair, selector: str, fragment: str) -> None:
    with pytest.raises(SelectionError) as info:
        select_nodes(pair, diff_lineage(pair), selector)
    assert fragment in str(info.value)
    assert info.value.remedy
    assert info.value.exit_code == 2


def test_bad_exclude_and_types_are_errors(pair: ArtifactPair) -> None:
    with pytest.raises(SelectionError):
        select_nodes(pair, diff_lineage(pair), None, exclude="state:")
    with pytest.raises(SelectionError, match="Unknown resource type"):
        select_nodes(pair, diff_lineage(pair), None, resource_types=["table"])
    with pytest.raises(SelectionError, match="must be a string"):
        select_nodes(pair, diff_lineage(pair), [3])  # type: ignore[list-item]


def test_parse_atom_fields() -> None:
    atom = parse_atom("2+state:modified.body+3")
    assert (atom.method, atom.arguments, atom.value) == ("state", (), "modified.body")
    assert (atom.parents, atom.parents_depth, atom.children, atom.children_depth) == (True, 2, True, 3)
    atom = parse_atom("@config.materialized:table")
    assert (atom.method, atom.arguments, atom.value, atom.childrens_parents) == ("config", ("materialized",),
                                                                                 "table", True)


def test_removed_node_selectable_by_name_on_its_base_definition(pair: ArtifactPair) -> None:
    assert names(pair, "old_report") == {"old_report"}
    assert names(pair, "tag:mart", resource_types=["model"]) == {"customers", "orders", "customer_ltv"}


def test_selection_does_not_touch_the_filesystem(pair: ArtifactPair, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # path: is resolved against the manifest, not the working directory
    assert names(pair, "path:models") == names(pair, None) - {"raw_customers", "raw_orders", "orders_snapshot"}


# https://docs.getdbt.com/reference/node-selection/methods#versions and syntax#versioned-models
def test_versioned_models(tmp_path: Path) -> None:
    base = ManifestBuilder()
    for version in (1, 2):
        base.model("dim_customers", path=f"models/dim_customers_v{version}.sql", version=version, latest_version=2)
    versioned = load_pair(*write_pair(tmp_path, base, base.copy()))
    assert names(versioned, "dim_customers") == {"v1", "v2"}
    assert names(versioned, "dim_customers.v2") == {"v2"}
    assert names(versioned, "dim_customers_v1") == {"v1"}
    assert names(versioned, "dim_cust*") == {"v1", "v2"}
    assert fqn_matches(("shop", "dim_customers", "v2"), "shop.dim_customers", versioned=True)
