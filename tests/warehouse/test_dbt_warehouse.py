"""DbtWarehouse on real DuckDB and PostgreSQL: results, typed errors, quoting, render, concurrency."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from spyglass.exceptions import CheckError, QuerySyntaxError, RelationMissing, WarehouseError
from spyglass.project.models import Env
from spyglass.project.render import SqlRenderer
from spyglass.warehouse.base import QueryResult
from tests.fixtures.warehouses import Crafted


def test_execute_returns_rows_and_coarse_types(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    result = wh.execute("select 1 as i, cast(2.5 as double precision) as f, 'x' as t, true as b, "
                        "cast('2024-01-31' as date) as d, cast(null as integer) as n")
    assert result.column_names == ("i", "f", "t", "b", "d", "n")
    assert [c.type for c in result.columns] == ["integer", "number", "text", "boolean", "date", "number"]
    assert result.rows == ((1, 2.5, "x", True, date(2024, 1, 31), None),)


def test_limit_caps_fetched_rows(crafted: Crafted) -> None:
    crafted.create_model("nums", "select * from (values (1), (2), (3), (4)) as t(n)", None)
    wh = crafted.warehouse()
    relation = crafted.relation("nums", Env.BASE)
    assert len(wh.execute(f"select n from {relation} order by n", limit=2).rows) == 2
    assert wh.execute(f"select n from {relation} order by n", limit=2).rows == ((1,), (2,))
    assert len(wh.execute(f"select n from {relation}").rows) == 4


def test_missing_table_is_relation_missing(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    with pytest.raises(RelationMissing) as info:
        wh.execute(f"select * from {crafted.relation('no_such_table', Env.BASE)}")
    assert info.value.remedy
    # the connection stays usable after an error (the failed transaction was rolled back)
    assert wh.execute("select 42").scalar() == 42


@pytest.mark.parametrize("sql", ["selec 1", "select no_such_column from (select 1 as a) as t"])
def test_bad_sql_is_syntax_error(crafted: Crafted, sql: str) -> None:
    wh = crafted.warehouse()
    with pytest.raises(QuerySyntaxError):
        wh.execute(sql)
    assert wh.execute("select 1").scalar() == 1


def test_execute_many_keeps_order_and_isolates_failures(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    statements = [f"select {i} as v" for i in range(10)]
    statements[3] = "select * from nowhere_at_all"
    results = wh.execute_many(statements)
    assert isinstance(results[3], RelationMissing)
    values = [r.scalar() for r in results if isinstance(r, QueryResult)]
    assert values == [0, 1, 2, 4, 5, 6, 7, 8, 9]


def test_execute_many_runs_concurrently_on_worker_threads(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    assert wh.threads == 4
    seen: set[str] = set()
    original = wh.execute

    def spy(sql: str, **kwargs: object) -> QueryResult:
        seen.add(threading.current_thread().name)
        return original(sql, **kwargs)  # type: ignore[arg-type]

    wh.execute = spy  # type: ignore[method-assign]
    results = wh.execute_many([f"select {i}" for i in range(16)])
    assert all(isinstance(r, QueryResult) for r in results)
    assert all(name.startswith("spyglass-query") for name in seen)
    assert len(seen) > 1


def test_quoting_mixed_case_reserved_words_spaces_unicode(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    names = ["MixedCase", "order", "group", "with space", "prénom_名前", 'say "hi"']
    select = ", ".join(f"{i} as {wh.quote(n)}" for i, n in enumerate(names))
    crafted.create_model("Weird Table", f"select {select}", f"select {select}")
    relation = crafted.relation("Weird Table", Env.CURRENT)
    result = wh.execute(f"select {', '.join(wh.quote(n) for n in names)} from {relation}")
    assert result.column_names == tuple(names)
    assert result.rows == ((0, 1, 2, 3, 4, 5),)
    assert wh.quote("order") == '"order"'
    assert wh.quote('say "hi"') == '"say ""hi"""'
    catalog = crafted.pair().current.catalog
    assert catalog is not None
    assert [c.name for c in catalog.tables["model.crafted.Weird Table"].columns] == names


def test_relation_and_render_resolve_per_environment(crafted: Crafted) -> None:
    crafted.create_model("orders", "select 1 as id", "select 1 as id union all select 2")
    wh = crafted.warehouse()
    renderer = SqlRenderer(crafted.pair())
    base_sql = renderer.render("select count(*) from {{ ref('orders') }}", Env.BASE)
    current_sql = renderer.render("select count(*) from {{ ref('crafted', 'orders') }}", Env.CURRENT)
    assert crafted.relation("orders", Env.BASE) in base_sql
    assert crafted.relation("orders", Env.CURRENT) in current_sql
    assert wh.execute(base_sql).scalar() == 1
    assert wh.execute(current_sql).scalar() == 2
    node = crafted.pair().current.manifest.nodes["model.crafted.orders"]
    assert wh.relation(node) == crafted.relation("orders", Env.CURRENT)


def test_render_unknown_ref_names_it(crafted: Crafted) -> None:
    renderer = SqlRenderer(crafted.pair())
    with pytest.raises(CheckError, match="nope"):
        renderer.render("select * from {{ ref('nope') }}", Env.BASE)
    with pytest.raises(CheckError, match="not valid Jinja"):
        renderer.render("select {{ 1 + }}", Env.BASE)


def test_relation_of_ephemeral_node_is_check_error(crafted: Crafted) -> None:
    crafted.ephemeral("eph")
    wh = crafted.warehouse()
    node = crafted.pair().base.manifest.nodes["model.crafted.eph"]
    with pytest.raises(CheckError, match="not materialized"):
        wh.relation(node)
    with pytest.raises(CheckError, match="not materialized"):
        SqlRenderer(crafted.pair()).render("select * from {{ ref('eph') }}", Env.BASE)


def test_closed_warehouse_refuses_queries(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    wh.close()
    wh.close()  # idempotent
    with pytest.raises(WarehouseError):
        wh.execute("select 1")


def test_concurrent_callers_from_many_threads(crafted: Crafted) -> None:
    crafted.create_model("t", "select * from (values (1), (2), (3)) as v(n)", None)
    wh = crafted.warehouse()
    relation = crafted.relation("t", Env.BASE)
    errors: list[BaseException] = []
    sums: list[object] = []

    def worker() -> None:
        try:
            for _ in range(5):
                sums.append(wh.execute(f"select sum(n) from {relation}").scalar())
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert time.monotonic() - started < 60
    assert not errors
    assert sums == [6] * 30
    # connections of the finished threads are closed when another thread connects
    wh.execute_many(["select 1"])
    assert wh.open_connections <= 1 + wh.threads + 1  # this thread, the pool, the cancel thread
