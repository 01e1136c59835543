"""The state's bounds: results cut to fit (figures exact), runs kept, approvals compared as computed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from spyglass.checks.base import Result
from spyglass.checks.profile import ColumnProfile, ProfileColumn, ProfileDiffResult
from spyglass.checks.query import ColumnInfo, DataTable, QueryResultModel
from spyglass.checks.query_diff import MultisetDiff, QueryDiffResult, RowCount
from spyglass.checks.top_k import TopKDiffResult, TopKSide, TopKValue
from spyglass.checks.value_diff_detail import DiffRow, DiffRows, ValueDiffDetailResult
from spyglass.exceptions import StateTooLarge
from spyglass.state.bounds import BoundRuns, StateLimits, bound_state, check_size, kept_runs, same_result
from spyglass.state.cut import cut_result, result_size, shorten
from spyglass.state.models import CheckRecord, RunRecord, State
from spyglass.state.store import dump_state, load_state, new_state, save_state
from tests.records import check_record, spec_of

T0 = datetime(2026, 1, 2, tzinfo=timezone.utc)
CELLS = 1_000
BIG = "x" * 50_000


def _table(n: int, width: int = 20, total: int | None = None) -> DataTable:
    rows = tuple((i, f"{i:05d}" + "v" * width) for i in range(n))
    return DataTable(columns=(ColumnInfo(name="id", type="integer"), ColumnInfo(name="s", type="text")), rows=rows,
                     limit=2_000, more=total is not None and total > n, total_row_count=total or n)


def _diff_rows(n: int) -> DiffRows:
    rows = tuple(DiffRow(key=(i,), status="changed", changed_columns=("s",), base=(f"old {i} " * 20,),
                         current=(f"new {i} " * 20,)) for i in range(n))
    return DiffRows(primary_key=("id",), columns=("s",), rows=rows, limit=1_000, more=True, added=7,
                    removed=3, changed=n + 40)


QUERY = spec_of("query", sql_template="select 1")
#: a spec of each result's type
SPECS = {"query": QUERY, "value_diff_detail": spec_of("value_diff_detail", model="m")}


def _run(run_id: str, result: Result | None = None, check_id: str | None = None, minute: int = 0) -> RunRecord:
    return RunRecord.model_validate({
        "run_id": run_id, "spec": SPECS[getattr(result, "kind", "query")], "check_id": check_id,
        "status": "success", "result": result, "started_at": T0 + timedelta(minutes=minute)})


def _check(check_id: str, last_run_id: str | None, approved: bool = False) -> CheckRecord:
    return check_record(check_id, spec=QUERY, last_run_id=last_run_id, approved=approved, at=T0)


# -- cutting one result ----------------------------------------------------------------------------------
def test_a_query_result_keeps_its_leading_rows_within_the_budget_and_exact_figures() -> None:
    full = QueryResultModel(table=_table(2_000, width=200, total=90_000))
    assert result_size(full) > 200_000
    cut = cut_result(full, 100_000, CELLS)
    assert result_size(cut) <= 100_000
    assert cut.table.truncated and not full.table.truncated
    assert 0 < len(cut.table.rows) < 2_000
    assert cut.table.rows == full.table.rows[:len(cut.table.rows)]
    assert (cut.table.total_row_count, cut.table.more, cut.headline) == (90_000, True, full.headline)
    assert cut_result(cut, 100_000, CELLS) is cut  # idempotent
    assert cut_result(full, 10 * 1024 * 1024, CELLS) is full  # fits: the same object


def test_huge_values_are_shortened_with_their_length_and_hash() -> None:
    full = QueryResultModel(table=DataTable(
        columns=(ColumnInfo(name="i"), ColumnInfo(name="s")), rows=tuple((i, BIG * 20) for i in range(200)),
        limit=2_000, more=False, total_row_count=200))  # 200 rows of 1 MB: the case that made a 220 MB state
    cut = cut_result(full, 1024 * 1024, CELLS)
    assert result_size(cut) <= 1024 * 1024 and cut.table.truncated
    value = cut.table.rows[0][1]
    assert isinstance(value, str) and len(value) == CELLS and "1,000,000 characters" in value
    assert shorten(value, CELLS) == value
    assert shorten("a" * 5000, CELLS) != shorten("a" * 4999 + "b", CELLS)  # different values stay different


def test_every_row_table_of_a_query_diff_shares_the_budget() -> None:
    multiset = MultisetDiff(columns=("id", "s"), rows=tuple(RowCount(values=(i, "w" * 300), base_count=1,
                                                                      current_count=0) for i in range(1_000)),
                            only_in_base=5_000, only_in_current=12, differing=5_012, more=True)
    full = QueryDiffResult(multiset=multiset, base=_table(2_000, 300), current=_table(2_000, 300))
    cut = cut_result(full, 150_000, CELLS)
    assert result_size(cut) <= 150_000
    assert cut.multiset is not None and cut.base is not None and cut.current is not None
    assert cut.multiset.truncated and cut.base.truncated and cut.current.truncated
    assert min(len(cut.multiset.rows), len(cut.base.rows), len(cut.current.rows)) > 20  # none starved
    assert (cut.mismatch, cut.headline) == (full.mismatch, full.headline)
    assert (cut.multiset.only_in_base, cut.multiset.differing) == (5_000, 5_012)


def test_differing_rows_are_cut_but_their_totals_are_not() -> None:
    full = ValueDiffDetailResult(model="orders", diff=_diff_rows(1_000))
    cut = cut_result(full, 40_000, CELLS)
    assert result_size(cut) <= 40_000 and cut.diff.truncated
    assert cut.diff.rows == full.diff.rows[:len(cut.diff.rows)]
    assert (cut.diff.total, cut.mismatch, cut.headline) == (full.diff.total, True, full.headline)
    keyed = QueryDiffResult(keyed=_diff_rows(1_000))
    assert cut_result(keyed, 40_000, CELLS).keyed.truncated  # type: ignore[union-attr]


def test_figures_that_compare_long_values_are_unchanged_by_shortening() -> None:
    def profile(base_max: str, current_max: str) -> ProfileDiffResult:
        def side(top: str) -> ColumnProfile:
            return ColumnProfile(row_count=10, nulls=0, distinct=10, unique=True, min="a", max=top)
        return ProfileDiffResult(model="m", columns=(ProfileColumn(name="s", base=side(base_max),
                                                                   current=side(current_max)),))

    differ_late = profile(BIG + "a", BIG + "b")  # differ only after the first 1,000 characters
    same = profile(BIG, BIG)
    for full in (differ_late, same):
        cut = cut_result(full, 1024 * 1024, CELLS)
        assert cut is not full and len(cut.columns[0].base.max or "") == CELLS  # type: ignore[union-attr]
        assert (cut.mismatch, cut.headline) == (full.mismatch, full.headline)
    assert differ_late.mismatch and not same.mismatch

    top = TopKDiffResult(model="m", column_name="s", k=3, base=TopKSide(row_count=3, non_null=3),
                         current=TopKSide(row_count=3, non_null=3),
                         values=(TopKValue(value=BIG + "1", base_count=2, current_count=1),
                                 TopKValue(value=BIG + "2", base_count=1, current_count=2)))
    cut_top = cut_result(top, 1024 * 1024, CELLS)
    assert len({v.value for v in cut_top.values}) == 2
    assert (cut_top.mismatch, cut_top.headline) == (top.mismatch, top.headline)


# -- the runs a state keeps ---------------------------------------------------------------------------------
def test_kept_runs_are_each_checks_latest_and_the_newest_ad_hoc_ones() -> None:
    adhoc = [_run(f"a{i}", minute=i) for i in range(30)]
    old, latest, orphan = _run("old", check_id="c1"), _run("latest", check_id="c1"), _run("gone", check_id="cX")
    state = new_state(T0).model_copy(update={"checks": [_check("c1", "latest"), _check("c2", None)],
                                             "runs": [old, *adhoc[:15], latest, orphan, *adhoc[15:]]})
    kept = kept_runs(state, 20)
    assert [r.run_id for r in kept] == [f"a{i}" for i in range(10, 15)] + ["latest"] + [f"a{i}" for i in range(15, 30)]
    assert [r.run_id for r in kept_runs(state, 0)] == ["latest"]
    assert len(kept_runs(state, 40)) == 31  # fewer ad-hoc runs than the list holds: all kept


def test_a_bounded_state_holds_every_result_within_its_share() -> None:
    limits = StateLimits(result_bytes=200_000, results_bytes=1_000_000, state_bytes=2_000_000, recent_runs=20)
    small = _run("small", QueryResultModel(table=_table(3)))
    big = [_run(f"big{i}", QueryResultModel(table=_table(2_000, 100)), minute=i) for i in range(25)]
    state = new_state(T0).model_copy(update={"runs": [small, *big]})
    bounded = bound_state(state, limits)
    assert len(bounded.runs) == 20 and bounded.runs[-1].run_id == "big24"
    sizes = [result_size(r.result) for r in bounded.runs if r.result is not None]
    assert max(sizes) <= 200_000 and sum(sizes) <= 1_000_000
    assert all(r.result_digest for r in bounded.runs)
    assert bound_state(bounded, limits) == bounded  # stable once bounded
    kept_small = bound_state(new_state(T0).model_copy(update={"runs": [small]}), limits)
    assert kept_small.runs[0] is small and small.result_digest is None  # small results stay whole
    check_size(dump_state(bounded), limits)  # fits the whole-state bound too


def test_bounding_again_with_what_was_learnt_is_bounding_afresh() -> None:
    """The server bounds after every change; runs it bounded before are not measured again, with the same
    outcome as bounding from scratch as runs arrive, shares shrink and runs leave."""
    limits = StateLimits(result_bytes=200_000, results_bytes=1_000_000, state_bytes=2_000_000, recent_runs=6)
    known = BoundRuns()
    state = new_state(T0)
    for i in range(10):
        result = QueryResultModel(table=_table(2_000 if i % 3 else 3, 100 + i))
        state = state.model_copy(update={"runs": [*state.runs, _run(f"r{i}", result, minute=i)]})
        again = bound_state(state, limits, known)
        assert again == bound_state(state, limits)
        state = again
    assert [r.run_id for r in state.runs] == [f"r{i}" for i in range(4, 10)]


def test_a_state_too_large_for_an_import_is_refused() -> None:
    limits = StateLimits(result_bytes=4_096, results_bytes=8_192, state_bytes=20_000)
    checks = [_check(f"c{i}", None).model_copy(update={"description": "d" * 1_000}) for i in range(30)]
    with pytest.raises(StateTooLarge) as err:
        check_size(dump_state(new_state(T0).model_copy(update={"checks": checks})), limits)
    assert err.value.http_status == 413 and "Delete checks" in err.value.remedy


# -- approvals compare what was computed --------------------------------------------------------------------
def test_same_result_sees_changes_in_rows_the_state_file_did_not_keep() -> None:
    limits = StateLimits(result_bytes=20_000, results_bytes=40_000, state_bytes=1_000_000)
    full = _run("r1", ValueDiffDetailResult(model="m", diff=_diff_rows(500)), check_id="c")
    rows = list(full.result.diff.rows)  # type: ignore[union-attr]
    rows[-1] = rows[-1].model_copy(update={"current": ("changed late",)})
    late_change = full.model_copy(update={"run_id": "r2", "result": ValueDiffDetailResult(
        model="m", diff=full.result.diff.model_copy(update={"rows": tuple(rows)}))})  # type: ignore[union-attr]
    stored = bound_state(new_state(T0).model_copy(update={"checks": [_check("c", "r1")], "runs": [full]}),
                         limits).runs[0]
    stored_late = bound_state(new_state(T0).model_copy(update={"checks": [_check("c", "r2")],
                                                               "runs": [late_change]}), limits).runs[0]
    assert stored.result != full.result and stored.result == stored_late.result  # the cut hides the change
    assert same_result(stored, full) and same_result(full, stored)
    assert not same_result(stored, late_change) and not same_result(stored, stored_late)
    smaller = StateLimits(result_bytes=5_000, results_bytes=40_000, state_bytes=1_000_000)
    recut = bound_state(new_state(T0).model_copy(update={"checks": [_check("c", "r1")], "runs": [stored]}),
                        smaller).runs[0]
    assert recut.result != stored.result and same_result(recut, full)  # a smaller budget changes nothing


# -- the file ---------------------------------------------------------------------------------------------------
def test_a_cut_state_round_trips_and_older_files_still_load(tmp_path: Path) -> None:
    limits = StateLimits(result_bytes=20_000, results_bytes=40_000, state_bytes=1_000_000)
    state = bound_state(new_state(T0).model_copy(update={
        "runs": [_run("r", QueryResultModel(table=_table(2_000)))]}), limits)
    path = tmp_path / "state.json"
    save_state(path, state)
    assert load_state(path) == state and load_state(path).runs[0].result.table.truncated  # type: ignore[union-attr]

    older = json.loads(dump_state(new_state(T0).model_copy(update={"runs": [_run("r", QueryResultModel(
        table=_table(3)))]})))
    del older["runs"][0]["result_digest"], older["runs"][0]["result"]["table"]["truncated"]
    path.write_text(json.dumps(older))
    loaded = load_state(path)
    assert loaded.runs[0].result_digest is None and not loaded.runs[0].result.table.truncated  # type: ignore[union-attr]
    assert isinstance(loaded, State)
