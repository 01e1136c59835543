"""value_diff_detail on crafted data: differing rows ordered by key, changed columns, limit, totals."""

from __future__ import annotations

from spyglass.checks.registry import parse_spec
from spyglass.checks.value_diff_detail import DiffRow, ValueDiffDetailParams, ValueDiffDetailResult
from spyglass.checks.value_diff_detail.run import run
from spyglass.state.models import RunStatus
from tests.checks.value_diff.test_run import BASE_ROWS, COMPOSITE_BASE, COMPOSITE_CURRENT, CURRENT_ROWS
from tests.fixtures.warehouses import Crafted


def _detail(crafted: Crafted, **params: object) -> ValueDiffDetailResult:
    return run(ValueDiffDetailParams.model_validate(params), crafted.context())


def test_differing_rows_in_key_order(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    result = _detail(crafted, model="orders", primary_key="Id")
    diff = result.diff
    assert diff.primary_key == ("Id",)
    assert diff.columns == ("order", "group", "unit price ü")
    assert diff.rows == (
        DiffRow(key=(2,), status="changed", changed_columns=("group",), base=("b", None, 2.5),
                current=("b", 20, 2.5)),
        DiffRow(key=(4,), status="changed", changed_columns=("order",), base=("d", 40, None),
                current=("D", 40, None)),
        DiffRow(key=(5,), status="changed", changed_columns=("order",), base=("e", 50, 5.5),
                current=(None, 50, 5.5)),
        DiffRow(key=(6,), status="removed", base=("f", 60, 6.5)),
        DiffRow(key=(7,), status="added", current=("g", 70, 7.5)),
    )
    assert (diff.added, diff.removed, diff.changed, diff.total, diff.more, diff.limit) == (1, 1, 3, 5, False, 1000)
    assert result.mismatch
    assert result.headline == "5 differing rows: 1 added, 1 removed, 3 changed"
    assert ValueDiffDetailResult.model_validate_json(result.model_dump_json()) == result


def test_limit_keeps_totals(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    diff = _detail(crafted, model="orders", primary_key="Id", limit=2, columns=["group"]).diff
    # only 'group' compared: 2 changed, 6 removed, 7 added
    assert [(r.key, r.status) for r in diff.rows] == [((2,), "changed"), ((6,), "removed")]
    assert (diff.more, diff.added, diff.removed, diff.changed) == (True, 1, 1, 1)
    diff = _detail(crafted, model="orders", primary_key="Id", limit=2).diff
    assert [r.key for r in diff.rows] == [(2,), (4,)]
    assert (diff.more, diff.added, diff.removed, diff.changed) == (True, 1, 1, 3)


def test_where_filters_both_sides(crafted: Crafted) -> None:
    crafted.create_model("orders", BASE_ROWS, CURRENT_ROWS)
    diff = _detail(crafted, model="orders", primary_key="Id", where='"Id" >= 5').diff
    assert [(r.key, r.status) for r in diff.rows] == [((5,), "changed"), ((6,), "removed"), ((7,), "added")]


def test_composite_key_and_type_changes(crafted: Crafted) -> None:
    crafted.create_model("composite", COMPOSITE_BASE, COMPOSITE_CURRENT)
    diff = _detail(crafted, model="composite", primary_key=["k1", "k2"], abs_tolerance=0.01).diff
    assert [(r.key, r.status, r.changed_columns) for r in diff.rows] == [
        ((1, "y"), "changed", ("amount",)),
        ((2, "x"), "changed", ("score",)),
        ((3, "z"), "added", ()),
        ((4, "w"), "removed", ()),
    ]
    assert diff.columns == ("amount", "label", "score")
    assert (diff.base_only_columns, diff.current_only_columns) == (("dropped",), ("fresh",))


def test_identical_and_duplicate_keys(crafted: Crafted) -> None:
    crafted.create_model("same", BASE_ROWS, BASE_ROWS)
    same = _detail(crafted, model="same", primary_key="Id")
    assert (same.diff.rows, same.diff.total, same.mismatch) == ((), 0, False)
    crafted.create_model("dupes", "select * from (values (1, 'a'), (1, 'b')) as t(id, v)",
                         "select * from (values (1, 'a')) as t(id, v)")
    record = crafted.session().run_check(parse_spec("value_diff_detail", {"model": "dupes", "primary_key": "id"}))
    assert record.status is RunStatus.FAILED and record.error is not None
    assert "base: id=1 (2 rows)" in record.error.message


def test_both_sides_empty_is_a_result(crafted: Crafted) -> None:
    empty = 'select * from (values (1, \'a\')) as t("Id", "name") where 1 = 0'
    crafted.create_model("void", empty, empty)
    record = crafted.session().run_check(parse_spec("value_diff_detail", {"model": "void", "primary_key": "Id"}))
    assert record.status is RunStatus.SUCCESS, record.error
    assert isinstance(record.result, ValueDiffDetailResult)
    assert (record.result.diff.rows, record.result.diff.total, record.result.mismatch) == ((), 0, False)
    assert record.result.headline == "no differing rows"
