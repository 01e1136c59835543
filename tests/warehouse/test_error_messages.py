"""What a failed query says: a refused file or network access has its own message and remedy (never "grant
SELECT"; the PostgreSQL case is in test_cancel_and_access.py), and no message quotes the SQL Spyglass
wrapped around the user's query."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.checks.registry import parse_spec
from spyglass.checks.user_sql import parse_query
from spyglass.exceptions import ExternalAccessDenied, QueryRefused
from spyglass.state.models import RunStatus
from spyglass.warehouse.dialects import DUCKDB, POSTGRES, SPARK, Dialect
from tests.fixtures.warehouses import Crafted

#: a query that parses and binds, then fails while it runs
FAILS_AT_EXECUTION = {
    "duckdb": ("select cast(name as integer) as n from {{ ref('people') }}", "Could not convert string 'a'"),
    "postgres": ("select id / (id - id) as ratio from {{ ref('people') }}", "division by zero"),
}
PEOPLE = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"


@pytest.mark.parametrize(("dialect", "sql", "function"), [
    (DUCKDB, "select * from read_csv('/etc/passwd')", "read_csv()"),
    (DUCKDB, "select * from read_parquet('http://example.com/x.parquet')", "read_parquet()"),
    (DUCKDB, "select * from t, lateral glob(t.path)", "glob()"),
    (POSTGRES, "select pg_read_file('/etc/passwd')", "pg_read_file()"),
    (POSTGRES, "select * from dblink('host=evil', 'select 1') as t(a int)", "dblink()"),
    (SPARK, "select input_file_name() from t", "input_file_name()"),
])
def test_the_deny_rule_says_files_or_network(dialect: Dialect, sql: str, function: str) -> None:
    with pytest.raises(QueryRefused) as info:
        parse_query(sql, dialect)
    assert info.value.message.startswith(f"Spyglass refuses SQL that reads files or the network: {function}")
    assert "ref()/source()" in info.value.remedy and "Grant" not in info.value.remedy


def test_a_file_name_as_table_is_refused_as_a_file() -> None:
    with pytest.raises(QueryRefused) as info:
        parse_query("select * from 'https://example.com/x.csv'", DUCKDB)
    assert info.value.message.startswith("Spyglass refuses SQL that reads files or the network: "
                                         "'https://example.com/x.csv'")


def test_other_denied_functions_keep_their_own_message() -> None:
    with pytest.raises(QueryRefused) as info:
        parse_query("select nextval('seq')", DUCKDB)
    assert "nextval()" in info.value.message and "reads files or the network:" not in info.value.message


@pytest.mark.parametrize("engine", ["duckdb"])
def test_duckdb_sandbox_refusal_is_a_file_access_error(crafted: Crafted, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    wh = crafted.warehouse(sandboxed=True)
    for sql in (f"select * from read_csv('{secret}')", "select * from duckdb_extension_repositories()"):
        with pytest.raises(ExternalAccessDenied) as info:
            wh.execute(sql)
        assert info.value.message.startswith("The warehouse refused to read a file or reach the network: ")
        assert "disabled by configuration" in info.value.message
        assert "sandboxed" in info.value.remedy and "Grant" not in info.value.remedy
        assert "LINE 1" not in info.value.message and "select *" not in info.value.message


def test_an_execution_error_never_shows_the_wrapper_sql(crafted: Crafted) -> None:
    crafted.create_model("people", PEOPLE, PEOPLE)
    template, words = FAILS_AT_EXECUTION[crafted.engine]
    for spec in (parse_spec("query", {"sql_template": template}), parse_spec("query_diff", {"sql_template": template})):
        record = crafted.session().run_check(spec)
        assert record.status is RunStatus.FAILED and record.error is not None
        assert words in record.error.message, record.error.message
        for wrapper in ("spyglass_q", "LIMIT", "SELECT * FROM (", "count(*)", "COUNT(*)", "LINE 1"):
            assert wrapper not in record.error.message, record.error.message
        assert record.error.remedy
