"""The change of DataRecce/jaffle_shop_duckdb's ``feature/add-payment-promotion-column`` branch against
``main``, built with real dbt-duckdb and judged as a reviewer would.

The project under tests/project/change_cases/jaffle_shop/ is a reconstruction written here, not a copy
of the public repository (code fetched from public repositories is not committed to this one): the
staging models, ``customers`` and the two edits of the branch are rebuilt clause for clause, so the
change is the same; ``orders``, ``customer_segments`` and ``customer_order_pattern`` are simpler
consumers written for this test. As upstream, the sources are DuckDB ``external_location`` CSV files
(the files are made here, a few rows each).

Hand review of the branch (main → feature/add-payment-promotion-column, commit "Add promotion
information"; two files change):

* ``stg_payments``: one new column, ``payment_method == 'coupon' as is_promotion``; every existing
  column and every row is as before → **non_breaking**, ``is_promotion`` added. Nothing downstream
  changes: ``orders`` does not read the new column, and ``customers`` is modified in its own right.
* ``customers``: ``customer_payments`` gains ``bool_or(is_promotion) as has_promoted_orders``, ``final``
  selects it, and ``final`` gains ``where has_promoted_orders = true``: customers who never paid with a
  coupon (and those with no payment at all, where the flag is NULL) are dropped → **breaking** (new
  filter), ``has_promoted_orders`` added. Every column of ``customer_segments`` and
  ``customer_order_pattern`` (both read ``customers``) is impacted; the branch's own
  ``relationships`` test of ``orders.customer_id`` fails for the same reason.
* ``orders``, ``stg_orders``, ``stg_customers``: untouched, not impacted.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spyglass.project.change_types import Category, ColumnChange, ColumnRef, ImpactChange, Transformation
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import ArtifactPair, Env
from tests.project.change_cases.build import CASES_DIR, Warehouse, build_pair

pytestmark = pytest.mark.slow

JAFFLE = CASES_DIR / "jaffle_shop"

PROJECT = """\
name: jaffle_shop
version: "0.1"
profile: jaffle_shop
config-version: 2
models:
  jaffle_shop:
    materialized: table
    staging:
      materialized: view
"""

#: a few rows per source table: some orders paid (partly) by coupon, one customer without orders
DATA = {
    "raw_customers": "id,first_name,last_name\n1,Ann,A.\n2,Bob,B.\n3,Cy,C.\n4,Di,D.\n",
    "raw_orders": "id,user_id,order_date,status\n1,1,2018-01-01,completed\n2,1,2018-01-09,returned\n"
                  "3,2,2018-01-03,placed\n4,3,2018-02-01,shipped\n5,3,2018-03-01,completed\n",
    "raw_payments": "id,order_id,payment_method,amount\n1,1,credit_card,1000\n2,1,coupon,300\n"
                    "3,2,bank_transfer,2500\n4,3,gift_card,700\n5,4,coupon,1200\n6,5,credit_card,900\n",
}


def _sources_yml(data_dir: Path) -> str:
    tables = "".join(
        f"      - name: {name}\n        meta:\n"
        f"          external_location: \"read_csv('{data_dir / f'{name}.csv'}', header = true, auto_detect = true)\"\n"
        for name in DATA)
    return f"version: 2\nsources:\n  - name: jaffle-shop-data\n    tables:\n{tables}"


def model(name: str) -> str:
    return f"model.jaffle_shop.{name}"


@dataclass(frozen=True)
class Jaffle:
    pair: ArtifactPair
    changes: ChangeAnalysis


@pytest.fixture(scope="module")
def jaffle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jaffle]:
    work = tmp_path_factory.mktemp("jaffle")
    data_dir = work / "jaffle-shop-data"
    data_dir.mkdir()
    for name, rows in DATA.items():
        (data_dir / f"{name}.csv").write_text(rows)
    base = work / "base"
    shutil.copytree(JAFFLE / "base", base)
    (base / "models" / "staging" / "sources.yml").write_text(_sources_yml(data_dir))
    built = build_pair(work / "project", base, JAFFLE / "current", profile="jaffle_shop",
                       warehouse=Warehouse("duckdb"), project_yml=PROJECT)
    yield Jaffle(built.pair, ChangeAnalysis(built.pair, diff_lineage(built.pair)))


def test_the_branch_modifies_two_models(jaffle: Jaffle) -> None:
    assert jaffle.changes.lineage.modified == {model("customers"), model("stg_payments")}


def test_stg_payments_gains_a_column(jaffle: Jaffle) -> None:
    got = jaffle.changes.classification(model("stg_payments"))
    assert got is not None
    assert (got.category, dict(got.columns)) == (Category.NON_BREAKING, {"is_promotion": ColumnChange.ADDED})


def test_customers_filter_is_breaking(jaffle: Jaffle) -> None:
    got = jaffle.changes.classification(model("customers"))
    assert got is not None
    assert (got.category, dict(got.columns)) == (Category.BREAKING, {"has_promoted_orders": ColumnChange.ADDED})
    assert any("filter" in reason and "has_promoted_orders" in reason for reason in got.reasons), got.reasons


def test_impact_of_the_branch(jaffle: Jaffle) -> None:
    report = jaffle.changes.impact()
    payments = report.get(model("stg_payments"))
    assert payments is not None and payments.impacted_columns == () and payments.impacted_nodes == ()
    customers = report.get(model("customers"))
    assert customers is not None
    assert set(customers.impacted_nodes) == {model("customer_segments"), model("customer_order_pattern")}
    assert sorted(customers.impacted_columns) == sorted([
        "customer_order_pattern.customer_id", "customer_order_pattern.days_active",
        "customer_order_pattern.first_order", "customer_order_pattern.most_recent_order",
        "customer_segments.customer_id", "customer_segments.customer_lifetime_value",
        "customer_segments.is_repeat_buyer", "customer_segments.value_band"])
    impacted = {node.name for node in report.nodes if node.change is ImpactChange.IMPACTED}
    assert impacted == {"customer_segments", "customer_order_pattern"}
    for name in ("orders", "stg_orders", "stg_customers"):
        assert report.get(model(name)) is None, name


def test_column_lineage_of_the_new_flag(jaffle: Jaffle) -> None:
    flag = jaffle.changes.columns(Env.CURRENT, model("customers")).columns["has_promoted_orders"]
    assert flag.transformation is Transformation.AGGREGATED
    assert flag.upstream == (ColumnRef(model("stg_payments"), "is_promotion"),)
    view = jaffle.changes.column_lineage(model("customers"), "customer_lifetime_value")
    assert {(h.node, h.column, h.transformation) for h in view.downstream} == {
        ("customer_segments", "customer_lifetime_value", Transformation.PASSTHROUGH),
        ("customer_segments", "value_band", Transformation.DERIVED)}


def test_staging_columns_trace_to_the_external_sources(jaffle: Jaffle) -> None:
    """The sources are ``read_csv(...)`` relations (dbt-duckdb ``external_location``); the staging models
    name every column they read from them, so the lineage reaches the source's columns."""
    source = "source.jaffle_shop.jaffle-shop-data.raw_payments"
    payments = jaffle.changes.columns(Env.CURRENT, model("stg_payments")).columns
    assert payments["is_promotion"].transformation is Transformation.DERIVED
    assert payments["is_promotion"].upstream == (ColumnRef(source, "payment_method"),)
    assert payments["payment_id"].transformation is Transformation.RENAMED
    assert payments["payment_id"].upstream == (ColumnRef(source, "id"),)
