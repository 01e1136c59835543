"""User SQL parsing: hostile SQL refused before the warehouse, benign SQL accepted, on both dialects.

The warehouse-level counterparts (a refused query leaves the tables alone; accepted SQL returns what the
engine returns for the SQL as written) are in test_query.py and test_query_diff.py.
"""

from __future__ import annotations

import pytest
from sqlglot import exp

from spyglass.checks.query.sql import counted, limited
from spyglass.checks.sql import SqlBuilder
from spyglass.checks.user_sql import UserQuery, parse_condition, parse_query
from spyglass.exceptions import CheckError, QueryRefused
from spyglass.warehouse.dialects import DUCKDB, GENERIC, POSTGRES, Dialect

DIALECTS = [pytest.param(DUCKDB, id="duckdb"), pytest.param(POSTGRES, id="postgres")]

#: refused on every dialect, with a word the message must contain
HOSTILE = [
    ("select 1 as a) as t; drop table prod.fct_orders; select * from (select 1 as a", "could not be parsed"),
    ("select 1; drop table prod.fct_orders", "2 statements"),
    ("select 1 -- hidden\n; drop table prod.fct_orders", "2 statements"),
    ("select 1 /* ; */; drop table prod.fct_orders", "2 statements"),
    ("select 1; select 2", "2 statements"),
    ("drop table prod.fct_orders", "DROP"),
    ("delete from prod.fct_orders", "DELETE"),
    ("update prod.fct_orders set id = 1", "UPDATE"),
    ("insert into prod.fct_orders values (1)", "INSERT"),
    ("create table x as select 1", "CREATE"),
    ("truncate prod.fct_orders", "TRUNCATE"),
    ("with x as (delete from t returning *) select * from x", "DELETE"),
    ("with x as (insert into t values (1) returning *) select * from x", "INSERT"),
    ("with x as (update t set a = 1 returning *) select * from x", "UPDATE"),
    ("copy (select 1) to program 'id'", "COPY"),
    ("copy prod.fct_orders to '/tmp/out.csv'", "COPY"),
    ("select * into new_table from prod.fct_orders", "INTO"),
    ("select * from prod.fct_orders for update", "FOR UPDATE"),
    ("pragma database_list", "PRAGMA"),
    ("set search_path = evil", "SET"),
    ("call pragma_version()", "CALL"),
    ("explain analyze delete from t", "EXPLAIN"),
    ("load httpfs", "LOAD"),
    ("export database '/tmp/dump'", "could not be parsed"),
    ("begin", "TRANSACTION"),
    ("commit", "COMMIT"),
    ("vacuum", "VACUUM"),
    ("grant all on t to public", "GRANT"),
    ("prepare p as select 1", "PREPARE"),
    ("execute p", "EXECUTE"),
    ("checkpoint", "not a query"),
    ("garbage ;; ( select", "could not be parsed"),
    ("select 'unterminated", "could not be parsed"),
    ("", "empty"),
    ("  -- only a comment\n ", "empty"),
    ("; ;", "empty"),
]

#: refused on the named dialect (engine-specific statements and functions)
HOSTILE_ON = [
    (DUCKDB, "attach '/tmp/other.duckdb' as other", "ATTACH"),
    (DUCKDB, "detach other", "DETACH"),
    (DUCKDB, "install httpfs", "INSTALL"),
    (DUCKDB, "select * from read_csv('/etc/passwd')", "read_csv()"),
    (DUCKDB, "select read_csv_auto('/etc/passwd')", "read_csv_auto()"),
    (DUCKDB, "select * from read_parquet('s3://bucket/x.parquet')", "read_parquet()"),
    (DUCKDB, "select * from read_json_auto('/etc/x.json')", "read_json_auto()"),
    (DUCKDB, "select content from read_text('/etc/passwd')", "read_text()"),
    (DUCKDB, "select * from read_blob('/etc/passwd')", "read_blob()"),
    (DUCKDB, "select * from glob('/etc/*')", "glob()"),
    (DUCKDB, "select * from sqlite_scan('/tmp/x.db', 't')", "sqlite_scan()"),
    (DUCKDB, "select * from postgres_scan('host=x', 'public', 't')", "postgres_scan()"),
    (DUCKDB, "select * from query('select 1')", "query()"),
    (DUCKDB, "select current_setting('s3_secret_access_key')", "current_setting()"),
    (DUCKDB, "select getenv('HOME')", "getenv()"),
    (DUCKDB, "select * from t, lateral read_parquet(t.path)", "read_parquet()"),
    (DUCKDB, "select * from '/etc/passwd'", "as a file"),
    (DUCKDB, "select * from \"data.csv\"", "as a file"),
    (DUCKDB, "select * from data.parquet", "as a file"),
    (DUCKDB, "select * from 'https://example.com/x.csv'", "as a file"),
    (DUCKDB, "select nextval('seq')", "nextval()"),
    (POSTGRES, "select pg_read_file('/etc/passwd')", "pg_read_file()"),
    (POSTGRES, "select pg_read_binary_file('/etc/passwd')", "pg_read_binary_file()"),
    (POSTGRES, "select * from pg_ls_dir('/')", "pg_ls_dir()"),
    (POSTGRES, "select lo_import('/etc/passwd')", "lo_import()"),
    (POSTGRES, "select lo_export(1, '/tmp/x')", "lo_export()"),
    (POSTGRES, "select * from dblink('host=evil', 'select 1') as t(a int)", "dblink()"),
    (POSTGRES, "select dblink_exec('drop table t')", "dblink_exec()"),
    (POSTGRES, "select query_to_xml('delete from t returning *', true, true, '')", "query_to_xml()"),
    (POSTGRES, "select set_config('default_transaction_read_only', 'off', false)", "set_config()"),
    (POSTGRES, "select pg_terminate_backend(1)", "pg_terminate_backend()"),
    (POSTGRES, "select pg_advisory_lock(1)", "pg_advisory_lock()"),
    (POSTGRES, "select PG_CATALOG.PG_READ_FILE('/etc/passwd')", "pg_read_file()"),
    (POSTGRES, "select * from t where id in (select nextval('s'))", "nextval()"),
    (POSTGRES, "do $$ begin perform 1; end $$", "DO"),
    (POSTGRES, "lock table t", "LOCK"),
    (POSTGRES, "select * from t for share", "FOR UPDATE/SHARE"),
    (POSTGRES, "listen channel", "not a query"),
]

#: accepted on every dialect
BENIGN = [
    "select 1",
    "select 1;",
    "select 1 ;\n ;",
    "(select 1 as a)",
    "select id from t -- why: a comment\nwhere id > 1",
    "/* header */ select id /* inline */ from t",
    "with a as (select 1 as x), b as (select x + 1 as y from a) select * from b",
    "select 1 as x union all select 2 union select 3",
    "select 1 as x intersect select 1 except select 2",
    "select id, sum(amount) over (partition by grp order by id rows between 1 preceding and current row) from t",
    "select row_number() over (order by id) as rn, lag(id) over w from t window w as (order by id)",
    "select \"UpperCase\", \"with space\" from \"Schema\".\"Table\"",
    "select case when a > 1 then 'x' else 'y' end as c, coalesce(b, 0) from t left join u on t.id = u.id",
    "select * from t where name like '%drop table%' and note = 'a; b'",
    "select pg_sleep(0)",
    "values (1, 'a'), (2, 'b')",
    "select * from (values (1, 'a')) as v(id, name)",
    "select count(*) filter (where id > 1) from t",
    "select * from t where exists (select 1 from u where u.id = t.id)",
]

#: dialect-specific SQL accepted on its dialect
BENIGN_ON = [
    (DUCKDB, "select x::int from t qualify row_number() over (partition by g order by x) = 1"),
    (DUCKDB, "select * exclude (secret) from t"),
    (DUCKDB, "from t select id"),
    (DUCKDB, "select [1, 2, 3][1] as first, {'a': 1} as s, 7 // 2 as half"),
    (DUCKDB, "select * from range(3)"),
    (DUCKDB, "select * from t order by all"),
    (POSTGRES, "select name ilike 'a%', id::text, 'x' ~ 'y' from t"),
    (POSTGRES, "select distinct on (grp) grp, id from t order by grp, id desc"),
    (POSTGRES, "select doc ->> 'k', array[1, 2], interval '1 day', E'a\\nb', $$dollar$$ from t"),
    (POSTGRES, "select * from generate_series(1, 3) as g(n)"),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("sql", "word"), HOSTILE)
def test_hostile_sql_is_refused(dialect: Dialect, sql: str, word: str) -> None:
    with pytest.raises(QueryRefused) as info:
        parse_query(sql, dialect)
    assert word in info.value.message
    assert info.value.remedy
    assert isinstance(info.value, CheckError)  # a failed run with its message, exit code 1, HTTP 422


@pytest.mark.parametrize(("dialect", "sql", "word"), HOSTILE_ON)
def test_engine_specific_hostile_sql_is_refused(dialect: Dialect, sql: str, word: str) -> None:
    with pytest.raises(QueryRefused) as info:
        parse_query(sql, dialect)
    assert word in info.value.message
    assert info.value.remedy


@pytest.mark.parametrize("dialect", [*DIALECTS, pytest.param(GENERIC, id="generic")])
@pytest.mark.parametrize("sql", BENIGN)
def test_benign_sql_is_accepted(dialect: Dialect, sql: str) -> None:
    query = parse_query(sql, dialect)
    assert isinstance(query.tree, (exp.Query, exp.Values))
    assert "--" not in query.sql() and "/*" not in query.sql()  # comments are dropped, never re-emitted


@pytest.mark.parametrize(("dialect", "sql"), BENIGN_ON)
def test_engine_specific_sql_is_accepted(dialect: Dialect, sql: str) -> None:
    parse_query(sql, dialect)


def test_the_message_names_what_was_refused() -> None:
    with pytest.raises(QueryRefused) as info:
        parse_query("select 1; drop table t; delete from u", DUCKDB, "The base query")
    assert info.value.message.startswith("The base query holds 3 statements (a SELECT statement, a DROP "
                                         "statement, a DELETE statement)")
    with pytest.raises(QueryRefused, match=r"line 1, column 14"):
        parse_query("select 1 as a) as t; drop table x", POSTGRES)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_wrappers_are_trees_around_the_parsed_query(dialect: Dialect) -> None:
    sql = SqlBuilder(quote=lambda name: f'"{name}"', dialect=dialect)
    query = parse_query("select id from t -- ) as x; drop table t; --\nwhere id > 1;", dialect)
    for statement in (limited(sql, query, 5), counted(sql, query), sql.probe(query.subquery("b"))):
        parsed = parse_query(statement, dialect)  # one query, nothing else: the comment is gone
        subqueries = list(parsed.tree.find_all(exp.Subquery))
        assert len(subqueries) == 1 and subqueries[0].this == query.tree
    assert limited(sql, query, 5) == 'SELECT * FROM (SELECT id FROM t WHERE id > 1) AS spyglass_q LIMIT 5'


def test_a_parsed_query_is_immutable_through_its_wrappers() -> None:
    query = parse_query("select id from t", DUCKDB)
    wrapped = query.subquery("q")
    wrapped.this.set("where", exp.condition("1 = 0"))
    assert query.sql() == "SELECT id FROM t"
    assert isinstance(query, UserQuery)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_where_conditions_are_checked_like_queries(dialect: Dialect) -> None:
    assert parse_condition("id < 3 and status in ('a', 'b') -- comment", dialect).sql() == \
        "id < 3 AND status IN ('a', 'b')"
    hostile = [
        ("1=1) as b; drop table t; select * from (select 1", "could not be parsed"),
        ("1 = 1; drop table t", "could not be parsed"),
        ("1 = 1; 2 = 2", "2 statements"),
        ("id in (select id from t for update)", "FOR UPDATE"),
        ("exists (select 1 from pg_read_file('/etc/passwd'))", "pg_read_file()"),
        ("  ", "empty"),
        ("select 1", "could not be parsed"),
    ]
    for condition, word in hostile:
        if "pg_read_file" in condition and dialect is DUCKDB:
            continue  # not a function DuckDB has: the engine would reject it
        with pytest.raises(QueryRefused) as info:
            parse_condition(condition, dialect)
        assert word in info.value.message, condition
    if dialect is DUCKDB:
        with pytest.raises(QueryRefused, match="read_csv"):
            parse_condition("id in (select a from read_csv('/etc/passwd'))", dialect)
