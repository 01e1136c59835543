"""Node names resolve as dbt resolves ``ref()``: packages, versions, models before sources, and say what
they chose (crafted manifests, loaded through the real loader)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spyglass.exceptions import AmbiguousNode, CheckError
from spyglass.project.artifacts import load_manifest, load_pair
from spyglass.project.lookup import find_in_pair, find_node, find_ref, find_source
from spyglass.project.models import Env, Manifest
from tests.project.manifest_builder import ManifestBuilder, write_pair


def _load(tmp_path: Path, builder: ManifestBuilder) -> Manifest:
    return load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)


def _packages() -> ManifestBuilder:
    """Root project ``shop`` and packages ``payments`` and ``audit`` sharing model names."""
    shop = ManifestBuilder("shop")
    shop.model("orders")
    shop.model("orders", package="payments")
    shop.model("events", package="payments")
    shop.model("events", package="audit")
    return shop


def _versions(latest: int | None) -> ManifestBuilder:
    shop = ManifestBuilder("shop")
    for version in (1, 2, 3):
        shop.model("dim_customers", version=version, latest_version=latest)
    return shop


def test_a_name_in_two_packages_means_the_root_projects_and_says_so(tmp_path: Path) -> None:
    manifest = _load(tmp_path, _packages())
    found = find_node(manifest, "orders")
    assert found is not None and found.node.unique_id == "model.shop.orders"
    assert found.note is not None and "root project" in found.note and "payments.orders" in found.note
    qualified = find_node(manifest, "payments.orders")
    assert qualified is not None and qualified.node.unique_id == "model.payments.orders" and qualified.note is None
    by_ref = find_ref(manifest, "orders", package="payments")
    assert by_ref is not None and by_ref.node.unique_id == "model.payments.orders"


def test_a_name_in_two_packages_but_not_the_root_project_is_ambiguous(tmp_path: Path) -> None:
    manifest = _load(tmp_path, _packages())
    with pytest.raises(AmbiguousNode) as error:
        find_node(manifest, "events")
    assert "audit.events (model.audit.events)" in error.value.message
    assert "payments.events (model.payments.events)" in error.value.message
    assert "audit.events or payments.events" in error.value.remedy
    with pytest.raises(AmbiguousNode) as in_template:
        find_ref(manifest, "events")
    assert "ref('audit', 'events') or ref('payments', 'events')" in in_template.value.remedy
    found = find_node(manifest, "audit.events")
    assert found is not None and found.node.package_name == "audit"


def test_a_versioned_name_means_its_latest_version(tmp_path: Path) -> None:
    manifest = _load(tmp_path, _versions(latest=2))
    found = find_node(manifest, "dim_customers")
    assert found is not None and found.node.unique_id == "model.shop.dim_customers.v2"
    assert found.node.version == "2" and found.node.latest_version == "2"
    assert found.note is not None and "latest_version" in found.note
    assert "dim_customers.v1, dim_customers.v3" in found.note  # v3 is a prerelease: only when asked for
    for spelling in ("dim_customers.v3", "shop.dim_customers.v3", "model.shop.dim_customers.v3"):
        pinned = find_node(manifest, spelling)
        assert pinned is not None and pinned.node.unique_id == "model.shop.dim_customers.v3" and pinned.note is None
    for version in (3, "3", 3.0):
        by_ref = find_ref(manifest, "dim_customers", version=version)
        assert by_ref is not None and by_ref.node.unique_id == "model.shop.dim_customers.v3"
    assert find_ref(manifest, "dim_customers", version=4) is None


def test_without_a_declared_latest_version_the_highest_is_taken(tmp_path: Path) -> None:
    found = find_node(_load(tmp_path, _versions(latest=None)), "dim_customers")
    assert found is not None and found.node.unique_id == "model.shop.dim_customers.v3"
    assert found.note is not None and "highest version" in found.note


def test_versions_written_as_text_or_numbers_are_one_version(tmp_path: Path) -> None:
    shop = _versions(latest=2)
    shop.nodes["model.shop.dim_customers.v2"].update(version="2", latest_version=2.0)
    data = shop.build()
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    found = find_node(load_manifest(tmp_path / "manifest.json", Env.CURRENT), "dim_customers")
    assert found is not None and found.node.unique_id == "model.shop.dim_customers.v2"


def test_a_model_wins_over_a_source_of_the_same_name_and_says_so(tmp_path: Path) -> None:
    shop = ManifestBuilder("shop")
    shop.model("customers")
    shop.source("raw", "customers")
    shop.source("stripe", "payments")
    shop.source("raw", "refunds")
    shop.source("stripe", "refunds")
    manifest = _load(tmp_path, shop)
    found = find_node(manifest, "customers")
    assert found is not None and found.node.unique_id == "model.shop.customers"
    assert found.note is not None and "source:raw.customers" in found.note
    source = find_node(manifest, "source:raw.customers")
    assert source is not None and source.node.unique_id == "source.shop.raw.customers"
    by_call = find_source(manifest, "raw", "customers")
    assert by_call is not None and by_call.node == source.node
    only_source = find_node(manifest, "payments")  # no model of that name: the source table
    assert only_source is not None and only_source.node.unique_id == "source.shop.stripe.payments"
    with pytest.raises(AmbiguousNode, match=re.escape("source:raw.refunds or source:stripe.refunds")):
        find_node(manifest, "refunds")


def test_an_unknown_name_suggests_close_spellings(tmp_path: Path) -> None:
    base = _versions(latest=2)
    base.model("orders")
    pair = load_pair(*write_pair(tmp_path, base, base.copy()))
    with pytest.raises(CheckError) as error:
        find_in_pair(pair, "ordrs")
    assert "'ordrs'" in error.value.message and "Did you mean orders" in error.value.remedy
    with pytest.raises(CheckError, match=re.escape("dim_customers.v2")):
        find_in_pair(pair, "dim_customers.v7")
    assert find_node(pair.current.manifest, "ordrs") is None


def test_each_side_resolves_on_its_own_and_the_pair_says_when_they_differ(tmp_path: Path) -> None:
    base = ManifestBuilder("shop")
    base.model("dim_customers", version=1, latest_version=1)
    current = base.copy(schema="dev")
    current.model("dim_customers", version=2, latest_version=2)
    current.nodes["model.shop.dim_customers.v1"]["latest_version"] = 2
    current.model("added")
    pair = load_pair(*write_pair(tmp_path, base, current))
    found = find_in_pair(pair, "dim_customers")
    assert (found.base, found.current) == (pair.base.manifest.nodes["model.shop.dim_customers.v1"],
                                           pair.current.manifest.nodes["model.shop.dim_customers.v2"])
    assert any("model.shop.dim_customers.v1 in base and model.shop.dim_customers.v2 in current" in n
               for n in found.notes)
    pinned = find_in_pair(pair, "dim_customers.v2")
    assert pinned.base is None and pinned.current is not None
    added = find_in_pair(pair, "added")
    assert added.base is None and added.current is not None and added.notes == ()


def test_a_side_that_cannot_choose_takes_the_node_the_other_side_means(tmp_path: Path) -> None:
    base = ManifestBuilder("shop")
    base.model("events", package="audit")
    current = base.copy()
    current.model("events", package="payments")  # the change adds a second package with the name
    pair = load_pair(*write_pair(tmp_path, base, current))
    found = find_in_pair(pair, "events")
    assert found.base is not None and found.current is not None
    assert found.base.unique_id == found.current.unique_id == "model.audit.events"
    assert any("matches 2 nodes in the current manifest" in n for n in found.notes)
