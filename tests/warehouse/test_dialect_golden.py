"""Every check's SQL in every declared dialect, parsed back with sqlglot; golden copies for the warehouses we
cannot run (Snowflake, BigQuery, Databricks, Redshift, Trino).

Each statement is built by the checks' own builders, with a :class:`SqlBuilder` made of the dialect and that
dialect's own identifier quoting (sqlglot's, as an adapter of that engine quotes), over a relation and
columns with awkward names (upper case, a leading digit, unicode, a space, an embedded quote). Then:

* it parses back in its dialect as one statement, with no ``Command`` (SQL sqlglot did not understand) and
  no warning, and writes back to the very same text (the round trip);
* for the five cloud dialects, the value diff (both forms) and the profile (exact and approximate)
  statements, pretty-printed, equal the golden copy in ``tests/warehouse/golden/<dialect>.sql``, so a change
  to the generated SQL shows in review. After an intended change, regenerate the copies with::

      SPYGLASS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/warehouse/test_dialect_golden.py -p no:cacheprovider

  and read the diff of ``tests/warehouse/golden/`` before committing it.

The figures themselves are tested for real on DuckDB, PostgreSQL and Spark (tests/checks/test_quoting.py and each
check's tests).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from spyglass.checks.compare import BASE, CURRENT, ComparePlan, Tolerance, key_problem_query, plan_comparison
from spyglass.checks.histogram.bins import NumericBins
from spyglass.checks.histogram.sql import bins_sql, date_bucket, numeric_bucket, range_sql
from spyglass.checks.profile.sql import plan_statements
from spyglass.checks.profile_target import Target
from spyglass.checks.query.sql import counted, limited
from spyglass.checks.query_diff.sql import multiset_query
from spyglass.checks.row_count.run import count_sql
from spyglass.checks.sampling import sampled_side
from spyglass.checks.sides import Column, Side
from spyglass.checks.sql import SqlBuilder
from spyglass.checks.top_k.sql import top_k_sql
from spyglass.checks.user_sql import parse_condition, parse_query
from spyglass.checks.value_diff.segments import candidates, segments_query
from spyglass.checks.value_diff.sql import join_query, two_step_query
from spyglass.checks.value_diff_detail.sql import rows_query
from spyglass.project.models import Env
from spyglass.warehouse.cloud_dialects import CLOUD_DIALECTS
from spyglass.warehouse.dialect_table import DIALECTS
from spyglass.warehouse.dialects import GENERIC, Dialect

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SPYGLASS_UPDATE_GOLDEN") == "1"
#: the statements kept as golden copies
GOLDEN_NAMES = ("value_diff", "value_diff_two_step", "profile_exact", "profile_approx")

#: the model's columns: (name, base type, current type); the key first
COLUMNS = (("OrderID", "integer", "integer"), ("1st_value", "integer", "bigint"),
           ("prix_€", "numeric(10,2)", "double"), ("客户", "varchar", "varchar"), ("a b", "date", "date"),
           ('say "hi"', "varchar", "varchar"))
KEY = "OrderID"


def quoting(dialect: Dialect) -> Callable[[str], str]:
    """The dialect's own identifier quoting (an adapter of that engine quotes the same way)."""
    return lambda name: exp.to_identifier(name, quoted=True).sql(dialect=dialect.sqlglot or None)


def relation(sql: SqlBuilder, env: Env, name: str = 'order "items" 客户') -> str:
    """A model's relation; a user's query reads one without a quote in its name (DuckDB refuses a table name
    with a quote in a user's query, as one that could name a file)."""
    return ".".join(sql.quote(part) for part in ("analytics", f"dbt_{env.value}", name))


def model_side(sql: SqlBuilder, env: Env) -> Side:
    alias = BASE if env is Env.BASE else CURRENT
    columns = tuple(Column(name, base if env is Env.BASE else current) for name, base, current in COLUMNS)
    return Side(env, sql.relation(relation(sql, env), alias), columns, relation=relation(sql, env))


def query_side(sql: SqlBuilder, env: Env) -> Side:
    """A user's query (parsed and checked as user SQL in the dialect) as a side of a query diff."""
    q = sql.quote
    text = f"select {q(KEY)}, {q('客户')} from {relation(sql, env, 'order items')} where {q('1st_value')} > 10"
    query = parse_query(text, sql.dialect)
    return Side(env, query.subquery(BASE if env is Env.BASE else CURRENT),
                (Column(KEY, "integer"), Column("客户", "varchar")))


def _value_diff(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side) -> Iterator[tuple[str, str]]:
    tolerance = Tolerance(absolute=0.01)
    yield "value_diff", join_query(sql, plan, base, current, tolerance)
    if sql.dialect.row_hash:
        yield "value_diff_two_step", two_step_query(sql, plan, base, current, tolerance)
    if sql.dialect.sample_hash:
        sampled_base, sampled_current = (sampled_side(sql, side, plan.keys, 0.1) for side in (base, current))
        yield "value_diff_sampled", join_query(sql, plan, sampled_base, sampled_current, tolerance)
    yield "key_check", key_problem_query(sql, base, [KEY])
    kinds = ["removed", "added", "changed"]
    yield "segments", segments_query(sql, plan, base, current, tolerance, candidates(plan.columns, plan.columns), kinds)
    yield "value_diff_detail", rows_query(sql, plan, base, current, tolerance, 100)
    condition = parse_condition(f"{sql.quote('a b')} >= date '2024-01-01' and {sql.quote('客户')} <> 'x'", sql.dialect)
    base_where, current_where = (Side(s.env, sql.filtered(s.relation or "", condition, alias), s.columns)
                                 for s, alias in ((base, BASE), (current, CURRENT)))
    yield "value_diff_where", join_query(sql, plan, base_where, current_where, Tolerance())


def _profiles(sql: SqlBuilder, base: Side) -> Iterator[tuple[str, str]]:
    for approx in (False, True):
        statements = plan_statements(base, base.columns, sql, approx=approx)
        yield f"profile_{'approx' if approx else 'exact'}", ";\n".join(s.sql for s in statements)


def _distributions(sql: SqlBuilder, base: Side, current: Side) -> Iterator[tuple[str, str]]:
    target = Target("order items", base, current)
    yield "top_k", top_k_sql(base, current, "客户", 10, sql)
    yield "top_k_one_side", top_k_sql(base, None, "客户", 10, sql)
    yield "histogram_range", range_sql(target, "prix_€", sql)
    bins = NumericBins(start=Decimal("-10.0"), width=Decimal("0.5"), count=40)
    yield "histogram_bins", bins_sql(target, "prix_€", lambda quoted: numeric_bucket(quoted, bins, sql), sql)
    yield "histogram_dates", bins_sql(target, "a b", lambda quoted: date_bucket(quoted, "month", sql), sql)


@functools.cache
def statements(dialect: Dialect) -> dict[str, str]:
    """Every check's statements in ``dialect``, by name (one text may hold several, ``;``-separated)."""
    sql = SqlBuilder(quote=quoting(dialect), dialect=dialect)
    base, current = model_side(sql, Env.BASE), model_side(sql, Env.CURRENT)
    plan = plan_comparison(base, current, [KEY], None, sql, "the model")
    base_q, current_q = query_side(sql, Env.BASE), query_side(sql, Env.CURRENT)
    query = parse_query(f"select * from {relation(sql, Env.CURRENT, 'order items')} where {sql.quote('客户')} <> 'x'",
                        dialect)
    found = dict(_value_diff(sql, plan, base, current))
    found.update(_profiles(sql, base))
    found.update(_distributions(sql, base, current))
    found.update({
        "row_count": count_sql(relation(sql, Env.BASE), sql),
        "query_limited": limited(sql, query, 101), "query_counted": counted(sql, query),
        "query_probe": sql.probe(query.subquery("spyglass_q")),
        "query_diff": multiset_query(sql, plan_comparison(base_q, current_q, [], None, sql, "the query"),
                                     base_q, current_q, 100),
        "query_diff_keyed": join_query(sql, plan_comparison(base_q, current_q, [KEY], None, sql, "the query"),
                                       base_q, current_q, Tolerance()),
        "schema_probe": sql.probe(sql.relation(relation(sql, Env.BASE), BASE)),
    })
    return found


DECLARED = [pytest.param(d, id=d.name) for d in (*DIALECTS.values(), GENERIC)]
CLOUD = [pytest.param(d, id=d.name) for d in CLOUD_DIALECTS]


@pytest.fixture
def sqlglot_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        yield caplog


@pytest.mark.parametrize("dialect", DECLARED)
def test_every_statement_round_trips(dialect: Dialect, sqlglot_warnings: pytest.LogCaptureFixture) -> None:
    built = statements(dialect)
    assert [r.getMessage() for r in sqlglot_warnings.records] == []  # nothing unsupported while writing
    read = dialect.sqlglot or None
    for name, text in built.items():
        for statement in text.split(";\n"):
            trees = sqlglot.parse(statement, read=read)
            assert len(trees) == 1 and trees[0] is not None, name
            tree = trees[0]
            assert not any(isinstance(node, exp.Command) for node in tree.walk()), name
            assert tree.sql(dialect=read, unsupported_level=ErrorLevel.RAISE) == statement, name
    assert [r.getMessage() for r in sqlglot_warnings.records] == []


@pytest.mark.parametrize("dialect", DECLARED)
def test_identifiers_keep_their_exact_spelling(dialect: Dialect) -> None:
    """Every awkward name reaches the statement as one identifier with its exact spelling (no case folding,
    no split at the space, the embedded quote escaped), in every statement that names it."""
    read = dialect.sqlglot or None
    built = statements(dialect)
    for name in ("value_diff", "profile_exact", "top_k", "value_diff_detail"):
        names = {i.name for text in built[name].split(";\n") for i in sqlglot.parse_one(text, read=read)
                 .find_all(exp.Identifier) if i.quoted}
        wanted = {c for c, _, _ in COLUMNS} if name != "top_k" else {"客户"}
        assert wanted <= names, (name, wanted - names)
    tables = {".".join(p.name for p in t.parts) for t in sqlglot.parse_one(built["row_count"], read=read)
              .find_all(exp.Table)}
    assert tables == {'analytics.dbt_base.order "items" 客户'}


@pytest.mark.parametrize("dialect", CLOUD)
def test_cloud_dialect_statements_match_their_golden_copy(dialect: Dialect) -> None:
    built = statements(dialect)
    read = dialect.sqlglot
    parts = []
    for name in GOLDEN_NAMES:
        if name not in built:
            continue
        pretty = [sqlglot.parse_one(s, read=read).sql(dialect=read, pretty=True) for s in built[name].split(";\n")]
        parts.append(f"-- {name}\n" + ";\n\n".join(pretty) + ";\n")
    text = "\n".join(parts)
    path = GOLDEN / f"{dialect.name}.sql"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden copy for {dialect.name}: run with SPYGLASS_UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == text, (
        f"the generated {dialect.name} SQL changed; if intended, regenerate with SPYGLASS_UPDATE_GOLDEN=1 "
        "and review the diff of tests/warehouse/golden/")


@pytest.mark.parametrize("dialect", DECLARED)
def test_statements_use_only_what_the_dialect_declares(dialect: Dialect) -> None:
    """The declared hash, approximations, median and syntax show up in the statements, and nothing the dialect
    does not declare (sqlglot writes ``AS MATERIALIZED`` or ``GROUPING SETS`` in any dialect it is given)."""
    built = statements(dialect)
    everything = "\n".join(built.values()).upper()
    approx, exact = built["profile_approx"].lower(), built["profile_exact"].lower()
    if dialect.approx_distinct:
        assert dialect.approx_distinct.split("(")[0].split()[0] in approx
    assert ("null as c1_median" in exact) == (dialect.median is None)
    assert ("value_diff_two_step" in built) == (dialect.row_hash is not None)
    assert ("value_diff_sampled" in built) == (dialect.sample_hash is not None)
    assert ("IS NOT DISTINCT FROM" in everything or "<=>" in everything) == dialect.null_safe_equals
    assert ("GROUPING SETS" in everything) == dialect.grouping_sets
    assert ("AS MATERIALIZED" in everything) == dialect.materialized_cte
    two_step = [s for s in statements(replace(dialect, row_hash="hash({expr})")).values() if "spyglass_h" in s]
    assert all(("AS MATERIALIZED" in s.upper()) == dialect.materialized_cte for s in two_step)
    text_type = sqlglot.exp.DataType.build(dialect.text_type, dialect=dialect.sqlglot or None)
    assert f"AS {text_type.sql(dialect=dialect.sqlglot or None).upper()})" in everything


def test_redshift_casts_text_to_its_longest_varchar() -> None:
    """A bare VARCHAR is VARCHAR(256) on Redshift: keys and min/max as text would be cut."""
    built = statements(DIALECTS["redshift"])
    assert "AS VARCHAR(MAX))" in built["profile_exact"] and "AS VARCHAR)" not in "\n".join(built.values())
