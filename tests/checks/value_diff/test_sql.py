"""The value diff statement's outputs are named, and the reader reads them by name, in both forms."""

from __future__ import annotations

from spyglass.checks.compare import Tolerance
from spyglass.checks.sql import SqlBuilder
from spyglass.checks.value_diff import ValueDiffParams
from spyglass.checks.value_diff import sql as out
from spyglass.checks.value_diff.run import compare_model, interpret, keys_consistent
from spyglass.warehouse.base import QueryResult
from tests.checks.value_diff.test_run import BASE_ROWS, CURRENT_ROWS
from tests.fixtures.warehouses import Crafted

EXPECTED = {out.BASE_ROWS, out.CURRENT_ROWS, out.IN_BOTH, out.REMOVED, out.ADDED, out.CHANGED, out.REMOVED_KEYS,
            out.ADDED_KEYS, *out.MIN_KEY.values(), *out.MAX_KEY.values(),
            *(out.MISMATCHED(i) for i in range(3)), *(out.EXAMPLE_KEY(i) for i in range(3))}


def _reversed(result: QueryResult) -> QueryResult:
    """The same outputs in the opposite order."""
    return QueryResult(columns=tuple(reversed(result.columns)), rows=tuple(tuple(reversed(r)) for r in result.rows))


def test_both_forms_select_named_outputs_read_by_name(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    ctx = crafted.context()
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    params = ValueDiffParams(model="orders", primary_key="Id")
    model = compare_model(params, ctx, sql)
    results = []
    for two_step in (False, True):  # without a row hash (PostgreSQL) both are the single join
        statement = out.summary_query(sql, model.plan, model.base, model.current, Tolerance(), two_step=two_step)
        found = warehouse.execute(statement)
        names = found.column_names
        assert [n.lower() for n in names] == list(names) and len(set(names)) == len(names)
        assert set(names) == EXPECTED
        row = found.record()
        assert keys_consistent(row) and keys_consistent(_reversed(found).record())
        result = interpret(row, model.plan, params)
        assert interpret(_reversed(found).record(), model.plan, params) == result  # order does not matter
        results.append(result)
    assert results[0] == results[1]
    assert (results[0].added, results[0].removed, results[0].in_both, results[0].changed) == (1, 1, 5, 3)
    assert [c.mismatched for c in results[0].columns] == [2, 1, 0]
