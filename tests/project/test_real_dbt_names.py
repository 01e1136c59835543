"""Names resolve to the node dbt itself resolves: a real project (``dbt deps`` + ``dbt parse``) with a
versioned model, a local package sharing a model name, and a source named like a model. Each ``ref()``
written in the project is resolved by dbt (its ``depends_on``) and by :mod:`spyglass.project.lookup`."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.project.artifacts import load_manifest
from spyglass.project.lookup import find_node, find_ref
from spyglass.project.models import Env, Manifest
from tests.project.real_dbt import run_dbt, write_duckdb_profile, write_files

pytestmark = pytest.mark.slow

FILES = {
    "dbt_project.yml": 'name: mini\nversion: "1.0"\nprofile: mini\nconfig-version: 2\n'
                       "models:\n  extras:\n    +schema: extras\n",
    "packages.yml": "packages:\n  - local: extras\n",
    "extras/dbt_project.yml": 'name: extras\nversion: "1.0"\nconfig-version: 2\n',
    "extras/models/orders.sql": "select 2 as id",
    "models/orders.sql": "select 1 as id",
    "models/dim_customers_v1.sql": "select 1 as id",
    "models/dim_customers_v2.sql": "select 2 as id",
    "models/dim_customers_v3.sql": "select 3 as id",
    "models/schema.yml": "version: 2\nsources:\n  - name: raw\n    schema: main\n    tables:\n      - name: orders\n"
                         "models:\n  - name: dim_customers\n    latest_version: 2\n"
                         "    versions:\n      - v: 1\n      - v: 2\n      - v: 3\n",
}
#: model -> the ref() it makes, and the same ask to Spyglass: (call, name, package, version)
REFS: dict[str, tuple[str, str, str | None, int | None]] = {
    "uses_latest": ("ref('dim_customers')", "dim_customers", None, None),
    "uses_v3": ("ref('dim_customers', v=3)", "dim_customers", None, 3),
    "uses_root": ("ref('orders')", "orders", None, None),
    "uses_package": ("ref('extras', 'orders')", "orders", "extras", None),
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    root = tmp_path_factory.mktemp("names")
    write_duckdb_profile(root, "mini")
    write_files(root, {**FILES, **{f"models/{model}.sql": f"select * from {{{{ {call} }}}}"
                                   for model, (call, *_) in REFS.items()}})
    run_dbt(root, "deps")
    run_dbt(root, "parse")
    return load_manifest(Path(root) / "target" / "manifest.json", Env.CURRENT)


@pytest.mark.parametrize("model", sorted(REFS))
def test_ref_means_the_node_dbt_chose(manifest: Manifest, model: str) -> None:
    (dbt_chose,) = manifest.nodes[f"model.mini.{model}"].depends_on
    _, name, package, version = REFS[model]
    found = find_ref(manifest, name, package=package, version=version)
    assert found is not None and found.node.unique_id == dbt_chose


def test_names_and_notes_on_dbts_manifest(manifest: Manifest) -> None:
    latest = find_node(manifest, "dim_customers")
    assert latest is not None and latest.node.unique_id == "model.mini.dim_customers.v2"
    assert latest.node.version == "2" and latest.note is not None and "dim_customers.v3" in latest.note
    orders = find_node(manifest, "orders")
    assert orders is not None and orders.node.unique_id == "model.mini.orders"
    assert orders.note is not None and "extras.orders" in orders.note and "source:raw.orders" in orders.note
    source = find_node(manifest, "source:raw.orders")
    assert source is not None and source.node.unique_id == "source.mini.raw.orders"
