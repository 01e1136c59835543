"""Checks name models as dbt's ``ref()`` does (versions, packages) and say which node they chose, on a
real warehouse: a versioned model whose versions hold different rows."""

from __future__ import annotations

from dataclasses import replace

from spyglass.checks import profile, top_k, value_diff
from spyglass.checks.base import CheckContext
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import ArtifactPair, Artifacts, Catalog
from spyglass.report.markdown import render_details
from tests.fixtures.warehouses import Crafted

V1 = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"
V2_BASE = "select * from (values (1, 'a'), (2, 'b'), (3, 'c')) as t(id, name)"
V2_CURRENT = "select * from (values (1, 'a'), (2, 'B'), (4, 'd')) as t(id, name)"


def _versioned(artifacts: Artifacts) -> Artifacts:
    """``orders_v1`` / ``orders_v2`` as dbt writes versions 1 and 2 of ``orders`` (latest: 2)."""
    renamed = {}
    for uid, node in artifacts.manifest.nodes.items():
        if node.name.startswith("orders_v"):
            version = node.name.removeprefix("orders_v")
            node = replace(node, unique_id=f"model.crafted.orders.v{version}", name="orders", version=version,
                           latest_version="2", fqn=("crafted", "orders", f"v{version}"))
        renamed[uid] = node
    nodes = {node.unique_id: node for node in renamed.values()}
    catalog = artifacts.catalog
    if catalog is not None:
        catalog = Catalog(path=catalog.path, generated_at=catalog.generated_at,
                          tables={renamed[uid].unique_id: replace(table, unique_id=renamed[uid].unique_id)
                                  for uid, table in catalog.tables.items()})
    manifest = replace(artifacts.manifest, nodes=nodes, parent_map={uid: () for uid in nodes},
                       child_map={uid: () for uid in nodes})
    return replace(artifacts, manifest=manifest, catalog=catalog)


def _context(crafted: Crafted) -> CheckContext:
    crafted.create_model("orders_v1", V1, V1, unique_key="id")
    crafted.create_model("orders_v2", V2_BASE, V2_CURRENT, unique_key="id")
    plain = crafted.context()
    pair = ArtifactPair(base=_versioned(plain.artifacts.base), current=_versioned(plain.artifacts.current))
    return replace(plain, artifacts=pair, lineage=diff_lineage(pair))


def test_a_versioned_model_is_its_latest_version_and_the_result_says_so(crafted: Crafted) -> None:
    ctx = _context(crafted)
    latest = value_diff.VALUE_DIFF.run(value_diff.ValueDiffParams.model_validate({"model": "orders"}), ctx)
    assert (latest.added, latest.removed, latest.changed) == (1, 1, 1)  # version 2's rows were compared
    assert len(latest.notes) == 1 and "model.crafted.orders.v2" in latest.notes[0]
    assert "latest_version" in latest.notes[0] and "orders.v1" in latest.notes[0]
    assert render_details(latest).startswith("_Note:_ 'orders' means model.crafted.orders.v2")
    pinned = value_diff.VALUE_DIFF.run(value_diff.ValueDiffParams.model_validate({"model": "orders.v1"}), ctx)
    assert (pinned.added, pinned.removed, pinned.changed, pinned.notes) == (0, 0, 0, ())


def test_profile_and_top_k_resolve_the_same_way(crafted: Crafted) -> None:
    ctx = _context(crafted)
    profiled = profile.PROFILE_DIFF.run(profile.ProfileDiffParams(model="orders", columns=("id",)), ctx)
    by_id = {c.name: c for c in profiled.columns}["id"]
    assert by_id.base is not None and by_id.base.row_count == 3  # version 2 on the base side
    assert profiled.notes and "model.crafted.orders.v2" in profiled.notes[0]
    top = top_k.TOP_K_DIFF.run(top_k.TopKDiffParams(model="crafted.orders.v1", column_name="name"), ctx)
    assert top.base is not None and top.base.row_count == 2 and top.notes == ()
