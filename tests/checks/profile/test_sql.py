"""How the profile diff plans its statements per dialect, reads their outputs by name, and which family
a column is profiled as (pure)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sqlglot

from spyglass.checks.profile.sql import Statement, plan_statements, read_figures, read_record
from spyglass.checks.profile_target import profiled_family
from spyglass.checks.sides import Column, Side
from spyglass.checks.sql import SqlBuilder
from spyglass.project.models import Env
from spyglass.warehouse.base import QueryResult, ResultColumn, Value
from spyglass.warehouse.dialects import DUCKDB, GENERIC, POSTGRES, Dialect

COLUMNS = [Column("id", "integer"), Column("name", "text"), Column("flag", "boolean")]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plan(relation: str, columns: Sequence[Column], dialect: Dialect, *, approx: bool) -> list[Statement]:
    sql = SqlBuilder(quote, dialect)
    side = Side(env=Env.BASE, from_item=sql.relation(relation), columns=tuple(columns), relation=relation)
    return plan_statements(side, columns, sql, approx=approx)


def _result(statement: Statement, row: Sequence[Value], dialect: Dialect = DUCKDB) -> QueryResult:
    """What the warehouse returns for ``statement``: its outputs as its SQL names them, and ``row``."""
    names = sqlglot.parse_one(statement.sql, read=dialect.sqlglot).named_selects
    return QueryResult(columns=tuple(ResultColumn(name) for name in names), rows=(tuple(row),))


def test_duckdb_exact_runs_one_statement_per_column() -> None:
    statements = _plan('"db"."s"."t"', COLUMNS, DUCKDB, approx=False)
    assert [s.columns for s in statements] == [(c,) for c in COLUMNS]
    assert 'COUNT(DISTINCT "id")' in statements[0].sql and 'MEDIAN("id")' in statements[0].sql
    assert statements[1].sql.endswith(' FROM "db"."s"."t"')
    rows = [(4, 4, 4, "1", "4", 2.5, 2.5), (4, 3, 2, "a", "c", None, None), (4, 4, 2, None, None, None, None)]
    figures = read_figures(statements, [_result(s, row) for s, row in zip(statements, rows, strict=True)])[Env.BASE]
    assert (figures["id"].distinct, figures["id"].median, figures["name"].distinct) == (4, 2.5, 2)
    assert (figures["flag"].non_null, figures["flag"].distinct, figures["flag"].min) == (4, 2, None)


@pytest.mark.parametrize(("dialect", "approx"), [(POSTGRES, False), (POSTGRES, True), (DUCKDB, True)])
def test_batched_dialects_and_approx_use_one_statement(dialect: Dialect, approx: bool) -> None:
    statements = _plan("t", COLUMNS, dialect, approx=approx)
    assert len(statements) == 1 and statements[0].columns == tuple(COLUMNS)
    # every output has its own lower-case name: the row count and six figures per column
    names = sqlglot.parse_one(statements[0].sql, read=dialect.sqlglot).named_selects
    assert len(names) == len(set(names)) == 1 + 6 * len(COLUMNS)
    assert all(name == name.lower() for name in names)


def test_approx_and_type_dependent_figures() -> None:
    (statement,) = _plan("t", COLUMNS, DUCKDB, approx=True)
    assert 'APPROX_COUNT_DISTINCT("id")' in statement.sql
    assert 'RESERVOIR_QUANTILE("id", 0.5)' in statement.sql
    assert 'MIN("flag")' not in statement.sql and 'AVG("name")' not in statement.sql
    (generic,) = _plan("t", COLUMNS[:1], GENERIC, approx=False)
    assert "median(" not in generic.sql.lower() and "percentile" not in generic.sql.lower()
    assert "NULL AS c0_median" in generic.sql
    (postgres,) = _plan("t", COLUMNS[:1], POSTGRES, approx=False)
    assert 'PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "id")' in postgres.sql


def test_read_by_name() -> None:
    (statement,) = _plan("t", COLUMNS[:2], POSTGRES, approx=False)
    row = (5, 4, 3, "1", "9", 4.5, 4.0, 5, 5, "a", "e", None, None)
    result = _result(statement, row, POSTGRES)
    figures = read_record(statement, result.record())
    assert (figures["id"].non_null, figures["id"].distinct, figures["id"].median) == (4, 3, 4.0)
    assert (figures["name"].row_count, figures["name"].min, figures["name"].avg) == (5, "a", None)
    # the reader asks for names, not places: the same outputs in another order read the same
    reordered = QueryResult(columns=tuple(reversed(result.columns)), rows=(tuple(reversed(row)),))
    assert read_record(statement, reordered.record()) == figures


@pytest.mark.parametrize(("raw", "family"), [
    ("BIGINT", "integer"), ("integer", "integer"), ("HUGEINT", "integer"), ("UTINYINT", "integer"),
    ("DECIMAL(18,3)", "number"), ("double precision", "number"), ("numeric", "number"),
    ("character varying(20)", "text"), ("VARCHAR", "text"), ("boolean", "boolean"), ("date", "date"),
    ("timestamp with time zone", "datetime"), ("TIMESTAMP", "datetime"), ("time without time zone", "unknown"),
    ("INTERVAL", "unknown"), ("INTEGER[]", "unknown"), ("INTEGER[3]", "unknown"), ("STRUCT(a INTEGER)", "unknown"),
    ("uuid", "unknown"), (None, "unknown"),
])
def test_profiled_family(raw: str | None, family: str) -> None:
    assert profiled_family(raw).value == family
