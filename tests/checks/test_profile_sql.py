"""How the profile diff plans its statements per dialect, and column type resolution (pure)."""

from __future__ import annotations

import pytest

from spyglass.checks.profile_sql import plan_statements, read_figures, read_row
from spyglass.checks.profile_target import Column, coarse_type
from spyglass.warehouse.dialects import DUCKDB, GENERIC, POSTGRES, Dialect

COLUMNS = [Column("id", "integer"), Column("name", "text"), Column("flag", "boolean")]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def test_duckdb_exact_runs_one_statement_per_column() -> None:
    statements = plan_statements('"db"."s"."t"', COLUMNS, quote, DUCKDB, approx=False)
    assert [s.columns for s in statements] == [(c,) for c in COLUMNS]
    assert 'count(distinct "id")' in statements[0].sql and 'median("id")' in statements[0].sql
    assert statements[1].sql.endswith('\nfrom "db"."s"."t"')
    rows = [(4, 4, 4, "1", "4", 2.5, 2.5), (4, 3, 2, "a", "c", None, None), (4, 4, 2, None, None, None, None)]
    figures = read_figures(statements, rows)['"db"."s"."t"']
    assert (figures["id"].distinct, figures["id"].median, figures["name"].distinct) == (4, 2.5, 2)
    assert (figures["flag"].non_null, figures["flag"].distinct, figures["flag"].min) == (4, 2, None)


@pytest.mark.parametrize(("dialect", "approx"), [(POSTGRES, False), (POSTGRES, True), (DUCKDB, True)])
def test_batched_dialects_and_approx_use_one_statement(dialect: Dialect, approx: bool) -> None:
    statements = plan_statements("t", COLUMNS, quote, dialect, approx=approx)
    assert len(statements) == 1 and statements[0].columns == tuple(COLUMNS)


def test_approx_and_type_dependent_slots() -> None:
    (statement,) = plan_statements("t", COLUMNS, quote, DUCKDB, approx=True)
    assert 'approx_count_distinct("id")' in statement.sql
    assert 'reservoir_quantile("id", 0.5)' in statement.sql
    assert 'min("flag")' not in statement.sql and 'avg("name")' not in statement.sql
    (generic,) = plan_statements("t", COLUMNS[:1], quote, GENERIC, approx=False)
    assert "median" not in generic.sql and "percentile" not in generic.sql


def test_read_row_by_position() -> None:
    row = (5, 4, 3, "1", "9", 4.5, 4.0, 5, 5, "a", "e", None, None)
    figures = read_row(COLUMNS[:2], row)
    assert (figures["id"].non_null, figures["id"].distinct, figures["id"].median) == (4, 3, 4.0)
    assert (figures["name"].row_count, figures["name"].min, figures["name"].avg) == (5, "a", None)


@pytest.mark.parametrize(("raw", "coarse"), [
    ("BIGINT", "integer"), ("integer", "integer"), ("HUGEINT", "integer"), ("DECIMAL(18,3)", "number"),
    ("double precision", "number"), ("numeric", "number"), ("character varying(20)", "text"), ("VARCHAR", "text"),
    ("boolean", "boolean"), ("date", "date"), ("timestamp with time zone", "datetime"),
    ("TIMESTAMP", "datetime"), ("time without time zone", "unknown"), ("INTERVAL", "unknown"),
    ("INTEGER[]", "unknown"), ("STRUCT(a INTEGER)", "unknown"), ("uuid", "unknown"),
])
def test_coarse_type(raw: str, coarse: str) -> None:
    assert coarse_type(raw) == coarse
