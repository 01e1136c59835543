"""A written base/current project with compiled SQL, for the change-intelligence API (no dbt needed).

Changes: ``stg_orders`` doubles ``amount`` (partial breaking: ``amount`` modified), ``stg_customers``
gains a filter (breaking). Downstream: ``orders.amount_cents`` and ``customer_revenue.revenue`` are made
from ``amount`` (impacted columns), ``order_status`` reads only untouched columns (not affected, though
it is downstream), ``customer_report`` and its dashboard read the filtered model (impacted whole).
"""

from __future__ import annotations

from pathlib import Path

from spyglass.settings import ProjectSettings
from tests.project.manifest_builder import ManifestBuilder, write_catalog, write_pair

SEED_COLUMNS = {
    "seed.shop.raw_orders": [("order_id", "INTEGER"), ("customer_id", "INTEGER"), ("amount", "INTEGER"),
                             ("status", "VARCHAR")],
    "seed.shop.raw_customers": [("customer_id", "INTEGER"), ("name", "VARCHAR")],
}

#: name -> (raw SQL, compiled SQL with {schema} for the side's schema, parents)
MODELS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "stg_orders": ("select order_id, customer_id, amount, status from {{ ref('raw_orders') }}",
                   'select order_id, customer_id, amount, status from "shop"."{schema}"."raw_orders"',
                   ("seed.shop.raw_orders",)),
    "stg_customers": ("select customer_id, name from {{ ref('raw_customers') }}",
                      'select customer_id, name from "shop"."{schema}"."raw_customers"',
                      ("seed.shop.raw_customers",)),
    "orders": ("select order_id, customer_id, amount * 100 as amount_cents, status from {{ ref('stg_orders') }}",
               'select o.order_id, o.customer_id, o.amount * 100 as amount_cents, o.status '
               'from "shop"."{schema}"."stg_orders" as o',
               ("model.shop.stg_orders",)),
    "order_status": ("select order_id, status from {{ ref('stg_orders') }}",
                     'select order_id, status from "shop"."{schema}"."stg_orders"',
                     ("model.shop.stg_orders",)),
    "customer_revenue": ("select customer_id, sum(amount_cents) as revenue from {{ ref('orders') }} group by 1",
                         'select customer_id, sum(amount_cents) as revenue from "shop"."{schema}"."orders" '
                         'group by customer_id',
                         ("model.shop.orders",)),
    "customer_report": ("select customer_id, name from {{ ref('stg_customers') }}",
                        'select c.customer_id, c.name from "shop"."{schema}"."stg_customers" as c',
                        ("model.shop.stg_customers",)),
}

#: the current side's new SQL of the modified models: (raw, compiled)
CURRENT_SQL = {
    "stg_orders": ("select order_id, customer_id, amount * 2 as amount, status from {{ ref('raw_orders') }}",
                   'select order_id, customer_id, amount * 2 as amount, status from "shop"."{schema}"."raw_orders"'),
    "stg_customers": ("select customer_id, name from {{ ref('raw_customers') }} where name is not null",
                      'select customer_id, name from "shop"."{schema}"."raw_customers" where name is not null'),
}


def _side(schema: str, sql: dict[str, tuple[str, str]]) -> ManifestBuilder:
    builder = ManifestBuilder(schema=schema)
    builder.seed("raw_orders")
    builder.seed("raw_customers")
    for name, (raw, compiled, parents) in MODELS.items():
        raw, compiled = sql.get(name, (raw, compiled))
        uid = builder.model(name, sql=raw, depends_on=parents, materialized="table")
        builder.nodes[uid]["compiled_code"] = compiled.format(schema=schema)
    builder.exposure("revenue_dashboard", depends_on=["model.shop.customer_report"])
    return builder


def write_change_project(root: Path) -> ProjectSettings:
    """``root`` with target-base/ (schema main) and target/ (schema dev); catalogs hold the seeds."""
    base_dir, current_dir = write_pair(root, _side("main", {}), _side("dev", CURRENT_SQL))
    write_catalog(base_dir, SEED_COLUMNS)
    write_catalog(current_dir, SEED_COLUMNS)
    (root / "dbt_project.yml").write_text("name: shop\nprofile: no_such_profile\n")
    return ProjectSettings(project_dir=root, profiles_dir=root)
