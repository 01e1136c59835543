"""A small shop project as dbt writes it after ``dbt compile`` and ``dbt docs generate`` (compiled SQL in
the manifests, columns in the catalogs), on base and on a change set: what the change analysis of
``lineage_diff`` and ``spyglass impact`` reads. No warehouse and no profiles.yml.

The change set, one kind of change each:

* ``stg_orders``: one column's expression changed (``amount`` -> ``round(amount, 2)``): partial breaking,
  affecting the columns derived from it downstream (``orders.amount_cents``, ``customer_revenue.revenue``,
  the ``revenue_dashboard`` exposure over it) and not the others (``order_status``, ``order_count``);
* ``big_orders``: a new ``WHERE`` bound (``amount > 10`` -> ``amount > 20``): breaking, every column
  downstream (``big_orders_report``);
* ``legacy`` removed, ``new_model`` added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from tests.project.manifest_builder import ManifestBuilder, catalog

RAW_ORDERS = (("order_id", "INTEGER"), ("customer_id", "INTEGER"), ("status", "VARCHAR"), ("amount", "DECIMAL(10,2)"))

BASE_MODELS: dict[str, str] = {
    "stg_orders": "select order_id, customer_id, status, amount from {{ ref('raw_orders') }}",
    "orders": "select order_id, customer_id, status, amount * 100 as amount_cents from {{ ref('stg_orders') }}",
    "customer_revenue": "select customer_id, sum(amount) as revenue, count(*) as order_count "
                        "from {{ ref('stg_orders') }} group by customer_id",
    "order_status": "select order_id, status from {{ ref('orders') }}",
    "legacy": "select count(*) as n from {{ ref('stg_orders') }}",
    "big_orders": "select order_id, amount from {{ ref('raw_orders') }} where amount > 10",
    "big_orders_report": "select count(*) as n, sum(amount) as total from {{ ref('big_orders') }}",
}
CURRENT_MODELS: dict[str, str] = {
    **{name: sql for name, sql in BASE_MODELS.items() if name != "legacy"},
    "stg_orders": "select order_id, customer_id, status, round(amount, 2) as amount from {{ ref('raw_orders') }}",
    "big_orders": "select order_id, amount from {{ ref('raw_orders') }} where amount > 20",
    "new_model": "select customer_id, revenue from {{ ref('customer_revenue') }}",
}
#: each model's output columns and types, as the catalog has them
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "stg_orders": RAW_ORDERS,
    "orders": (("order_id", "INTEGER"), ("customer_id", "INTEGER"), ("status", "VARCHAR"),
               ("amount_cents", "DECIMAL(18,2)")),
    "customer_revenue": (("customer_id", "INTEGER"), ("revenue", "DECIMAL(38,2)"), ("order_count", "BIGINT")),
    "order_status": (("order_id", "INTEGER"), ("status", "VARCHAR")),
    "legacy": (("n", "BIGINT"),),
    "big_orders": (("order_id", "INTEGER"), ("amount", "DECIMAL(10,2)")),
    "big_orders_report": (("n", "BIGINT"), ("total", "DECIMAL(38,2)")),
    "new_model": (("customer_id", "INTEGER"), ("revenue", "DECIMAL(38,2)")),
}
_REF = re.compile(r"\{\{\s*ref\('(?P<name>\w+)'\)\s*\}\}")


def _side(schema: str, models: Mapping[str, str]) -> ManifestBuilder:
    """The manifest of one side: the seed, the models (compiled as dbt compiles them) and the exposure."""
    builder = ManifestBuilder(schema=schema)
    uids = {"raw_orders": builder.seed("raw_orders")}
    for name, sql in models.items():  # in dependency order
        parents = [uids[ref] for ref in _REF.findall(sql)]
        uids[name] = builder.model(name, sql=sql, depends_on=parents, materialized="table")
        compiled = _REF.sub(lambda m: builder.nodes[uids[m["name"]]]["relation_name"], sql)
        builder.nodes[uids[name]]["compiled_code"] = compiled
    builder.exposure("revenue_dashboard", depends_on=[uids["customer_revenue"]])
    return builder


def _catalog(builder: ManifestBuilder) -> dict[str, object]:
    tables = {uid: (RAW_ORDERS if node["name"] == "raw_orders" else COLUMNS[node["name"]])
              for uid, node in builder.nodes.items()}
    data = catalog(tables)
    for entry in data["nodes"].values():  # the side's own schema, as dbt writes it
        entry["metadata"]["schema"] = builder.schema
    return data


def write_change_project(root: Path) -> Path:
    """The project's artifacts under ``root`` (``target-base/``, ``target/``); returns ``root``."""
    for directory, builder in (("target-base", _side("main", BASE_MODELS)), ("target", _side("dev", CURRENT_MODELS))):
        path = root / directory
        builder.write(path)
        (path / "catalog.json").write_text(json.dumps(_catalog(builder)))
    return root
