"""The row filter (where, since/until over event_time): parsing, the SQL it builds (run on DuckDB), what it says."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import duckdb
import pytest
from pydantic import ValidationError
from sqlglot import exp

from spyglass.checks.presets import PresetCheck
from spyglass.checks.registry import parse_spec
from spyglass.checks.row_filter import (
    FilterParams,
    RowFilter,
    event_time_of,
    filtered_from,
    parse_time,
    resolve,
    title_suffix,
)
from spyglass.checks.sql import SqlBuilder
from spyglass.cli.filters import window_summary, windowed_checks
from spyglass.exceptions import CheckError, QueryRefused
from spyglass.pipeline import checks_from_presets
from spyglass.project.models import Node, ResourceType
from spyglass.warehouse.dialect_table import DIALECTS
from spyglass.warehouse.dialects import DUCKDB, Dialect

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=timezone.utc)
NODE = Node(unique_id="model.shop.orders", name="orders", resource_type=ResourceType.MODEL, package_name="shop")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql(dialect: Dialect = DUCKDB) -> SqlBuilder:
    return SqlBuilder(quote=lambda n: exp.to_identifier(n, quoted=True).sql(dialect=dialect.sqlglot or None),
                      dialect=dialect)


def _with_event_time(value: str) -> Node:
    return replace(NODE, unrendered_config={"event_time": value, "materialized": "table"})


def test_times_absolute_and_relative() -> None:
    assert parse_time("7d", NOW) == datetime(2026, 11, 23, 12, 0, 0)
    assert parse_time("24h", NOW) == datetime(2026, 11, 29, 12, 0, 0)
    assert parse_time(" 2W ", NOW) == datetime(2026, 11, 16, 12, 0, 0)
    assert parse_time("30m", NOW) == datetime(2026, 11, 30, 11, 30, 0)
    assert parse_time("2026-11-01", NOW) == date(2026, 11, 1)
    assert parse_time("2026-11-01T06:00:00", NOW) == datetime(2026, 11, 1, 6, 0, 0)
    assert parse_time("2026-11-01T06:00:00+02:00", NOW) == datetime(2026, 11, 1, 4, 0, 0)  # as UTC
    for bad in ("yesterday", "7 days", "2026-13-01", "", "-7d", "99999999999d"):
        with pytest.raises(CheckError) as info:
            parse_time(bad, NOW)
        assert "7d" in info.value.remedy and "ISO" in info.value.remedy


def test_params_refuse_a_malformed_time_and_carry_the_filter() -> None:
    with pytest.raises(ValidationError, match="not a time Spyglass understands"):
        FilterParams(since="last week")
    params = FilterParams(where="status = 'x'", since="7d", until="2026-12-01", event_time="ts")
    assert params.row_filter == RowFilter(where="status = 'x'", since="7d", until="2026-12-01", event_time="ts")
    assert params.model_dump() == {"where": "status = 'x'", "since": "7d", "until": "2026-12-01", "event_time": "ts"}
    assert FilterParams().model_dump() == {} and not FilterParams().row_filter.active


def test_event_time_comes_from_dbt_config_unless_jinja() -> None:
    assert event_time_of(_with_event_time("ordered_at")) == "ordered_at"
    assert event_time_of(_with_event_time("{{ var('ts') }}")) is None
    assert event_time_of(NODE) is None


def test_filter_rows_kept_on_duckdb() -> None:
    """The condition, run on real data: where and window together keep exactly the expected rows."""
    con = duckdb.connect()
    con.execute("create table t (id int, status varchar, ordered_at timestamp)")
    con.execute("""insert into t values (1, 'open', '2026-11-20 00:00:00'), (2, 'open', '2026-11-24 00:00:00'),
                   (3, 'done', '2026-11-25 00:00:00'), (4, 'open', '2026-11-30 11:00:00'),
                   (5, 'open', '2026-12-02 00:00:00'), (6, 'open', null)""")
    sql = _sql()
    row_filter = RowFilter(where="status = 'open'", since="7d", until="2026-12-01")
    resolved = resolve(row_filter, sql, node=_with_event_time("ORDERED_AT"), columns=("id", "status", "ordered_at"),
                       model="orders", now=NOW)
    assert resolved.condition is not None
    query = exp.select("id").from_(sql.filtered("t", resolved.condition, "t")).order_by("id")
    assert [r[0] for r in con.execute(sql.render(query)).fetchall()] == [2, 4]
    assert resolved.description == ("where status = 'open'; ordered_at >= 2026-11-23 12:00:00 (7d ago) and "
                                    "ordered_at < 2026-12-01")
    assert resolved.notes == (f"Rows filtered: {resolved.description}.",)
    by_param = resolve(RowFilter(since="2026-11-25", event_time="ordered_at"), sql, node=NODE,
                       columns=("id", "ordered_at"), model="orders", now=NOW)
    assert by_param.condition is not None
    query = exp.select("id").from_(sql.filtered("t", by_param.condition, "t")).order_by("id")
    assert [r[0] for r in con.execute(sql.render(query)).fetchall()] == [3, 4, 5]


def test_no_event_time_is_an_error_unless_the_window_is_optional() -> None:
    sql = _sql()
    with pytest.raises(CheckError) as info:
        resolve(RowFilter(since="7d"), sql, node=NODE, columns=("id",), model="orders", now=NOW)
    assert "has no event_time column" in info.value.message and "config(event_time=" in info.value.remedy
    with pytest.raises(CheckError, match="'ts' is not a column of model 'orders'"):
        resolve(RowFilter(since="7d", event_time="ts"), sql, node=NODE, columns=("id",), model="orders", now=NOW)
    optional = resolve(RowFilter(where="id > 1", since="7d", window_optional=True), sql, node=NODE,
                       columns=("id",), model="orders", now=NOW)
    assert optional.description == "where id > 1"
    assert optional.notes[1].startswith("The time window (since 7d) was ignored: model 'orders' has no event_time")


@pytest.mark.parametrize("dialect", list(DIALECTS.values()), ids=lambda d: d.name)
def test_where_is_parsed_and_checked_as_user_sql(dialect: Dialect) -> None:
    with pytest.raises(QueryRefused):
        resolve(RowFilter(where="1 = 1; drop table t"), _sql(dialect), node=NODE, columns=None, model="m", now=NOW)
    resolved = resolve(RowFilter(where="a = 1", since="2026-01-01", event_time="Event Time"), _sql(dialect),
                       node=NODE, columns=None, model="m", now=NOW)
    assert resolved.condition is not None
    text = resolved.condition.sql(dialect=dialect.sqlglot or None)
    assert _sql(dialect).quote("Event Time") in text  # the column is quoted by the adapter's rules


def test_titles_and_run_since_on_preset_checks() -> None:
    assert title_suffix(RowFilter()) == ""
    assert title_suffix(RowFilter(where="a = 1", since="7d", until="1d")) == " (where a = 1, since 7d until 1d)"
    presets = [PresetCheck(spec=parse_spec("value_diff", {"model": "orders", "primary_key": "id"})),
               PresetCheck(spec=parse_spec("profile_diff", {"model": "orders", "since": "2026-01-01"})),
               PresetCheck(spec=parse_spec("schema_diff", {})),
               PresetCheck(name="Mine", spec=parse_spec("row_count_diff", {}))]
    checks = checks_from_presets(presets)
    assert windowed_checks(checks, None) == checks
    windowed = windowed_checks(checks, "7d")
    assert windowed[0].name == "Value diff of orders (since 7d)"
    assert windowed[0].spec.params.model_dump() == {"model": "orders", "primary_key": "id", "since": "7d",
                                                    "window_optional": True}
    assert windowed[1] == checks[1]  # its own window wins
    assert windowed[2] == checks[2]  # reads no rows
    assert windowed[3].name == "Mine" and windowed[3].spec.params.model_dump()["since"] == "7d"
    assert window_summary(windowed, None) is None
    assert window_summary(windowed, "7d") == ("--since 7d applies to 3 of 4 checks (models without event_time are "
                                              "read whole).")
    totals = PresetCheck(name="Totals", spec=parse_spec("query_diff", {"sql_template": "select 1"}))
    query = checks_from_presets([totals])
    assert window_summary(windowed_checks([*checks, *query], "7d", "1d"), "7d", "1d") == (
        "--since 7d --until 1d applies to 3 of 5 checks (models without event_time are read whole); not to Totals: "
        "a query's SQL decides its rows.")


def test_filtered_from_counts_what_the_check_reads() -> None:
    con = duckdb.connect()
    con.execute("create table t (id int, ordered_at date)")
    con.execute("insert into t values (1, '2026-11-01'), (2, '2026-11-20'), (3, '2026-11-29')")
    sql = _sql()
    node = _with_event_time("ordered_at")
    for row_filter, expected in ((RowFilter(), 3), (RowFilter(since="2026-11-15"), 2),
                                 (RowFilter(since="2026-11-15", where="id <> 3"), 1),
                                 (RowFilter(since="7d", window_optional=True), 1)):
        source = filtered_from(row_filter, sql, node=node, relation="t", now=NOW)
        query = exp.select(exp.Count(this=exp.Star())).from_(source)
        assert con.execute(sql.render(query)).fetchone() == (expected,), row_filter
