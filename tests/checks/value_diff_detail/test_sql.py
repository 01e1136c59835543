"""The differing-rows statement's outputs are named and read by name (their order does not matter)."""

from __future__ import annotations

from spyglass.checks.compare import Tolerance
from spyglass.checks.sql import SqlBuilder
from spyglass.checks.value_diff.run import compare_model
from spyglass.checks.value_diff_detail import ValueDiffDetailParams
from spyglass.checks.value_diff_detail import sql as out
from spyglass.checks.value_diff_detail.run import parse_rows
from spyglass.warehouse.base import QueryResult
from tests.checks.value_diff.test_run import BASE_ROWS, CURRENT_ROWS
from tests.fixtures.warehouses import Crafted


def test_rows_are_read_by_output_name(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    ctx = crafted.context()
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    model = compare_model(ValueDiffDetailParams(model="orders", primary_key="Id"), ctx, sql)
    found = warehouse.execute(out.rows_query(sql, model.plan, model.base, model.current, Tolerance(), 3))
    assert set(found.column_names) == {out.IN_BASE, out.IN_CURRENT, out.KEY(0), out.ADDED_TOTAL, out.REMOVED_TOTAL,
                                       out.DIFFERING_TOTAL, *(f(i) for i in range(3) for f in
                                                              (out.DIFFERS, out.BASE_VALUE, out.CURRENT_VALUE))}
    shuffled = QueryResult(columns=tuple(reversed(found.columns)),
                           rows=tuple(tuple(reversed(r)) for r in found.rows))
    diff = parse_rows(found.records(), model.plan, 3)
    assert parse_rows(shuffled.records(), model.plan, 3) == diff
    assert (diff.added, diff.removed, diff.changed, diff.more) == (1, 1, 3, True)
    assert [(r.key, r.status, r.changed_columns) for r in diff.rows] == [((2,), "changed", ("group",)),
                                                                         ((4,), "changed", ("order",)),
                                                                         ((5,), "changed", ("order",))]
