"""profile_diff on crafted base/current tables, every figure asserted, on DuckDB and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from spyglass.checks.profile import ColumnProfile, ProfileDiffParams, ProfileDiffResult
from spyglass.checks.profile.markdown import render
from spyglass.checks.profile.run import run
from spyglass.checks.registry import parse_spec
from spyglass.exceptions import Cancelled
from spyglass.state.models import RunStatus
from spyglass.warehouse.base import CancelToken
from tests.fixtures.warehouses import Crafted

COLUMNS = 'as t(id, "MixedCase", "order", "with space", "ünïcode")'
BASE = f"""select * from (values
  (1, 'a', -5, date '2020-01-01', 1.5),
  (2, 'b', 10, date '2020-01-02', null),
  (3, null, 10, null, -2.5),
  (4, 'a', null, date '2020-01-04', 4.0)) {COLUMNS}"""
#: only "order" changes: row 3 has 20 instead of 10
CURRENT = BASE.replace("(3, null, 10,", "(3, null, 20,")


def _by_name(result: ProfileDiffResult) -> dict[str, tuple[ColumnProfile, ColumnProfile]]:
    out = {}
    for column in result.columns:
        assert column.base is not None and column.current is not None
        out[column.name] = (column.base, column.current)
    return out


def test_every_figure_on_awkward_column_names(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    result = run(ProfileDiffParams(model="things"), crafted.context())
    columns = _by_name(result)
    assert list(columns) == ["id", "MixedCase", "order", "with space", "ünïcode"]

    base, current = columns["id"]
    assert base == current
    assert (base.row_count, base.nulls, base.distinct, base.unique) == (4, 0, 4, True)
    assert (base.min, base.max, base.avg, base.median) == ("1", "4", 2.5, 2.5)
    assert (base.null_pct, base.distinct_pct) == (0.0, 100.0)

    base, current = columns["MixedCase"]
    assert base == current
    assert (base.row_count, base.nulls, base.distinct, base.unique) == (4, 1, 2, False)
    assert (base.min, base.max, base.avg, base.median) == ("a", "b", None, None)
    assert (base.null_pct, base.distinct_pct) == (25.0, 50.0)

    base, current = columns["order"]
    assert (base.nulls, base.distinct, base.unique, base.min, base.max) == (1, 2, False, "-5", "10")
    assert base.avg == pytest.approx(5.0) and base.median == pytest.approx(10.0)
    assert (current.nulls, current.distinct, current.unique, current.min, current.max) == (1, 3, False, "-5", "20")
    assert current.avg == pytest.approx(25 / 3) and current.median == pytest.approx(10.0)

    base, current = columns["with space"]
    assert base == current
    assert (base.nulls, base.distinct, base.min, base.max) == (1, 3, "2020-01-01", "2020-01-04")
    assert (base.avg, base.median) == (None, None)

    base, current = columns["ünïcode"]
    assert base == current
    assert (base.nulls, base.distinct, base.min, base.max) == (1, 3, "-2.5", "4.0")
    assert base.avg == pytest.approx(1.0) and base.median == pytest.approx(1.5)

    assert [c.name for c in result.changed_columns] == ["order"]
    assert result.mismatch
    assert result.headline == "1 of 5 columns differ"


def test_identical_tables_do_not_mismatch_and_columns_param_selects(crafted: Crafted) -> None:
    crafted.create_model("same", BASE, BASE)
    ctx = crafted.context()
    result = run(ProfileDiffParams(model="same"), ctx)
    assert not result.mismatch
    assert result.headline == "no change in 5 profiled columns"
    assert render(result) == "No figure changed in the 5 profiled columns."
    # user-given names resolve case-insensitively to the real ones, duplicates dropped
    only = run(ProfileDiffParams(model="same", columns=("mixedcase", "ORDER", "order")), ctx)
    assert [c.name for c in only.columns] == ["MixedCase", "order"]


def test_empty_tables_give_zeros_without_dividing_by_zero(crafted: Crafted) -> None:
    empty = f"{BASE} where 1 = 0"
    crafted.create_model("empty", empty, empty)
    result = run(ProfileDiffParams(model="empty"), crafted.context())
    assert not result.mismatch
    for base, current in _by_name(result).values():
        assert base == current
        assert (base.row_count, base.nulls, base.distinct) == (0, 0, 0)
        assert (base.null_pct, base.distinct_pct) == (None, None)
        assert (base.min, base.max, base.avg, base.median) == (None, None, None, None)


def test_added_column_and_single_side_model(crafted: Crafted) -> None:
    crafted.create_model("widened", "select 1 as id", "select 1 as id, 'x' as extra")
    crafted.create_model("brand_new", None, "select 1 as id")
    ctx = crafted.context()
    widened = run(ProfileDiffParams(model="widened"), ctx)
    extra = widened.columns[1]
    assert (extra.name, extra.base, extra.base_type, extra.current_type) == ("extra", None, None, "text")
    assert extra.current is not None and extra.current.distinct == 1
    assert [c.name for c in widened.changed_columns] == ["extra"]
    new = run(ProfileDiffParams(model="brand_new"), ctx)
    assert (new.base_present, new.current_present, new.mismatch) == (False, True, True)
    assert new.columns[0].current is not None and new.columns[0].current.row_count == 1
    assert "exists only in current" in render(new)


def test_approx_mode(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    result = run(ProfileDiffParams(model="things", approx=True), crafted.context())
    assert result.approx
    columns = _by_name(result)
    base, current = columns["id"]
    assert base == current
    # PostgreSQL has no approximate distinct count: its counts stay exact, so "unique" is known
    assert (base.row_count, base.nulls, base.unique) == (4, 0, None if crafted.engine == "duckdb" else True)
    # HyperLogLog is exact at this size; the approximate median lies within the data
    assert base.distinct == 4
    assert base.median is not None and 1 <= base.median <= 4
    assert columns["order"][1].max == "20"


def test_unknown_model_and_column_fail_the_run_with_a_remedy(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    session = crafted.session()
    unknown_column = session.run_check(parse_spec("profile_diff", {"model": "things", "columns": ["ordr"]}))
    assert unknown_column.status is RunStatus.FAILED and unknown_column.error is not None
    assert unknown_column.error.kind == "CheckError"
    assert "no column 'ordr'" in unknown_column.error.message
    assert "Did you mean 'order'?" in unknown_column.error.remedy
    assert "MixedCase, order, with space, ünïcode" in unknown_column.error.remedy
    unknown_model = session.run_check(parse_spec("profile_diff", {"model": "thing"}))
    assert unknown_model.status is RunStatus.FAILED and unknown_model.error is not None
    assert "'thing'" in unknown_model.error.message and "things" in unknown_model.error.remedy


def test_result_round_trips_through_json(crafted: Crafted) -> None:
    crafted.create_model("things", BASE, CURRENT)
    record = crafted.session().run_check(parse_spec("profile", {"model": "things"}))  # Recce's alias
    assert record.status is RunStatus.SUCCESS and isinstance(record.result, ProfileDiffResult)
    again = type(record).model_validate_json(record.model_dump_json())
    assert again.result == record.result
    assert again.mismatch is True


def test_reordered_columns_and_widened_type_pair_by_name(crafted: Crafted) -> None:
    crafted.create_model("moved", "select * from (values (1, 'x'), (2, 'y')) as t(a, b)",
                         "select * from (values ('x', cast(1 as bigint)), ('y', cast(2 as bigint))) as t(b, a)")
    result = run(ProfileDiffParams(model="moved"), crafted.context())
    assert [c.name for c in result.columns] == ["b", "a"]  # current's order
    a = result.columns[1]
    assert (a.base_type, a.current_type) == ("integer", "integer")
    assert a.base == a.current and a.base is not None
    assert (a.base.min, a.base.max, a.base.avg) == ("1", "2", 1.5)
    assert not result.mismatch


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_cancel_stops_a_running_profile(crafted: Crafted) -> None:
    big = "select i as id, i % 977 as a, cast(i as varchar) as b, i * 0.5 as c from range(3000000) as t(i)"
    crafted.create_model("big", big, big)
    cancel = CancelToken()
    ctx = crafted.context(cancel)
    timer = threading.Timer(0.2, cancel.cancel)
    timer.start()
    started = time.perf_counter()
    with pytest.raises(Cancelled):
        run(ProfileDiffParams(model="big"), ctx)
    cancelled_after = time.perf_counter() - started
    uncancelled = time.perf_counter()
    run(ProfileDiffParams(model="big"), crafted.context())
    # the queries stopped early: well before the same profile runs to completion
    assert cancelled_after < (time.perf_counter() - uncancelled) / 2
