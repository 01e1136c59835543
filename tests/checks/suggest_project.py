"""A shop project as dbt writes it after ``dbt compile`` and ``dbt docs generate`` (compiled SQL, catalogs),
on base and on a change set with one kind of change per model: what the default checks are chosen from.

* ``orders`` (table, ``unique`` + ``not_null`` on ``order_id``): ``amount`` -> ``amount * 2``: partial
  breaking; ``customer_revenue.revenue`` is derived from it (``customer_revenue`` groups on
  ``customer_id``, so its rows stay);
* ``order_lines`` (table, ``dbt_utils.unique_combination_of_columns`` on ``order_id, line``): ``qty`` ->
  ``qty + 1``: partial breaking, a composite key;
* ``completed`` (table): a new ``WHERE``: breaking; ``completed_report`` downstream of it;
* ``nokey`` (view, no key): a column's expression changed: partial breaking without a key;
* ``eph`` (ephemeral): a column's expression changed: partial breaking with no relation;
* ``stable``: a comment only; ``wide``: a column added: both non-breaking;
* ``untouched``: unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from spyglass.project.artifacts import load_pair
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import diff_lineage
from tests.project.manifest_builder import ManifestBuilder, catalog

SEEDS = {
    "raw_orders": (("order_id", "INTEGER"), ("customer_id", "INTEGER"), ("status", "VARCHAR"), ("amount", "INTEGER")),
    "raw_lines": (("order_id", "INTEGER"), ("line", "INTEGER"), ("qty", "INTEGER")),
}
BASE_MODELS: dict[str, str] = {
    "orders": "select order_id, customer_id, status, amount from {{ ref('raw_orders') }}",
    "customer_revenue": "select customer_id, sum(amount) as revenue, count(*) as order_count "
                        "from {{ ref('orders') }} group by customer_id",
    "order_lines": "select order_id, line, qty from {{ ref('raw_lines') }}",
    "completed": "select order_id, amount from {{ ref('raw_orders') }}",
    "completed_report": "select count(*) as n, sum(amount) as total from {{ ref('completed') }}",
    "nokey": "select order_id, amount from {{ ref('raw_orders') }}",
    "eph": "select order_id, amount from {{ ref('raw_orders') }}",
    "stable": "select order_id, status from {{ ref('raw_orders') }}",
    "wide": "select order_id from {{ ref('raw_orders') }}",
    "untouched": "select customer_id from {{ ref('raw_orders') }}",
}
CHANGES: dict[str, str] = {
    "orders": "select order_id, customer_id, status, amount * 2 as amount from {{ ref('raw_orders') }}",
    "order_lines": "select order_id, line, qty + 1 as qty from {{ ref('raw_lines') }}",
    "completed": "select order_id, amount from {{ ref('raw_orders') }} where status <> 'returned'",
    "nokey": "select order_id, amount + 1 as amount from {{ ref('raw_orders') }}",
    "eph": "select order_id, amount + 1 as amount from {{ ref('raw_orders') }}",
    "stable": "-- statuses as they are\nselect order_id, status from {{ ref('raw_orders') }}",
    "wide": "select order_id, 1 as version from {{ ref('raw_orders') }}",
}
CURRENT_MODELS = {**BASE_MODELS, **CHANGES}
MATERIALIZED = {"nokey": "view", "eph": "ephemeral"}
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "orders": SEEDS["raw_orders"],
    "customer_revenue": (("customer_id", "INTEGER"), ("revenue", "HUGEINT"), ("order_count", "BIGINT")),
    "order_lines": SEEDS["raw_lines"],
    "completed": (("order_id", "INTEGER"), ("amount", "INTEGER")),
    "completed_report": (("n", "BIGINT"), ("total", "HUGEINT")),
    "nokey": (("order_id", "INTEGER"), ("amount", "INTEGER")),
    "stable": (("order_id", "INTEGER"), ("status", "VARCHAR")),
    "wide": (("order_id", "INTEGER"),),
    "untouched": (("customer_id", "INTEGER"),),
}
_REF = re.compile(r"\{\{\s*ref\('(?P<name>\w+)'\)\s*\}\}")


def uid(name: str) -> str:
    return f"seed.shop.{name}" if name in SEEDS else f"model.shop.{name}"


def unique_combination_test(builder: ManifestBuilder, model_uid: str, columns: list[str]) -> str:
    """A ``dbt_utils.unique_combination_of_columns`` test on ``model_uid``, as dbt writes it."""
    name = model_uid.rsplit(".", 1)[-1]
    test_uid = f"test.{builder.project}.dbt_utils_unique_combination_of_columns_{name}_{'__'.join(columns)}.0a1b2c3d4e"
    builder.nodes[test_uid] = {
        "name": test_uid.split(".")[2], "resource_type": "test", "package_name": builder.project,
        "unique_id": test_uid, "fqn": [builder.project, test_uid.split(".")[2]], "column_name": None,
        "test_metadata": {"name": "unique_combination_of_columns", "namespace": "dbt_utils",
                          "kwargs": {"combination_of_columns": columns,
                                     "model": f"{{{{ get_where_subquery(ref('{name}')) }}}}"}},
        "attached_node": model_uid,
        "depends_on": {"macros": ["macro.dbt_utils.test_unique_combination_of_columns"], "nodes": [model_uid]},
        "config": {"enabled": True, "materialized": "test", "severity": "ERROR"},
        "checksum": {"name": "none", "checksum": ""}, "original_file_path": "models/schema.yml",
    }
    return test_uid


def side(schema: str, models: Mapping[str, str]) -> ManifestBuilder:
    """One side's manifest: the seeds, the models compiled as dbt compiles them (an ephemeral model as
    the CTE dbt inlines), their key tests."""
    builder = ManifestBuilder(schema=schema)
    for seed in SEEDS:
        builder.seed(seed)
    for name, sql in models.items():
        parents = [uid(ref) for ref in _REF.findall(sql)]
        builder.model(name, sql=sql, depends_on=parents, materialized=MATERIALIZED.get(name, "table"))
        builder.nodes[uid(name)]["compiled_code"] = _REF.sub(lambda m: builder.nodes[uid(m["name"])]["relation_name"],
                                                             sql)
    builder.test("unique", uid("orders"), "order_id")
    builder.test("not_null", uid("orders"), "order_id")
    unique_combination_test(builder, uid("order_lines"), ["order_id", "line"])
    return builder


def write_side(directory: Path, builder: ManifestBuilder) -> None:
    """The manifest and the catalog (every relation of the side, in its own schema)."""
    builder.write(directory)
    tables = {node_uid: SEEDS.get(node["name"]) or COLUMNS.get(node["name"], (("id", "INTEGER"),))
              for node_uid, node in builder.nodes.items()
              if node["resource_type"] in ("seed", "model") and node["relation_name"]}
    data = catalog(tables)
    for entry in data["nodes"].values():
        entry["metadata"]["schema"] = builder.schema
    (directory / "catalog.json").write_text(json.dumps(data))


def write_suggest_project(root: Path, base: ManifestBuilder | None = None,
                          current: ManifestBuilder | None = None) -> Path:
    """The artifacts under ``root/target-base`` and ``root/target`` (this module's sides by default)."""
    write_side(root / "target-base", base or side("main", BASE_MODELS))
    write_side(root / "target", current or side("dev", CURRENT_MODELS))
    return root


def analysis(root: Path) -> ChangeAnalysis:
    """The change analysis of the artifacts under ``root``."""
    pair = load_pair(root / "target-base", root / "target")
    return ChangeAnalysis(pair, diff_lineage(pair))
