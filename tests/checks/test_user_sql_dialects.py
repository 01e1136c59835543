"""User SQL on the warehouses declared in spyglass/warehouse/cloud_dialects.py (and Spark): what each refuses
because it reads files, stages or URLs, reaches other databases or services, or runs SQL text; and plain
SQL each accepts although sqlglot writes it differently (a type's other name, Spark's CAST)."""

from __future__ import annotations

import pytest

from spyglass.checks.user_sql import parse_query
from spyglass.exceptions import QueryRefused
from spyglass.warehouse.dialect_table import DIALECTS, dialect_for
from spyglass.warehouse.dialects import GENERIC


@pytest.mark.parametrize(("dialect", "sql", "named"), [
    ("snowflake", "select system$wait(10)", "system$wait()"),
    ("snowflake", "select snowflake.cortex.complete('m', prompt) from t", "snowflake.cortex.complete()"),
    ("snowflake", "select * from table(result_scan(last_query_id()))", "result_scan()"),
    ("snowflake", "select get_presigned_url(@s, 'f.csv')", "get_presigned_url()"),
    ("snowflake", "select $1 from @my_stage/data.csv", "'@my_stage/data.csv'"),
    ("snowflake", "select $1 from @~/data.csv", "'@~/data.csv'"),
    ("bigquery", "select * from external_query('us.conn', 'select * from secrets')", "external_query()"),
    ("bigquery", "select * from ML.PREDICT(MODEL m, TABLE t)", "predict()"),
    ("bigquery", "select ai.generate_bool('is it?') from t", "ai.generate_bool()"),
    ("bigquery", "select obj.fetch_metadata(ref) from t", "obj.fetch_metadata()"),
    ("databricks", "select * from parquet.`s3://bucket/x`", "'parquet.s3://bucket/x'"),
    ("databricks", "select * from read_files('/Volumes/x')", "read_files()"),
    ("databricks", "select http_request(conn => 'c', method => 'GET', path => '/')", "http_request()"),
    ("databricks", "select ai_query('endpoint', text) from t", "ai_query()"),
    ("redshift", "select pg_terminate_backend(123)", "pg_terminate_backend()"),
    ("redshift", "select set_config('search_path', 'x', false)", "set_config()"),
    ("trino", "select * from table(pg.system.query(query => 'select * from secrets'))", "query()"),
    ("trino", "select ai_gen('hello')", "ai_gen()"),
])
def test_refused(dialect: str, sql: str, named: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        parse_query(sql, DIALECTS[dialect])
    assert named in refused.value.message
    assert refused.value.remedy


@pytest.mark.parametrize(("dialect", "sql"), [
    ("bigquery", "select cast(a as int), cast(b as string) from `p.d.t`"),
    ("bigquery", "select `客户`, `1st_value` from `p.d.orders` where `prix_€` > 1"),
    ("spark", "select * from t where d >= date '2024-01-01'"),
    ("spark", "select timestamp '2024-01-01 00:00:00' as ts from t"),
    ("databricks", "select `a b` from t where d >= date '2024-01-01'"),
    ("snowflake", 'select "OrderID", translate("客户", \'a\', \'b\') from "DB"."S"."Orders 2024"'),
    ("snowflake", "select complete from t"),
    ("redshift", 'select "1st_value"::varchar(max) from t'),
    ("trino", "select approx_distinct(a), query from t"),
])
def test_accepted(dialect: str, sql: str) -> None:
    assert parse_query(sql, DIALECTS[dialect]).sql()


def test_a_type_written_without_its_parameters_is_refused() -> None:
    """sqlglot writes BigQuery's NUMERIC(10,2) as NUMERIC: the cast would no longer round, so it never runs."""
    with pytest.raises(QueryRefused, match="cannot reproduce exactly for bigquery"):
        parse_query("select cast(a as numeric(10, 2)) from t", DIALECTS["bigquery"])


def test_every_declared_dialect_is_found_by_its_adapter_type() -> None:
    assert sorted(DIALECTS) == ["bigquery", "databricks", "duckdb", "postgres", "redshift", "snowflake",
                               "spark", "trino"]
    assert all(dialect_for(name) is d and d.name == name for name, d in DIALECTS.items())
    assert dialect_for("exasol") is GENERIC  # an adapter we have not declared: ANSI-ish SQL
