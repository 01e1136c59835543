"""top_k_diff on crafted data, every figure asserted, on DuckDB and PostgreSQL."""

from __future__ import annotations

from spyglass.checks.registry import parse_spec
from spyglass.checks.top_k import TopKDiffParams, TopKSide, TopKValue
from spyglass.checks.top_k.run import run
from spyglass.state.models import RunStatus
from tests.fixtures.warehouses import Crafted


def _values(*items: str | None) -> str:
    rows = ", ".join(f"({i}, {'null' if v is None else repr(v)})" for i, v in enumerate(items))
    return f'select * from (values {rows}) as t(id, "Group")'


BASE = _values("a", "a", "a", "b", "b", "c", None)
CURRENT = _values("a", "a", "a", "b", "d", "d", None, None)


def test_top_k_of_either_side_with_counts_shares_and_nulls(crafted: Crafted) -> None:
    crafted.create_model("letters", BASE, CURRENT)
    result = run(TopKDiffParams(model="letters", column_name="group", k=2), crafted.context())
    assert result.column_name == "Group"
    assert result.values == (
        TopKValue(value="a", base_count=3, current_count=3, base_share=0.5, current_share=0.5),
        TopKValue(value="d", base_count=0, current_count=2, base_share=0.0, current_share=2 / 6),
        TopKValue(value="b", base_count=2, current_count=1, base_share=2 / 6,
                  current_share=1 / 6),
    )
    assert result.base == TopKSide(row_count=7, non_null=6)
    assert result.current == TopKSide(row_count=8, non_null=6)
    assert (result.base.nulls, result.current.nulls) == (1, 2)
    assert result.mismatch
    assert result.headline == "2 of the top 3 values changed count"


def test_identical_sides_and_default_k(crafted: Crafted) -> None:
    crafted.create_model("letters", BASE, BASE)
    result = run(TopKDiffParams(model="letters", column_name="Group"), crafted.context())
    assert result.k == 10
    assert [(v.value, v.base_count, v.current_count) for v in result.values] == [
        ("a", 3, 3), ("b", 2, 2), ("c", 1, 1)]
    assert not result.mismatch
    assert result.headline == "top 3 values identical"


def test_only_null_counts_differ(crafted: Crafted) -> None:
    crafted.create_model("letters", _values("a", None), _values("a", None, None))
    result = run(TopKDiffParams(model="letters", column_name="Group"), crafted.context())
    assert [(v.value, v.base_count, v.current_count) for v in result.values] == [("a", 1, 1)]
    assert result.mismatch
    assert result.headline == "row or null counts differ"


def test_numbers_and_a_type_change_line_up_as_text(crafted: Crafted) -> None:
    big = "select * from (values (cast(1 as bigint)), (cast(-2 as bigint)), (cast(-2 as bigint))) as t(n)"
    crafted.create_model("nums", "select * from (values (1), (1), (-2)) as t(n)", big)
    result = run(TopKDiffParams(model="nums", column_name="n"), crafted.context())
    assert [(v.value, v.base_count, v.current_count) for v in result.values] == [("-2", 1, 2), ("1", 2, 1)]


def test_empty_tables_and_missing_side(crafted: Crafted) -> None:
    crafted.create_model("letters", f"{BASE} where 1 = 0", f"{BASE} where 1 = 0")
    crafted.create_model("fresh", None, BASE)
    ctx = crafted.context()
    empty = run(TopKDiffParams(model="letters", column_name="Group"), ctx)
    assert empty.values == ()
    assert empty.base == empty.current == TopKSide(row_count=0, non_null=0)
    assert not empty.mismatch
    fresh = run(TopKDiffParams(model="fresh", column_name="Group"), ctx)
    assert fresh.base is None and fresh.current == TopKSide(row_count=7, non_null=6)
    assert fresh.values[0] == TopKValue(value="a", base_count=0, current_count=3, base_share=None,
                                        current_share=0.5)
    assert fresh.mismatch and fresh.headline == "Group only in current"


def test_unknown_column_fails_with_the_available_columns(crafted: Crafted) -> None:
    crafted.create_model("letters", BASE, CURRENT)
    record = crafted.session().run_check(parse_spec("top_k_diff", {"model": "letters", "column_name": "grp", "k": 3}))
    assert record.status is RunStatus.FAILED and record.error is not None
    assert record.error.message == "Model 'letters' has no column 'grp'."
    assert record.error.remedy.endswith("Available columns: id, Group.")
