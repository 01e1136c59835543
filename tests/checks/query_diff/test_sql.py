"""The multiset statement's outputs are named and read by name (their order does not matter)."""

from __future__ import annotations

from spyglass.checks.compare import plan_comparison
from spyglass.checks.query_diff import QueryDiffParams
from spyglass.checks.query_diff import sql as out
from spyglass.checks.query_diff.run import parse_multiset, parse_sides, query_sides
from spyglass.checks.sql import SqlBuilder
from spyglass.warehouse.base import QueryResult
from tests.fixtures.warehouses import Crafted


def test_multiset_is_read_by_output_name(crafted: Crafted) -> None:
    ctx = crafted.context()
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    params = QueryDiffParams(sql_template="select 2 as id, 'b' as name union all select 4, 'd'",
                             base_sql_template="select 2 as id, 'b' as name union all select 2, 'b' "
                                               "union all select 1, 'a'")
    base, current = query_sides(ctx, sql, *parse_sides(ctx, params))
    plan = plan_comparison(base, current, [], None, sql, "the query")
    found = warehouse.execute(out.multiset_query(sql, plan, base, current, 10))
    assert set(found.column_names) == {out.VALUE(0), out.VALUE(1), out.BASE_COUNT, out.CURRENT_COUNT,
                                       out.ONLY_IN_BASE, out.ONLY_IN_CURRENT, out.DIFFERING}
    shuffled = QueryResult(columns=tuple(reversed(found.columns)),
                           rows=tuple(tuple(reversed(r)) for r in found.rows))
    diff = parse_multiset(found.records(), plan, 10)
    assert parse_multiset(shuffled.records(), plan, 10) == diff
    assert (diff.only_in_base, diff.only_in_current, diff.differing) == (2, 1, 3)
    assert [(r.values, r.base_count, r.current_count) for r in diff.rows] == [((1, "a"), 1, 0), ((2, "b"), 2, 1),
                                                                              ((4, "d"), 0, 1)]
