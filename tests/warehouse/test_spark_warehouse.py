"""DbtWarehouse on Spark (dbt-spark ``method: session``): results, types, errors, cancel, refusals."""

from __future__ import annotations

import threading
import time

import pytest

from spyglass.checks.registry import parse_spec
from spyglass.exceptions import Cancelled, QuerySyntaxError, RelationMissing
from spyglass.project.models import Env
from spyglass.state.models import RunStatus
from spyglass.warehouse.base import CancelToken
from spyglass.warehouse.families import TypeFamily
from tests.fixtures.warehouses import Crafted

pytestmark = [pytest.mark.slow,
              pytest.mark.parametrize("engine", [pytest.param("spark", marks=pytest.mark.slow)], indirect=True)]


def test_reads_rows_and_types(crafted: Crafted) -> None:
    crafted.create_model("orders", "select * from (values (1, 'a', 2.5), (2, 'b', 3.5)) as t(id, name, amount)",
                         "select * from (values (1, 'a', 2.5)) as t(id, name, amount)", unique_key="id")
    warehouse = crafted.warehouse()
    result = warehouse.execute(f"select id, name, amount from {crafted.relation('orders', Env.BASE)} order by id")
    assert [tuple(row) for row in result.rows] == [(1, "a", pytest.approx(2.5)), (2, "b", pytest.approx(3.5))]
    assert [c.type for c in result.columns] == [TypeFamily.INTEGER, TypeFamily.TEXT, TypeFamily.NUMBER]
    empty = warehouse.execute(f"select id, name from {crafted.relation('orders', Env.CURRENT)} where id < 0")
    assert empty.rows == () and [c.type for c in empty.columns] == [TypeFamily.NUMBER, TypeFamily.TEXT]
    assert len(warehouse.execute("select id from range(0, 100)", limit=7).rows) == 7


def test_errors_are_classified(crafted: Crafted) -> None:
    warehouse = crafted.warehouse()
    with pytest.raises(RelationMissing):
        warehouse.execute(f"select * from {crafted.relation('nope', Env.BASE)}")
    with pytest.raises(QuerySyntaxError):
        warehouse.execute("selec 1")
    with pytest.raises(QuerySyntaxError):
        warehouse.execute("select no_such_column")


def test_cancel_stops_a_running_query(crafted: Crafted) -> None:
    warehouse = crafted.warehouse()
    token = CancelToken()
    threading.Timer(3.0, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        warehouse.execute("select count(*) from range(0, 1000000000000) a", cancel=token)
    assert time.monotonic() - started < 30
    assert warehouse.execute("select 1").scalar() == 1  # the warehouse still works after a cancel


def test_hostile_queries_are_refused_on_spark(crafted: Crafted) -> None:
    crafted.create_model("people", "select * from (values (1, 'a')) as t(id, name)",
                         "select * from (values (1, 'a')) as t(id, name)", unique_key="id")
    session = crafted.session()
    hostile = [
        "select reflect('java.lang.System', 'getenv', 'HOME') as x from {{ ref('people') }}",
        "select java_method('java.lang.Runtime', 'getRuntime') as x",
        "select input_file_name() as f from {{ ref('people') }}",
        "select * from parquet.`/etc/passwd`",
        "select * from csv.`file:///etc/passwd`",
        "select * from json.`hdfs://elsewhere/x`",
        "select * from {{ ref('people') }} union all select * from text.`/tmp`",
    ]
    for sql in hostile:
        record = session.run_check(parse_spec("query", {"sql_template": sql}))
        assert record.status is RunStatus.FAILED, sql
        assert record.error is not None and record.error.kind == "QueryRefused", (sql, record.error)
    fine = session.run_check(parse_spec("query", {"sql_template": "select name from {{ ref('people') }}"}))
    assert fine.status is not RunStatus.FAILED, fine.error
