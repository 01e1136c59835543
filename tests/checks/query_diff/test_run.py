"""query_diff on crafted data: multiset difference, keyed diff, column order (Recce #685), errors."""

from __future__ import annotations

import pytest

from spyglass.checks.query import QueryParams
from spyglass.checks.query.run import run as query_run
from spyglass.checks.query_diff import QueryDiffParams, QueryDiffResult, RowCount
from spyglass.checks.query_diff.run import run
from spyglass.checks.registry import parse_spec
from spyglass.checks.value_diff_detail import DiffRow
from spyglass.project.models import Env
from spyglass.state.models import RunStatus
from tests.fixtures.warehouses import Crafted

# duplicates on purpose: (2,'b') twice in base, once in current; NULLs compare equal in the multiset
BASE = """select * from (values (1, 'a', 10), (2, 'b', 20), (2, 'b', 20), (3, null, 30),
    (4, 'd', null)) as t(id, "Name", "order")"""
CURRENT = """select * from (values (1, 'a', 10), (2, 'b', 20), (3, null, 30), (4, 'D', null),
    (5, 'e', 50), (5, 'e', 50)) as t(id, "Name", "order")"""
TEMPLATE = "select * from {{ ref('things') }}"


def _diff(crafted: Crafted, **params: object) -> QueryDiffResult:
    return run(QueryDiffParams.model_validate(params), crafted.context())


def test_multiset_difference_without_key(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    result = _diff(crafted, sql_template=TEMPLATE)
    assert result.keyed is None and result.multiset is not None
    multiset = result.multiset
    assert multiset.columns == ("id", "Name", "order")
    assert multiset.rows == (
        RowCount(values=(2, "b", 20), base_count=2, current_count=1),
        RowCount(values=(4, "D", None), base_count=0, current_count=1),
        RowCount(values=(4, "d", None), base_count=1, current_count=0),
        RowCount(values=(5, "e", 50), base_count=0, current_count=2),
    )
    assert (multiset.only_in_base, multiset.only_in_current, multiset.differing, multiset.more) == (2, 3, 4, False)
    assert result.base is not None and result.current is not None
    assert (result.base.total_row_count, result.current.total_row_count) == (5, 6)
    assert len(result.base.rows) == 5 and result.current.column_names == ("id", "Name", "order")
    assert result.mismatch
    assert result.headline == "2 rows only in base, 3 only in current"
    assert QueryDiffResult.model_validate_json(result.model_dump_json()) == result
    limited = _diff(crafted, sql_template=TEMPLATE, limit=1)
    assert limited.multiset is not None and limited.base is not None
    assert (len(limited.multiset.rows), limited.multiset.more, limited.multiset.differing) == (1, True, 4)
    assert (len(limited.base.rows), limited.base.more) == (1, True)


def test_base_sql_template_and_same_rows(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    result = _diff(crafted, sql_template="select id from {{ ref('things') }} where id < 4",
                   base_sql_template="select distinct id from {{ ref('things') }} where id in (1, 2, 3)")
    assert result.multiset is not None
    assert (result.multiset.only_in_base, result.multiset.only_in_current, result.multiset.rows) == (0, 0, ())
    assert not result.mismatch
    assert result.headline == "same rows"


def test_keyed_diff_joins_by_name(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    template = "select distinct * from {{ ref('things') }}"
    result = _diff(crafted, sql_template=template, primary_keys=["id"])
    assert result.multiset is None and result.keyed is not None
    assert result.keyed.rows == (
        DiffRow(key=(4,), status="changed", changed_columns=("Name",), base=("d", None), current=("D", None)),
        DiffRow(key=(5,), status="added", current=("e", 50)),
    )
    assert (result.keyed.added, result.keyed.removed, result.keyed.changed) == (1, 0, 1)
    assert result.headline == "2 differing rows: 1 added, 0 removed, 1 changed"


def test_reordered_columns_give_no_diff_recce_685(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, BASE)
    base_sql = "select id, \"Name\", \"order\" from {{ ref('things') }}"
    current_sql = "select \"order\", id, \"Name\" from {{ ref('things') }}"
    for keys in (None, ["id", "Name", "order"]):
        params: dict[str, object] = {"sql_template": current_sql, "base_sql_template": base_sql}
        if keys:
            params["sql_template"] = "select distinct \"order\", id, \"Name\" from {{ ref('things') }}"
            params["base_sql_template"] = "select distinct id, \"Name\", \"order\" from {{ ref('things') }}"
            params["primary_keys"] = ["id"]
        result = _diff(crafted, **params)
        assert not result.mismatch, (keys, result)
        assert (result.base_only_columns, result.current_only_columns) == ((), ())


def test_column_sets_that_differ_are_a_mismatch(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, BASE)
    result = _diff(crafted, sql_template="select id, \"order\" from {{ ref('things') }}",
                   base_sql_template="select id, \"Name\" from {{ ref('things') }}")
    assert (result.base_only_columns, result.current_only_columns) == (("Name",), ("order",))
    assert result.multiset is not None and result.multiset.columns == ("id",)
    assert result.multiset.only_in_base == 0 and result.mismatch


def test_bad_input_is_a_failed_run(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    session = crafted.session()
    cases = [
        ({"sql_template": TEMPLATE, "primary_keys": ["id"]}, "CheckError", "base: id=2 (2 rows)"),
        ({"sql_template": TEMPLATE, "primary_keys": ["nope"]}, "CheckError", "'nope' is not in both sides"),
        ({"sql_template": "select 1 as a", "base_sql_template": "select 1 as b"}, "CheckError", "no column"),
        ({"sql_template": "select broken from {{ ref('things') }}"}, "QuerySyntaxError", ""),
        ({"sql_template": TEMPLATE, "base_sql_template": TEMPLATE + "; drop table {{ ref('things') }}"},
         "QueryRefused", "The base query holds 2 statements"),
        ({"sql_template": "select 1 as a) as t; drop table {{ ref('things') }}; select * from (select 1 as a",
          "base_sql_template": TEMPLATE}, "QueryRefused", "The current query could not be parsed"),
    ]
    for params, kind, message in cases:
        record = session.run_check(parse_spec("query_diff", dict(params)))
        assert record.status is RunStatus.FAILED, params
        assert record.error is not None and record.error.kind == kind, (params, record.error)
        assert message in record.error.message and record.error.remedy


def test_both_sides_empty_is_a_result(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    empty = TEMPLATE + " where id > 100"
    unkeyed = _diff(crafted, sql_template=empty)
    assert unkeyed.both_empty and not unkeyed.mismatch
    assert unkeyed.base is not None and unkeyed.current is not None and unkeyed.multiset is not None
    assert (unkeyed.base.total_row_count, unkeyed.current.total_row_count, unkeyed.multiset.differing) == (0, 0, 0)
    assert unkeyed.base.column_names == ("id", "Name", "order")
    assert unkeyed.headline == "no rows on either side"
    keyed = _diff(crafted, sql_template=empty, primary_keys=["id"])
    assert keyed.both_empty and not keyed.mismatch
    assert keyed.keyed is not None and keyed.keyed.total == 0
    assert keyed.headline == "no rows on either side"
    assert QueryDiffResult.model_validate_json(keyed.model_dump_json()) == keyed
    one_side = _diff(crafted, sql_template=TEMPLATE + " where id = 5", base_sql_template=empty)
    assert not one_side.both_empty and one_side.mismatch
    record = crafted.session().run_check(parse_spec("query_diff", {"sql_template": empty, "primary_keys": "id"}))
    assert record.status is RunStatus.SUCCESS, record.error


def test_hostile_sql_on_either_side_never_runs(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    relations = [crafted.relation("things", env) for env in (Env.BASE, Env.CURRENT)]
    counts = [crafted.warehouse().execute(f"select count(*) from {r}").scalar() for r in relations]
    breakout = "select 1 as id) as t; drop table {{ ref('things') }}; select * from (select 1 as id"
    session = crafted.session()
    for params in ({"sql_template": breakout}, {"sql_template": TEMPLATE, "base_sql_template": breakout},
                   {"sql_template": breakout, "primary_keys": ["id"]},
                   {"sql_template": "with d as (delete from {{ ref('things') }} returning *) select * from d"}):
        record = session.run_check(parse_spec("query_diff", params))
        assert record.status is RunStatus.FAILED and record.error is not None
        assert record.error.kind == "QueryRefused", record.error
    wh = crafted.warehouse()
    assert [wh.execute(f"select count(*) from {r}").scalar() for r in relations] == counts


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"])
def test_every_statement_runs_in_a_read_only_transaction(crafted: Crafted) -> None:
    """Probe, counts, multiset, key check and row diff all see ``transaction_read_only = on``."""
    read_only = "select 1 as id, current_setting('transaction_read_only') as ro"
    unkeyed = _diff(crafted, sql_template=read_only, base_sql_template="select 1 as id, 'on' as ro")
    assert unkeyed.current is not None and unkeyed.current.rows == ((1, "on"),)
    assert not unkeyed.mismatch
    keyed = _diff(crafted, sql_template=read_only, base_sql_template="select 1 as id, 'on' as ro", primary_keys="id")
    assert keyed.keyed is not None and keyed.keyed.total == 0 and not keyed.mismatch
    query = query_run(QueryParams(sql_template=read_only), crafted.context())
    assert query.table.rows == ((1, "on"),)
