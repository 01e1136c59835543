"""Change classification, impact and column lineage on artifact pairs built in code (one modified model
per case), in the DuckDB and PostgreSQL dialects. The real-dbt acceptance project is in
test_change_cases.py."""

from __future__ import annotations

import copy

import pytest

from spyglass.exceptions import NotFound
from spyglass.project.change_types import Category, ColumnChange, ImpactChange, Transformation
from spyglass.project.models import Env
from tests.project.change_pairs import Side, analysis, uid

BASE = Side(
    seeds={"raw_orders": ["id", "customer_id", "status", "amount"], "raw_customers": ["id", "name"]},
    models={
        "stg_orders": "select id as order_id, customer_id, status, amount from {{ raw_orders }}",
        "orders": "with o as (select * from {{ stg_orders }})\n"
                  "select order_id, customer_id, status, amount * 100 as amount_cents from o",
        "customer_totals": "select customer_id, sum(amount_cents) as total, count(*) as n from {{ orders }} "
                           "group by customer_id",
        "open_orders": "select order_id, status from {{ orders }} where status <> 'returned'",
        "customer_orders": "select o.order_id, c.name from {{ orders }} o left join {{ raw_customers }} c "
                           "on o.customer_id = c.id",
        "orders_all": "select * from {{ stg_orders }}",
    },
    catalog={"stg_orders": ["order_id", "customer_id", "status", "amount"]},
    exposures={"revenue_dashboard": ["customer_totals"]},
)
ALL_TOTALS = ("customer_totals.customer_id", "customer_totals.n", "customer_totals.total")

#: case: (model, current SQL or None for a config-only change, category, changed columns, impacted columns)
CASES = {
    "added column": ("orders", BASE.models["orders"].replace("from o", ", amount as amount_raw from o"),
                     Category.NON_BREAKING, {"amount_raw": ColumnChange.ADDED}, ()),
    "removed column": ("orders", BASE.models["orders"].replace("status, ", ""), Category.PARTIAL_BREAKING,
                       {"status": ColumnChange.REMOVED}, ("open_orders.order_id", "open_orders.status")),
    "renamed column": ("orders", BASE.models["orders"].replace("customer_id,", "customer_id as buyer_id,"),
                       Category.PARTIAL_BREAKING, {"buyer_id": ColumnChange.ADDED, "customer_id": ColumnChange.REMOVED},
                       ("customer_orders.name", "customer_orders.order_id", *ALL_TOTALS)),
    "expression changed": ("orders", BASE.models["orders"].replace("* 100", "* 1000"), Category.PARTIAL_BREAKING,
                           {"amount_cents": ColumnChange.MODIFIED}, ("customer_totals.total",)),
    "new where": ("orders", BASE.models["orders"] + " where status <> 'returned'", Category.BREAKING, {},
                  ("customer_orders.name", "customer_orders.order_id", *ALL_TOTALS, "open_orders.order_id",
                   "open_orders.status")),
    "join type": ("customer_orders", BASE.models["customer_orders"].replace("left join", "inner join"),
                  Category.BREAKING, {}, ()),
    "group by": ("customer_totals", "select customer_id, status, sum(amount_cents) as total, count(*) as n "
                 "from {{ orders }} group by customer_id, status", Category.BREAKING,
                 {"status": ColumnChange.ADDED}, ()),
    "distinct": ("open_orders", BASE.models["open_orders"].replace("select", "select distinct"),
                 Category.BREAKING, {}, ()),
    "formatting": ("orders", "-- cents for the finance team\n"
                   + BASE.models["orders"].replace(", ", ",\n    ").upper()
                   .replace("{{ STG_ORDERS }}", "{{ stg_orders }}"),
                   Category.NON_BREAKING, {}, ()),
    "config only": ("orders", None, Category.NON_BREAKING, {}, ()),
    "star over changed upstream": ("stg_orders",
                                   BASE.models["stg_orders"].replace("amount from", "amount * 2 as amount from"),
                                   Category.PARTIAL_BREAKING, {"amount": ColumnChange.MODIFIED},
                                   ("customer_totals.total", "orders.amount_cents", "orders_all.amount")),
    "unparseable": ("orders", "select order_id from {{ stg_orders }} where ((", Category.UNKNOWN, {},
                    ("customer_orders.name", "customer_orders.order_id", *ALL_TOTALS, "open_orders.order_id",
                     "open_orders.status")),
}


def _current(model: str, sql: str | None) -> Side:
    current = copy.deepcopy(BASE)
    if sql is None:
        current.materialized[model] = "view"
    else:
        current.models[model] = sql
    return current


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_case_is_classified_as_a_reviewer_would(case: str, adapter: str) -> None:
    model, sql, category, columns, impacted = CASES[case]
    changes = analysis(BASE, _current(model, sql), adapter)
    found = changes.classification(uid(model))
    assert found is not None
    assert (found.category, dict(found.columns)) == (category, columns), found.reasons
    entry = changes.impact().get(uid(model))
    assert entry is not None and entry.change is ImpactChange.MODIFIED and entry.category is category
    assert entry.impacted_columns == tuple(sorted(impacted))


def test_reasons_quote_the_change_in_the_reviewers_words() -> None:
    _, sql, *_ = CASES["new where"]
    found = analysis(BASE, _current("orders", sql)).classification(uid("orders"))
    assert found is not None and found.reasons == ("new filter `status <> 'returned'`",)
    _, sql, *_ = CASES["join type"]
    found = analysis(BASE, _current("customer_orders", sql)).classification(uid("customer_orders"))
    assert found is not None and found.reasons[0].startswith("join changed: `LEFT JOIN")
    found = analysis(BASE, _current("orders", None)).classification(uid("orders"))
    assert found is not None and found.reasons == ("config only: materialized",)
    _, sql, *_ = CASES["unparseable"]
    found = analysis(BASE, _current("orders", sql)).classification(uid("orders"))
    assert found is not None and found.reasons[0].startswith("sqlglot cannot parse the SQL")


def test_a_breaking_change_names_the_exposures_it_reaches() -> None:
    _, sql, *_ = CASES["new where"]
    report = analysis(BASE, _current("orders", sql)).impact()
    entry = report.get(uid("orders"))
    assert entry is not None and entry.exposures == ("revenue_dashboard",)
    dashboard = report.get("exposure.shop.revenue_dashboard")
    assert dashboard is not None and dashboard.change is ImpactChange.IMPACTED and dashboard.whole_node


def test_impacted_nodes_list_only_their_affected_columns() -> None:
    _, sql, *_ = CASES["expression changed"]
    report = analysis(BASE, _current("orders", sql)).impact()
    totals = report.get(uid("customer_totals"))
    assert totals is not None and totals.change is ImpactChange.IMPACTED and totals.category is None
    assert totals.impacted_columns == ("customer_totals.total",) and not totals.whole_node
    # open_orders reads orders but not amount_cents: not impacted at all
    assert report.get(uid("open_orders")) is None
    # the dashboard sits on an affected model: impacted whole
    dashboard = report.get("exposure.shop.revenue_dashboard")
    assert dashboard is not None and dashboard.whole_node


def test_selection_limits_the_changed_nodes_reported() -> None:
    current = _current("orders", CASES["new where"][1])
    current.models["open_orders"] = BASE.models["open_orders"].replace("select", "select distinct")
    report = analysis(BASE, current).impact(ids={uid("open_orders")})
    assert [n.unique_id for n in report.nodes if n.change is ImpactChange.MODIFIED] == [uid("open_orders")]


def test_added_and_removed_models_have_no_category() -> None:
    current = copy.deepcopy(BASE)
    del current.models["orders_all"]
    current.models["new_model"] = "select 1 as id"
    report = analysis(BASE, current).impact()
    added, removed = report.get(uid("new_model")), report.get(uid("orders_all"))
    assert added is not None and added.change is ImpactChange.ADDED and added.category is None
    assert removed is not None and removed.change is ImpactChange.REMOVED and removed.category is None


def test_column_lineage_across_models_with_transformations() -> None:
    changes = analysis(BASE, copy.deepcopy(BASE))
    view = changes.column_lineage(uid("customer_totals"), "total")
    assert [(h.node, h.column, h.transformation, h.depth) for h in view.upstream] == [
        ("orders", "amount_cents", Transformation.DERIVED, 1),
        ("stg_orders", "amount", Transformation.PASSTHROUGH, 2),
        ("raw_orders", "amount", Transformation.SOURCE, 3),
    ]
    view = changes.column_lineage(uid("raw_orders", "seed"), "ID")
    assert [(h.node, h.column, h.transformation) for h in view.downstream][:1] == [
        ("stg_orders", "order_id", Transformation.RENAMED)]
    assert ("orders_all", "order_id", Transformation.PASSTHROUGH) in [
        (h.node, h.column, h.transformation) for h in view.downstream]
    assert changes.column_lineage(uid("customer_totals"), "total", depth=1).upstream[-1].node == "orders"
    assert changes.columns(Env.CURRENT, uid("customer_totals")).columns["total"].transformation \
        is Transformation.AGGREGATED


def test_unknown_columns_and_nodes_are_not_found_with_the_known_columns() -> None:
    changes = analysis(BASE, copy.deepcopy(BASE))
    with pytest.raises(NotFound, match="customer_id, n, total"):
        changes.column_lineage(uid("customer_totals"), "nope")
    with pytest.raises(NotFound):
        changes.column_lineage("model.shop.nope", "id")


def test_unparseable_sql_gives_unknown_columns_with_a_reason_never_an_error() -> None:
    current = _current("orders", CASES["unparseable"][1])
    current.catalog["orders"] = ["order_id"]
    columns = analysis(BASE, current).columns(Env.CURRENT, uid("orders"))
    assert columns.reason is not None and "sqlglot" in columns.reason
    assert {n: c.transformation for n, c in columns.columns.items()} == {"order_id": Transformation.UNKNOWN}
