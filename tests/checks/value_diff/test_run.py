"""value_diff on crafted base/current data, every figure asserted, on DuckDB and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from spyglass.checks.registry import parse_spec
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffResult
from spyglass.checks.value_diff.run import run
from spyglass.exceptions import CheckError, UsageError
from spyglass.report.markdown import render_details
from spyglass.state.models import RunRecord, RunStatus
from tests.fixtures.warehouses import Crafted

# Awkward names on purpose: mixed case, reserved words, a space and unicode.
COLUMNS = '("Id", "order", "group", "unit price ü")'
BASE_ROWS = f"""select * from (values
    (1, 'a', 10, 1.5), (2, 'b', null, 2.5), (3, null, 30, 3.5),
    (4, 'd', 40, null), (5, 'e', 50, 5.5), (6, 'f', 60, 6.5)) as t{COLUMNS}"""
CURRENT_ROWS = f"""select * from (values
    (1, 'a', 10, 1.5), (2, 'b', 20, 2.5), (3, null, 30, 3.5),
    (4, 'D', 40, null), (5, null, 50, 5.5), (7, 'g', 70, 7.5)) as t{COLUMNS}"""


def _diff(crafted: Crafted, **params: object) -> ValueDiffResult:
    return run(ValueDiffParams.model_validate(params), crafted.context())


def test_added_removed_changed_with_nulls_and_awkward_names(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    result = _diff(crafted, model="orders", primary_key="Id")
    assert (result.base_rows, result.current_rows) == (6, 6)
    assert (result.added, result.removed, result.in_both, result.changed) == (1, 1, 5, 3)
    by_name = {c.column: c for c in result.columns}
    assert list(by_name) == ["order", "group", "unit price ü"]
    assert (by_name["order"].matched, by_name["order"].mismatched, by_name["order"].example_key) == (3, 2, 4)
    assert (by_name["group"].matched, by_name["group"].mismatched, by_name["group"].example_key) == (4, 1, 2)
    assert (by_name["unit price ü"].matched, by_name["unit price ü"].mismatched) == (5, 0)
    assert by_name["unit price ü"].example_key is None
    assert by_name["order"].matched_p == pytest.approx(0.6)
    assert by_name["unit price ü"].matched_p == 1.0
    assert (result.example_added, result.example_removed, result.example_changed) == ((7,), (6,), (2, 5))
    assert result.mismatch
    assert result.headline == "1 added, 1 removed, 3 of 5 changed"
    assert ValueDiffResult.model_validate_json(result.model_dump_json()) == result
    record = crafted.session().run_check(parse_spec("value_diff", {"model": "orders", "primary_key": "Id"}))
    assert RunRecord.model_validate_json(record.model_dump_json()).result == result  # state file round trip


def test_identical_tables_and_column_selection(crafted: Crafted) -> None:
    crafted.create_model("same", BASE_ROWS, BASE_ROWS, unique_key="Id")
    result = _diff(crafted, model="same", columns=["group", "ORDER"])  # key from the dbt unique test
    assert result.primary_key == ("Id",)
    assert [c.column for c in result.columns] == ["group", "order"]
    assert (result.added, result.removed, result.in_both, result.changed) == (0, 0, 6, 0)
    assert all(c.matched == 6 and c.mismatched == 0 for c in result.columns)
    assert not result.mismatch
    assert result.headline == "identical: 6 rows, 2 columns match"


COMPOSITE_BASE = """create table {relation} (k1 int, k2 varchar(5), amount int, label varchar(10),
    score decimal(10,2), dropped int);
insert into {relation} values (1, 'x', 100, 'aa', 1.00, 0), (1, 'y', 200, 'bb', 2.00, 0),
    (2, 'x', 300, 'cc', 3.00, 0), (4, 'w', 1, 'dd', 4.00, 0)"""
# reordered columns, int -> bigint, varchar(5) -> varchar(10), decimal -> double, one column swapped
COMPOSITE_CURRENT = """create table {relation} (label varchar(20), score double precision, k2 varchar(10),
    k1 bigint, amount bigint, fresh int);
insert into {relation} values ('aa', 1.0, 'x', 1, 100, 0), ('bb', 2.004, 'y', 1, 201, 0),
    ('cc', 3.5, 'x', 2, 300, 0), ('ee', 9.0, 'z', 3, 5, 0)"""


def test_composite_key_type_changes_reordered_columns(crafted: Crafted) -> None:
    crafted.create_model("composite", COMPOSITE_BASE, COMPOSITE_CURRENT)
    result = _diff(crafted, model="composite", primary_key=["k1", "k2"])
    assert result.primary_key == ("k1", "k2")
    assert (result.base_rows, result.current_rows) == (4, 4)
    assert (result.added, result.removed, result.in_both, result.changed) == (1, 1, 3, 2)
    figures = {c.column: (c.matched, c.mismatched, c.example_key) for c in result.columns}
    assert figures == {"amount": (2, 1, "1|y"), "label": (3, 0, None), "score": (1, 2, "1|y")}
    assert (result.base_only_columns, result.current_only_columns) == (("dropped",), ("fresh",))
    assert (result.example_added, result.example_removed, result.example_changed) == (("3|z",), ("4|w",),
                                                                                     ("1|y", "2|x"))


def test_where_filters_both_sides(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    for two_step in (False, True):
        result = _diff(crafted, model="orders", primary_key="Id", where='"Id" between 2 and 6;', two_step=two_step)
        assert (result.base_rows, result.current_rows) == (5, 4)
        assert (result.added, result.removed, result.in_both, result.changed) == (0, 1, 4, 3)
        assert {c.column: c.mismatched for c in result.columns} == {"order": 2, "group": 1, "unit price ü": 0}
    record = crafted.session().run_check(parse_spec("value_diff", {"model": "orders", "primary_key": "Id",
                                                        "where": "nope > 1"}))
    assert record.status is RunStatus.FAILED and record.error is not None
    assert record.error.kind == "QuerySyntaxError"


def test_numeric_tolerance(crafted: Crafted) -> None:
    crafted.create_model("composite", COMPOSITE_BASE, COMPOSITE_CURRENT)
    absolute = _diff(crafted, model="composite", primary_key=["k1", "k2"], abs_tolerance=0.01)
    assert {c.column: c.mismatched for c in absolute.columns} == {"amount": 1, "label": 0, "score": 1}
    assert absolute.changed == 2
    relative = _diff(crafted, model="composite", primary_key=["k1", "k2"], rel_tolerance=0.01,
                     columns=["score", "amount"])
    # |201-200| = 1 <= 2.01; |2.004-2| <= 0.02; |3.5-3| > 0.035
    assert {c.column: c.mismatched for c in relative.columns} == {"score": 1, "amount": 0}
    assert (relative.changed, relative.example_changed) == (1, ("2|x",))


def test_empty_sides(crafted: Crafted) -> None:
    empty = 'select * from (values (1, \'a\')) as t("Id", "name") where 1 = 0'
    crafted.create_model("grown", empty, "select * from (values (1, 'a'), (2, 'b')) as t(\"Id\", \"name\")")
    result = _diff(crafted, model="grown", primary_key="Id")
    assert (result.base_rows, result.current_rows, result.added, result.removed, result.in_both) == (0, 2, 2, 0, 0)
    assert result.columns[0].matched_p is None
    assert result.example_added == (1, 2)
    assert result.mismatch


def test_both_sides_empty_is_a_result(crafted: Crafted) -> None:
    """Two empty sides once failed the run ("nothing to compare"): 0 rows each, no mismatch, is a result."""
    empty = 'select * from (values (1, \'a\')) as t("Id", "name") where 1 = 0'
    crafted.create_model("void", empty, empty)
    for two_step in (False, True):
        result = _diff(crafted, model="void", primary_key="Id", two_step=two_step)
        assert (result.base_rows, result.current_rows, result.added, result.removed, result.in_both,
                result.changed) == (0, 0, 0, 0, 0, 0)
        assert [(c.column, c.matched, c.mismatched, c.matched_p) for c in result.columns] == [("name", 0, 0, None)]
        assert not result.mismatch
        assert result.headline == "both sides empty: 0 rows each"
    record = crafted.session().run_check(parse_spec("value_diff", {"model": "void", "primary_key": "Id"}))
    assert record.status is RunStatus.SUCCESS, record.error
    assert record.result is not None and not record.result.mismatch
    assert "0 base rows, 0 current rows" in render_details(record.result)


@pytest.mark.parametrize(
    ("base_sql", "current_sql", "message"),
    [
        # duplicated on both sides, matched by the other side
        ("select * from (values (1, 'a'), (2, 'b'), (2, 'c')) as t(id, v)",
         "select * from (values (1, 'a'), (2, 'b')) as t(id, v)", "base: id=2 (2 rows)"),
        # duplicated in current only, key absent from base (only the distinct-count invariant sees it)
        ("select * from (values (1, 'a')) as t(id, v)",
         "select * from (values (1, 'a'), (5, 'b'), (5, 'c'), (5, 'd')) as t(id, v)", "current: id=5 (3 rows)"),
        # NULL key
        ("select * from (values (1, 'a'), (null, 'b')) as t(id, v)",
         "select * from (values (1, 'a')) as t(id, v)", "base: id=NULL (1 row)"),
    ],
)
def test_bad_keys_fail_with_offending_values(crafted: Crafted, base_sql: str, current_sql: str,
                                             message: str) -> None:
    crafted.create_model("dupes", base_sql, current_sql)
    record = crafted.session().run_check(parse_spec("value_diff", {"model": "dupes", "primary_key": "id"}))
    assert record.status is RunStatus.FAILED
    assert record.error is not None and record.error.kind == "CheckError"
    assert message in record.error.message
    assert "not unique and non-null" in record.error.message
    assert record.error.remedy


LOW_CARDINALITY = "select i % 5 as k, i as v from generate_series(1, 200000) as t(i)"


@pytest.mark.parametrize("check_type", ["value_diff", "value_diff_detail"])
def test_low_cardinality_key_on_200k_rows_is_refused_before_the_join(crafted: Crafted, check_type: str) -> None:
    """A 5-value key over 200k rows: joining on it would pair 8e9 rows (no answer after minutes on
    PostgreSQL); the key is checked first, so the run fails with the offending values instead."""
    crafted.create_model("big", LOW_CARDINALITY, LOW_CARDINALITY)
    record = crafted.session().run_check(parse_spec(check_type, {"model": "big", "primary_key": "k"}))
    assert record.status is RunStatus.FAILED
    assert record.error is not None and record.error.kind == "CheckError"
    assert "primary key (k) of model 'big' is not unique and non-null" in record.error.message
    base_part, current_part = record.error.message.split(" | ")
    for side, part in (("base", base_part), ("current", current_part)):
        assert side + ": k=" in part
        assert sorted(re.findall(r"k=(\d) \(40000 rows\)", part)) == ["0", "1", "2", "3", "4"]
    assert record.error.remedy


@pytest.mark.parametrize("two_step", [False, True])
def test_assume_unique_key_skips_the_scan_and_still_refuses_a_bad_key(crafted: Crafted, two_step: bool) -> None:
    """With ``assume_unique_key`` the figures are the same; a key that is not unique after all is refused
    once the join shows it, with the same offending values as the scan names."""
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    checked = _diff(crafted, model="orders", primary_key="Id", two_step=two_step)
    assert _diff(crafted, model="orders", primary_key="Id", two_step=two_step, assume_unique_key=True) == checked
    crafted.create_model("dupes", "select * from (values (1, 'a'), (null, 'b')) as t(id, v)",
                         "select * from (values (1, 'a'), (5, 'b'), (5, 'c')) as t(id, v)")
    with pytest.raises(CheckError, match=r"base: id=NULL \(1 row\) \| current: id=5 \(2 rows\)"):
        _diff(crafted, model="dupes", primary_key="id", two_step=two_step, assume_unique_key=True)


def test_value_diff_detail_always_checks_the_key() -> None:
    with pytest.raises(UsageError, match="assume_unique_key"):
        parse_spec("value_diff_detail", {"model": "m", "primary_key": "id", "assume_unique_key": True})


def test_bad_input_fails_with_a_clear_message(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    crafted.create_model("fresh", None, "select 1 as id")
    session = crafted.session()
    cases: list[tuple[dict[str, object], str]] = [
        ({"model": "nope", "primary_key": "Id"}, "No model, seed, snapshot or source 'nope' in the base or current"),
        ({"model": "fresh", "primary_key": "id"}, "exists only in current"),
        ({"model": "orders", "primary_key": "missing"}, "primary key column 'missing' is not in both sides"),
        ({"model": "orders", "primary_key": "Id", "columns": ["nah"]}, "Unknown column(s) 'nah'"),
    ]
    for params, message in cases:
        record = session.run_check(parse_spec("value_diff", dict(params)))
        assert record.status is RunStatus.FAILED, params
        assert record.error is not None and message in record.error.message
        assert record.error.remedy
    no_key = session.run_check(parse_spec("value_diff", {"model": "orders"}))
    assert no_key.status is RunStatus.FAILED and no_key.error is not None
    assert no_key.error.message == "No primary key given for model 'orders', and none is declared in dbt."
    with pytest.raises(UsageError, match="primary_key: Value error, primary_key must name at least one column"):
        parse_spec("value_diff", {"model": "orders", "primary_key": []})  # refused before anything runs


@pytest.mark.parametrize(
    ("base_sql", "current_sql", "params"),
    [
        (BASE_ROWS, CURRENT_ROWS, {"primary_key": "Id"}),
        (BASE_ROWS, BASE_ROWS, {"primary_key": "Id"}),
        (COMPOSITE_BASE, COMPOSITE_CURRENT, {"primary_key": ["k1", "k2"]}),
        (COMPOSITE_BASE, COMPOSITE_CURRENT, {"primary_key": ["k1", "k2"], "abs_tolerance": 0.01}),
        (COMPOSITE_BASE, COMPOSITE_CURRENT, {"primary_key": ["k1", "k2"], "rel_tolerance": 0.01}),
    ],
)
def test_two_step_form_gives_the_same_figures(crafted: Crafted, base_sql: str, current_sql: str,
                                              params: dict[str, object]) -> None:
    """Where the dialect has a row hash (DuckDB), the two-step form must equal the single join."""
    crafted.create_model("m", base_sql, current_sql)
    single = _diff(crafted, model="m", two_step=False, **params)
    two_step = _diff(crafted, model="m", two_step=True, **params)
    assert two_step == single
    assert single.mismatch == (base_sql != current_sql)


def test_two_step_form_detects_bad_keys(crafted: Crafted) -> None:
    crafted.create_model("dupes", "select * from (values (1, 'a'), (null, 'b')) as t(id, v)",
                         "select * from (values (1, 'a'), (5, 'b'), (5, 'c')) as t(id, v)")
    with pytest.raises(CheckError, match=r"base: id=NULL \(1 row\) \| current: id=5 \(2 rows\)"):
        _diff(crafted, model="dupes", primary_key="id", two_step=True)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_json_columns_compare_as_text_on_postgres(crafted: Crafted) -> None:
    """PostgreSQL's json has no '=' operator: it is compared (and grouped) by its text form."""
    crafted.create_model("docs", "create table {relation} (id int, doc json); "
                                 "insert into {relation} values (1, '{\"a\": 1}'), (2, '{\"b\": 2}')",
                         "create table {relation} (id int, doc json); "
                         "insert into {relation} values (1, '{\"a\": 1}'), (2, '{\"b\": 3}')")
    result = _diff(crafted, model="docs", primary_key="id")
    assert [(c.column, c.matched, c.mismatched, c.example_key) for c in result.columns] == [("doc", 1, 1, 2)]
