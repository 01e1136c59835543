"""Where the changes are: a value diff's differing rows grouped by low-cardinality columns, on DuckDB and
PostgreSQL, in both grouping forms; what is reported, what is not, and that a failure only adds a note."""

from __future__ import annotations

import dataclasses

import pytest
from rich.text import Text

from spyglass.checks.compare import ColumnPair, Tolerance
from spyglass.checks.registry import parse_spec
from spyglass.checks.sql import SqlBuilder
from spyglass.checks.value_diff import VALUE_DIFF, Segment, ValueDiffParams, ValueDiffResult
from spyglass.checks.value_diff import segments as seg
from spyglass.checks.value_diff.run import compare_model, run, with_segments
from spyglass.exceptions import Cancelled
from spyglass.report.markdown import render_details
from spyglass.state.models import RunRecord
from spyglass.warehouse.base import CancelToken
from tests.fixtures.warehouses import Crafted

# 200 orders: status returned (i % 10 = 0, 20 rows), pending (i % 10 = 1, 20), completed (160); four regions
# of 50; one currency; every fifth a gift; note NULL on every seventh (28).
ORDERS = """select i as id,
    case when i % 10 = 0 then 'returned' when i % 10 = 1 then 'pending' else 'completed' end as status,
    case i % 4 when 0 then 'north' when 1 then 'east' when 2 then 'south' else 'west' end as "Region name",
    'USD' as currency, (i % 5 = 0) as is_gift, i % 50 as customer_id,
    case when i % 7 = 0 then null else 'n' end as note, i * 1.5 as amount
from generate_series(1, 200) as t(i)"""
# current: the 14 rows with a NULL note above id 100 removed; returned orders' amount changed (19 left in
# both: order 140 is removed); 10 pending orders in the west added.
CURRENT = f"""select id, status, "Region name", currency, is_gift, customer_id, note,
    case when status = 'returned' then amount + 1 else amount end as amount
from ({ORDERS}) as o where not (note is null and id > 100)
union all
select 1000 + i, 'pending', 'west', 'USD', false, i, 'n', 1.0 from generate_series(1, 10) as t(i)"""

EXPECTED = (
    Segment(kind="changed", column="status", value="returned", rows=19, kind_rows=19, overall_rows=20,
            side_rows=200),
    Segment(kind="removed", column="note", value=None, rows=14, kind_rows=14, overall_rows=28, side_rows=200),
    Segment(kind="added", column="status", value="pending", rows=10, kind_rows=10, overall_rows=29, side_rows=196),
    Segment(kind="changed", column="is_gift", value="true", rows=19, kind_rows=19, overall_rows=40, side_rows=200,
            text=False),
    Segment(kind="added", column="Region name", value="west", rows=10, kind_rows=10, overall_rows=57,
            side_rows=196),
)


def _diff(crafted: Crafted, **params: object) -> ValueDiffResult:
    return run(ValueDiffParams.model_validate(params), crafted.context())


def test_segments_of_removed_added_and_changed_rows(crafted: Crafted) -> None:
    """Only over-represented values are reported: the constant currency, the gift flag of the added rows
    (100% of them, 81% of all rows) and the completed status of the removed ones (86%, 80% overall) are not;
    the changed rows' region (53% south, 25% overall) is, but only two segments per kind are kept."""
    crafted.create_model("orders", ORDERS, CURRENT)
    result = _diff(crafted, model="orders", primary_key="id")
    assert (result.removed, result.added, result.changed) == (14, 10, 19)
    assert result.segment_columns == ("is_gift", "status", "Region name", "currency", "note", "customer_id")
    assert result.segments == EXPECTED
    assert result.headline == "10 added, 14 removed, 19 of 186 changed"  # unchanged by the segments
    assert result.notes == ()
    markdown = render_details(result)
    assert ("Where the changes are:\n"
            "- 100% of changed rows (19 of 19) have `status` = 'returned' (base values; 10% of all base rows)\n"
            "- 100% of removed rows (14 of 14) have NULL in `note` (base values; 14% of all base rows)\n"
            "- 100% of added rows (10 of 10) have `status` = 'pending' (current values; 15% of all current rows)\n"
            ) in markdown
    lines = [str(view) for view in VALUE_DIFF.terminal(result) if isinstance(view, Text)]
    assert "- 100% of added rows (10 of 10) have Region name = 'west' (current values; 29% of all current rows)" \
        in lines
    record = crafted.session().run_check(parse_spec("value_diff", {"model": "orders", "primary_key": "id"}))
    assert RunRecord.model_validate_json(record.model_dump_json()).result == result  # state file round trip


@pytest.mark.parametrize("grouping_sets", [True, False])
def test_both_grouping_forms_return_the_same_bounded_rows(crafted: Crafted, grouping_sets: bool) -> None:
    """GROUPING SETS (declared for both engines) and the UNION ALL form give the same rows: one per
    candidate column and kind of differing row, read by name."""
    crafted.create_model("orders", ORDERS, CURRENT)
    ctx = crafted.context()
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    sql = dataclasses.replace(sql, dialect=dataclasses.replace(sql.dialect, grouping_sets=grouping_sets))
    model = compare_model(ValueDiffParams(model="orders", primary_key="id"), ctx, sql)
    columns = seg.candidates(model.plan.columns, model.plan.columns)
    statement = seg.segments_query(sql, model.plan, model.base, model.current, Tolerance(), columns,
                                   ["removed", "added", "changed"])
    assert ("GROUPING SETS" in statement) is grouping_sets and ("UNION ALL" in statement) is not grouping_sets
    found = warehouse.execute(statement)
    assert len(found.rows) == 3 * len(columns)
    assert seg.read(found.records(), columns) == EXPECTED
    by_cell = {(r.as_int(seg.COLUMN), str(r[seg.KIND])): r for r in found.records()}
    region = by_cell[(2, "changed")]  # "Region name" among changed rows: south 10, north 9
    assert (region[seg.VALUE], region.as_int(seg.ROWS), region.as_int(seg.KIND_ROWS),
            region.as_int(seg.KIND_VALUES)) == ("south", 10, 19, 2)
    only_changed = seg.segments_query(sql, model.plan, model.base, model.current, Tolerance(), columns, ["changed"])
    assert "current_total" not in only_changed  # no scan of a side no kind reads from
    assert len(warehouse.execute(only_changed).rows) == len(columns)


def test_composite_key_where_filter_and_awkward_values(crafted: Crafted) -> None:
    """A two-column key and a ``where`` on both sides; a value with a quote; a changed column's base value."""
    base = """select i % 10 as k1, cast(floor(i / 10.0) as integer) as k2, i as amount,
        case when i % 10 < 2 then 'it''s' else 'plain' end as "kind of" from generate_series(0, 99) as t(i)"""
    current = """select k1, k2, amount, case when k1 = 0 or (k1 = 5 and k2 = 0) then 'moved' else "kind of" end
        as "kind of" from (""" + base + ") as b"
    crafted.create_model("pairs", base, current)
    result = _diff(crafted, model="pairs", primary_key=["k1", "k2"], where="k2 < 6")
    # 60 rows a side; changed: k1 = 0 (6 rows, all "it's" in base) and (5, 0) ("plain"); "it's": 12 of 60
    assert (result.changed, result.removed, result.added) == (7, 0, 0)
    assert result.segment_columns == ("kind of", "amount")
    assert result.segments == (Segment(kind="changed", column="kind of", value="it's", rows=6, kind_rows=7,
                                       overall_rows=12, side_rows=60),)
    assert ("86% of changed rows (6 of 7) have `kind of` = 'it's' (base values; 20% of all base rows)"
            in render_details(result))


def test_cardinality_bound_on_the_differing_rows(crafted: Crafted) -> None:
    """A column taking more than MAX_VALUES values among a kind's rows is not reported, even with a value
    holding most of them."""
    base = """select i as id, case when i <= 26 then 'x' else 'y' || i end as tag, i as amount
        from generate_series(1, 100) as t(i)"""
    for changed, reported in ((50, False), (40, True)):  # 'x' holds 26: of 50 (25 values), of 40 (15 values)
        current = f"select id, tag, case when id <= {changed} then amount + 1 else amount end as amount from ({base}) b"
        crafted.create_model(f"tags_{changed}", base, current)
        result = _diff(crafted, model=f"tags_{changed}", primary_key="id")
        expected = (Segment(kind="changed", column="tag", value="x", rows=26, kind_rows=changed, overall_rows=26,
                            side_rows=100),)
        assert result.segments == (expected if reported else ())
        assert result.segment_columns == ("tag", "amount")  # amount: 40 or 50 values among them


def test_off_single_rows_and_nothing_to_group(crafted: Crafted) -> None:
    crafted.create_model("orders", ORDERS, CURRENT)
    off = _diff(crafted, model="orders", primary_key="id", segments=False)
    assert (off.segments, off.segment_columns, off.changed) == ((), (), 19)
    spec = parse_spec("value_diff", {"model": "orders", "primary_key": "id", "segments": False})
    assert spec.model_dump()["params"] == {"model": "orders", "primary_key": "id", "segments": False}
    assert "segments" not in parse_spec("value_diff", {"model": "orders"}).model_dump()["params"]
    one = "select * from (values (1, 'a', 1.5), (2, 'b', 2.5)) as t(id, label, amount)"
    crafted.create_model("one", one, one.replace("2.5", "3.5"))
    single = _diff(crafted, model="one", primary_key="id")
    assert (single.changed, single.segments, single.segment_columns) == (1, (), ("label",))
    assert "Where the changes are" not in render_details(single)  # one row is nowhere in particular
    numbers = "select * from (values (1, 1.5), (2, 2.5)) as t(id, amount)"
    crafted.create_model("numbers", numbers, numbers.replace("2.5", "3.5"))
    nothing = _diff(crafted, model="numbers", primary_key="id")  # no boolean, text or integer column
    assert (nothing.changed, nothing.segments, nothing.segment_columns) == (1, (), ())


def test_a_failing_segments_query_is_a_note_and_a_cancel_stops(crafted: Crafted) -> None:
    crafted.create_model("orders", ORDERS, CURRENT)
    params = ValueDiffParams(model="orders", primary_key="id")
    ctx = crafted.context()
    warehouse = ctx.require_warehouse()
    sql = SqlBuilder.for_warehouse(warehouse)
    model = compare_model(params, ctx, sql)
    result = _diff(crafted, model="orders", primary_key="id", segments=False)
    ghost = ColumnPair(name="ghost", base="ghost", current="ghost", base_type="text", current_type="text", cast=None)
    broken = dataclasses.replace(model, plan=dataclasses.replace(model.plan, columns=(*model.plan.columns, ghost)))
    noted = with_segments(result, broken, params, ctx, warehouse, sql)  # the warehouse refuses the column
    assert noted.segments == () and noted.segment_columns == ()
    assert noted.model_copy(update={"notes": ()}) == result  # the figures stand
    assert len(noted.notes) == 1
    assert noted.notes[0].startswith("Could not find where the changes are (the figures stand): ")
    assert "Could not find where the changes are" in render_details(noted)
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        with_segments(result, model, params, crafted.context(cancel), warehouse, sql)


# -- pure ---------------------------------------------------------------------------------------------------
def _pair(name: str, base_type: str | None, current_type: str | None = None) -> ColumnPair:
    return ColumnPair(name=name, base=name, current=name, base_type=base_type,
                      current_type=current_type or base_type, cast=None)


def test_candidates_compared_first_identifiers_last_at_most_eight() -> None:
    compared = (_pair("amount", "double"), _pair("customer_id", "integer"), _pair("code", "integer"),
                _pair("status", "varchar"), _pair("flag", "boolean"), _pair("mixed", "integer", "text"))
    rest = (*compared, _pair("region", "text"), _pair("created", "timestamp"), _pair("odd", None),
            _pair("orderKey", "text"), _pair("ID", "integer"), *(_pair(f"t{i}", "text") for i in range(4)))
    chosen = [p.name for p in seg.candidates(compared, rest)]
    assert chosen == ["flag", "status", "code", "mixed", "region", "t0", "t1", "t2"]
    assert [p.name for p in seg.candidates(compared[:2], compared[:2])] == ["customer_id"]


def test_meaningful() -> None:
    def segment(rows: int, kind_rows: int, overall: int, side: int = 100) -> Segment:
        return Segment(kind="removed", column="c", value="v", rows=rows, kind_rows=kind_rows, overall_rows=overall,
                       side_rows=side)

    assert seg.meaningful(segment(5, 10, 30), kind_values=20)  # 50%, 30% overall
    assert not seg.meaningful(segment(5, 10, 30), kind_values=21)
    assert not seg.meaningful(segment(4, 10, 10), kind_values=2)  # under half
    assert not seg.meaningful(segment(1, 1, 1), kind_values=1)  # one row
    assert not seg.meaningful(segment(10, 10, 67), kind_values=1)  # 100% vs 67%: under 1.5x
    assert seg.meaningful(segment(10, 10, 66), kind_values=1)


def test_results_written_before_segments_still_read() -> None:
    old = {"kind": "value_diff", "model": "m", "primary_key": ["id"], "base_rows": 2, "current_rows": 2, "added": 0,
           "removed": 0, "in_both": 2, "changed": 1, "columns": [{"column": "v", "matched": 1, "mismatched": 1}]}
    result = ValueDiffResult.model_validate(old)
    assert (result.segments, result.segment_columns) == ((), ())
    assert "Where the changes are" not in render_details(result)
