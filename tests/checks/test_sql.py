"""SQL helpers: type classification, comparison casts, and the semantics of generated SQL on DuckDB."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest
from sqlglot import exp

from spyglass.checks.query.sql import ROW_COUNT, counted, limited
from spyglass.checks.sql import (
    SqlBuilder,
    TypeFamily,
    comparison_type,
    count_if,
    find_column,
    to_json_scalar,
    type_family,
)
from spyglass.checks.user_sql import parse_condition, parse_query
from spyglass.warehouse.dialects import DUCKDB, POSTGRES, Dialect


def _quote(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")


@pytest.mark.parametrize(
    ("type_name", "family"),
    [
        ("BIGINT", TypeFamily.INTEGER), ("integer", TypeFamily.INTEGER), ("int4", TypeFamily.INTEGER),
        ("HUGEINT", TypeFamily.INTEGER), ("numeric(10,2)", TypeFamily.NUMBER),
        ("DOUBLE", TypeFamily.NUMBER), ("double precision", TypeFamily.NUMBER),
        ("character varying(20)", TypeFamily.TEXT), ("VARCHAR", TypeFamily.TEXT), ("text", TypeFamily.TEXT),
        ("boolean", TypeFamily.BOOLEAN), ("DATE", TypeFamily.DATE),
        ("timestamp with time zone", TypeFamily.DATETIME), ("STRUCT(a INT)", TypeFamily.UNKNOWN),
        (None, TypeFamily.UNKNOWN), ("number", TypeFamily.NUMBER),
    ],
)
def test_type_family(type_name: str | None, family: TypeFamily) -> None:
    assert type_family(type_name) is family


@pytest.mark.parametrize(
    ("base", "current", "dialect", "expected"),
    [
        ("INTEGER", "INTEGER", DUCKDB, None),
        ("INTEGER", "BIGINT", DUCKDB, "bigint"),
        ("integer", "numeric(12,2)", POSTGRES, "double precision"),
        ("DECIMAL(10,2)", "DOUBLE", DUCKDB, "double"),
        ("character varying(10)", "character varying(20)", POSTGRES, "text"),
        ("INTEGER", "VARCHAR", DUCKDB, "varchar"),
        ("DATE", "DATE ", DUCKDB, None),
        ("STRUCT(a INT)", "INTEGER", DUCKDB, None),
        (None, "INTEGER", DUCKDB, None),
        ("json", "json", POSTGRES, "text"),
        ("jsonb", "jsonb", POSTGRES, None),
    ],
)
def test_comparison_type(base: str | None, current: str | None, dialect: Dialect, expected: str | None) -> None:
    assert comparison_type(base, current, dialect) == expected


def test_find_column() -> None:
    assert find_column(("Id", "name"), "id") == "Id"
    assert find_column(("id", "ID"), "ID") == "ID"
    assert find_column(("id", "ID"), "Id") is None
    assert find_column(("a",), "b") is None


def test_to_json_scalar() -> None:
    assert to_json_scalar(Decimal("12.00")) == 12
    assert to_json_scalar(Decimal("1.25")) == 1.25
    assert to_json_scalar(date(2024, 1, 2)) == "2024-01-02"
    assert to_json_scalar(datetime(2024, 1, 2, 3, 4)) == "2024-01-02T03:04:00"
    assert to_json_scalar(b"\x01\xff") == "01ff"
    assert to_json_scalar(True) is True
    assert to_json_scalar(None) is None


@pytest.mark.parametrize("null_safe", [True, False])
def test_null_safe_eq_semantics(null_safe: bool) -> None:
    from dataclasses import replace

    sql = SqlBuilder(quote=_quote, dialect=replace(DUCKDB, null_safe_equals=null_safe))
    con = duckdb.connect()
    con.execute('create table "T" ("order" int, "grOup" int)')
    con.execute('insert into "T" values (1, 1), (1, 2), (null, null), (null, 3), (4, null)')
    eq = sql.null_safe_eq(sql.col("order"), sql.col("grOup"))
    query = exp.select(count_if(eq), exp.Count(this=exp.Star())).from_(sql.relation('"T"'))
    assert con.execute(sql.render(query)).fetchone() == (2, 5)


def test_tolerance_semantics() -> None:
    sql = SqlBuilder(quote=_quote, dialect=DUCKDB)
    con = duckdb.connect()
    con.execute("create table t (a double, b decimal(10,2))")
    con.execute("insert into t values (1.0, 1.00), (1.0, 1.05), (100.0, 101.00), (null, null), (null, 1), (3, 9)")
    matched_abs = sql.within_tolerance(sql.col("a"), sql.col("b"), 0.1, None)
    matched_rel = sql.within_tolerance(sql.col("a"), sql.col("b"), None, 0.02)
    query = exp.select(count_if(matched_abs), count_if(matched_rel)).from_(sql.relation("t"))
    # abs 0.1: (1,1) (1,1.05) (null,null); rel 2%: (1,1) (100,101) (null,null)
    assert con.execute(sql.render(query)).fetchone() == (3, 3)


def test_key_text_limited_counted_probe() -> None:
    sql = SqlBuilder(quote=_quote, dialect=DUCKDB)
    con = duckdb.connect()
    con.execute('create table t ("k 1" int, "ключ" varchar)')
    con.execute("insert into t values (1, 'a'), (2, 'b'), (3, 'c')")
    text = sql.key_text([sql.col("k 1"), sql.col("ключ")])
    assert con.execute(sql.render(exp.select(exp.Min(this=text)).from_(sql.relation("t")))).fetchone() == ("1|a",)
    assert len(con.execute(limited(sql, parse_query("select * from t;", DUCKDB), 2)).fetchall()) == 2
    count = con.execute(counted(sql, parse_query("select * from t where \"k 1\" > 1", DUCKDB)))
    assert count.fetchone() == (2,)
    assert [d[0] for d in count.description] == [ROW_COUNT]  # read by that name
    filtered = sql.filtered("t", parse_condition("\"k 1\" >= 2 -- a comment", DUCKDB), "f")
    assert con.execute(sql.render(exp.select("*").from_(filtered))).fetchall() == [(2, "b"), (3, "c")]
    cursor = con.execute(sql.probe(sql.relation("t")))
    assert [d[0] for d in cursor.description] == ["k 1", "ключ"]
    assert cursor.fetchall() == []


def test_template_args_builds_an_argument_list_tree() -> None:
    """A dialect's ``hash({expr})`` around several columns: a tree, rendered as the engine runs it."""
    sql = SqlBuilder(quote=_quote, dialect=DUCKDB)
    con = duckdb.connect()
    con.execute('create table t ("a b" int, c varchar)')
    con.execute("insert into t values (1, 'x'), (1, 'x'), (2, 'x')")
    row_hash = sql.template_args("hash({expr})", [sql.col("a b"), sql.col("c")])
    assert sql.render(row_hash) == 'HASH("a b", "c")'
    query = exp.select(exp.Count(this=exp.Distinct(expressions=[row_hash]))).from_(sql.relation("t"))
    assert con.execute(sql.render(query)).fetchone() == (2,)
    assert sql.render(sql.template_args("hash({expr})", [sql.col("c")])) == 'HASH("c")'
    with pytest.raises(ValueError, match=r"no \{expr\} argument list"):
        sql.template_args("{expr}", [sql.col("c")])
