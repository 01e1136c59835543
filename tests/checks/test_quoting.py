"""Awkward names flow through every data check with the right figures, on DuckDB, PostgreSQL and Spark for real.

Recce's users hit each of these on Snowflake: an upper-case column (``"OrderID"``), one starting with a digit
(``"1st_value"``), unicode (``"prix_€"``, ``"客户"``), a space (``"a b"``), an embedded quote (``'say "hi"'``),
and model names with upper case, spaces, unicode and quotes (plain ones on Spark, whose metastore refuses
them). The same names are rendered and parsed back in every declared dialect by
tests/warehouse/test_dialect_golden.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from spyglass.checks.histogram import HistogramDiffParams
from spyglass.checks.histogram.run import run as run_histogram
from spyglass.checks.profile import ProfileDiffParams
from spyglass.checks.profile.run import run as run_profile
from spyglass.checks.query_diff import QueryDiffParams
from spyglass.checks.query_diff.run import run as run_query_diff
from spyglass.checks.row_count import RowCountDiffParams
from spyglass.checks.row_count.run import run as run_row_count
from spyglass.checks.top_k import TopKDiffParams
from spyglass.checks.top_k.run import run as run_top_k
from spyglass.checks.value_diff import ValueDiffParams
from spyglass.checks.value_diff.run import run as run_value_diff
from tests.fixtures.warehouses import Crafted

#: a model name with upper case, a space, an embedded quote and unicode
MODEL = 'Orders "2024" 客户'
#: a model a user's query reads (DuckDB refuses a table name with a quote in a user's query: it could name a file)
QUERIED = "Orders 客户"
#: Spark's metastore takes only lower-case letters, digits and underscores in a table name (its columns take any)
SPARK_NAMES = {MODEL: "orders_2024", QUERIED: "orders_q"}
COLUMNS = ("OrderID", "1st_value", "prix_€", "客户", "a b", 'say "hi"')
BASE = [(1, 10, "1.5", "张", "2024-01-05", "x"), (2, 20, "2.5", "李", "2024-01-20", "y"),
        (3, 30, "3.5", "王", "2024-02-03", "z"), (4, 40, "4.5", "张", "2024-02-10", "x"),
        (5, 50, "5.5", "李", "2024-03-01", "y")]
#: key 5 removed, 6 added; key 2 changed in "1st_value", key 3 in "客户"
CURRENT = [(1, 10, "1.5", "张", "2024-01-05", "x"), (2, 21, "2.5", "李", "2024-01-20", "y"),
           (3, 30, "3.5", "张", "2024-02-03", "z"), (4, 40, "4.5", "张", "2024-02-10", "x"),
           (6, 60, "6.5", "赵", "2024-03-15", "w")]


def _select(rows: list[tuple[int, int, str, str, str, str]], quote: Callable[[str], str]) -> str:
    values = ", ".join(f"({k}, {v}, {p}, '{c}', date '{d}', '{s}')" for k, v, p, c, d, s in rows)
    return f"select * from (values {values}) as t({', '.join(quote(c) for c in COLUMNS)})"


pytestmark = pytest.mark.parametrize("engine", [
    "duckdb", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow]),
    pytest.param("spark", marks=pytest.mark.slow)], indirect=True)


@pytest.fixture
def awkward(crafted: Crafted) -> Crafted:
    quote = crafted.warehouse().quote
    for name in (MODEL, QUERIED):
        crafted.create_model(_name(crafted, name), _select(BASE, quote), _select(CURRENT, quote), unique_key="OrderID")
    return crafted


def _name(crafted: Crafted, model: str) -> str:
    return SPARK_NAMES[model] if crafted.engine == "spark" else model


def test_value_diff(awkward: Crafted) -> None:
    result = run_value_diff(ValueDiffParams(model=_name(awkward, MODEL), primary_key="OrderID"), awkward.context())
    assert (result.base_rows, result.current_rows, result.added, result.removed, result.in_both,
            result.changed) == (5, 5, 1, 1, 4, 2)
    assert [(c.column, c.mismatched, c.example_key) for c in result.columns] == [
        ("1st_value", 1, 2), ("prix_€", 0, None), ("客户", 1, 3), ("a b", 0, None), ('say "hi"', 0, None)]
    assert (result.example_added, result.example_removed, result.example_changed) == ((6,), (5,), (2, 3))


def test_value_diff_two_step_and_tolerance_agree(awkward: Crafted) -> None:
    ctx = awkward.context()
    model = _name(awkward, MODEL)
    single = run_value_diff(ValueDiffParams(model=model, primary_key="OrderID", two_step=False,
                                            abs_tolerance=1.5, segments=False), ctx)
    # a tolerance of 1.5 absorbs 20 -> 21: only "客户" differs
    assert single.changed == 1 and [c.mismatched for c in single.columns] == [0, 0, 1, 0, 0]
    if ctx.require_warehouse().dialect.row_hash:
        two_step = run_value_diff(ValueDiffParams(model=model, primary_key="OrderID", two_step=True,
                                                  abs_tolerance=1.5, segments=False), ctx)
        assert two_step.model_dump(exclude={"notes"}) == single.model_dump(exclude={"notes"})


def test_profile(awkward: Crafted) -> None:
    result = run_profile(ProfileDiffParams(model=_name(awkward, MODEL)), awkward.context())
    columns = {c.name: c for c in result.columns}
    assert list(columns) == ["OrderID", "1st_value", "prix_€", "客户", "a b", 'say "hi"']
    first = columns["1st_value"]
    assert first.base is not None and first.current is not None
    assert (first.base.min, first.base.max, first.base.avg, first.base.median) == ("10", "50", 30.0, 30.0)
    assert (first.current.min, first.current.max, first.current.distinct) == ("10", "60", 5)
    assert first.current.avg == pytest.approx(32.2)
    price = columns["prix_€"]
    assert price.base is not None and price.current is not None
    assert price.base.avg == pytest.approx(3.5) and price.current.avg == pytest.approx(3.7)
    customer = columns["客户"]
    assert customer.base is not None and customer.current is not None
    assert (customer.base.distinct, customer.base.min, customer.base.max) == (3, "张", "王")
    assert (customer.current.distinct, customer.current.max) == (3, "赵")
    quoted = columns['say "hi"']
    assert quoted.base is not None and quoted.current is not None
    assert (quoted.base.distinct, quoted.current.distinct, quoted.current.nulls) == (3, 4, 0)
    dates = columns["a b"]
    assert dates.current is not None and dates.current.max is not None
    assert dates.current.max.startswith("2024-03-15")


def test_top_k(awkward: Crafted) -> None:
    result = run_top_k(TopKDiffParams(model=_name(awkward, MODEL), column_name="客户"), awkward.context())
    assert {(v.value, v.base_count, v.current_count) for v in result.values} == {
        ("张", 2, 3), ("李", 2, 1), ("王", 1, 0), ("赵", 0, 1)}
    assert result.values[0].value == "张"


@pytest.mark.parametrize("column", ["1st_value", "prix_€", "a b"])
def test_histogram(awkward: Crafted, column: str) -> None:
    params = HistogramDiffParams(model=_name(awkward, MODEL), column_name=column, num_bins=4)
    result = run_histogram(params, awkward.context())
    assert result.column_name == column and result.base is not None and result.current is not None
    assert (sum(result.base.counts), sum(result.current.counts)) == (5, 5)
    assert (result.base.row_count, result.current.nulls) == (5, 0)
    assert result.column_type == ("date" if column == "a b" else "numeric")


def test_row_count(awkward: Crafted) -> None:
    names = (_name(awkward, MODEL), _name(awkward, QUERIED))
    result = run_row_count(RowCountDiffParams(node_names=names), awkward.context())
    assert [(r.name, r.base.count, r.current.count) for r in result.rows] == [(names[0], 5, 5), (names[1], 5, 5)]


def test_query_diff(awkward: Crafted) -> None:
    quote = awkward.warehouse().quote
    columns = ", ".join(quote(name) for name in ("OrderID", "客户", 'say "hi"'))
    template = f"select {columns} from {{{{ ref('{_name(awkward, QUERIED)}') }}}}"
    multiset = run_query_diff(QueryDiffParams(sql_template=template), awkward.context()).multiset
    assert multiset is not None
    assert multiset.columns == ("OrderID", "客户", 'say "hi"')
    assert (multiset.only_in_base, multiset.only_in_current, multiset.differing) == (2, 2, 4)
    assert {(r.values, r.base_count, r.current_count) for r in multiset.rows} == {
        ((3, "王", "z"), 1, 0), ((5, "李", "y"), 1, 0), ((3, "张", "z"), 0, 1), ((6, "赵", "w"), 0, 1)}
    keyed = run_query_diff(QueryDiffParams(sql_template=template, primary_keys=["OrderID"]),
                           awkward.context()).keyed
    assert keyed is not None
    assert (keyed.added, keyed.removed, keyed.changed) == (1, 1, 1)
