"""where / since / until on value diff, profile, top-k, histogram and row count, on real DuckDB and PostgreSQL.

The model's ``event_time`` comes from its dbt config in a manifest on disk (as dbt >= 1.9 writes it), or
from the ``event_time`` param; every figure is asserted against rows counted by hand below.
"""

from __future__ import annotations

import pytest

from spyglass.checks.base import CheckContext
from spyglass.checks.histogram import HistogramDiffParams
from spyglass.checks.histogram.run import run as run_histogram
from spyglass.checks.profile import ProfileDiffParams
from spyglass.checks.profile.run import run as run_profile
from spyglass.checks.registry import parse_spec, title
from spyglass.checks.row_count import RowCountDiffParams
from spyglass.checks.row_count.run import run as run_row_count
from spyglass.checks.top_k import TopKDiffParams
from spyglass.checks.top_k.run import run as run_top_k
from spyglass.checks.value_diff import ValueDiffParams
from spyglass.checks.value_diff.run import run as run_value_diff
from spyglass.checks.value_diff_detail import ValueDiffDetailParams
from spyglass.checks.value_diff_detail.run import run as run_detail
from spyglass.exceptions import CheckError, QueryRefused
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import Env
from spyglass.report.markdown import render_details
from spyglass.service import Session
from spyglass.state.models import RunStatus
from spyglass.warehouse.base import CancelToken
from tests.fixtures.warehouses import Crafted
from tests.project.manifest_builder import ManifestBuilder, write_pair

# id, status, amount, ordered_at. Within the window (ordered_at >= 2026-11-15): base 2, 3, 4; current 2, 3, 5.
# Changed: 1 (outside the window) and 2 (inside); 4 removed, 5 added; 6 added outside the window.
COLUMNS = "t(id, status, amount, ordered_at)"
BASE = f"""select id, status, amount, cast(ordered_at as timestamp) as ordered_at from (values
    (1, 'open', 10, '2026-11-01 10:00:00'), (2, 'open', 20, '2026-11-20 10:00:00'),
    (3, 'done', 30, '2026-11-25 10:00:00'), (4, 'open', 40, '2026-11-28 10:00:00')) as {COLUMNS}"""
CURRENT = f"""select id, status, amount, cast(ordered_at as timestamp) as ordered_at from (values
    (1, 'open', 11, '2026-11-01 10:00:00'), (2, 'open', 21, '2026-11-20 10:00:00'),
    (3, 'done', 30, '2026-11-25 10:00:00'), (5, 'open', 50, '2026-11-29 10:00:00'),
    (6, 'done', 60, '2026-10-01 10:00:00')) as {COLUMNS}"""
PLAIN = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"
SINCE = "2026-11-15"


def _context(crafted: Crafted) -> CheckContext:
    """``orders`` (event_time ordered_at in its dbt config) and ``customers`` (none), manifests on disk."""
    base = ManifestBuilder("crafted", database=crafted.database, schema=crafted.schemas[Env.BASE])
    current = base.copy(schema=crafted.schemas[Env.CURRENT])
    crafted.create_model("orders", BASE, CURRENT)
    crafted.create_model("customers", PLAIN, PLAIN)
    for env, builder, sql in ((Env.BASE, base, BASE), (Env.CURRENT, current, CURRENT)):
        uids = (builder.model("orders", sql=sql, materialized="table", config={"event_time": "ordered_at"}),
                builder.model("customers", sql=PLAIN, materialized="table"))
        for uid in uids:  # quoted as the engine quotes (Spark: backticks)
            builder.nodes[uid]["relation_name"] = crafted.relation(builder.nodes[uid]["name"], env)
    base_dir, current_dir = write_pair(crafted.project_dir, base, current)
    pair = load_pair(base_dir, current_dir)
    return CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=crafted.warehouse(),
                        cancel=CancelToken())


def test_value_diff_where_and_window(crafted: Crafted) -> None:
    ctx = _context(crafted)
    whole = run_value_diff(ValueDiffParams(model="orders", primary_key="id"), ctx)
    assert (whole.base_rows, whole.current_rows, whole.added, whole.removed, whole.changed) == (4, 5, 2, 1, 2)
    assert whole.notes == ()
    windowed = run_value_diff(ValueDiffParams(model="orders", primary_key="id", since=SINCE), ctx)
    assert (windowed.base_rows, windowed.current_rows, windowed.added, windowed.removed, windowed.changed) == (
        3, 3, 1, 1, 1)
    assert windowed.notes == ("Rows filtered: ordered_at >= 2026-11-15.",)
    both = run_value_diff(ValueDiffParams(model="orders", primary_key="id", since=SINCE, until="2026-11-28",
                                          where="status = 'open'"), ctx)
    assert (both.base_rows, both.current_rows, both.in_both, both.changed) == (1, 1, 1, 1)
    assert both.notes == ("Rows filtered: where status = 'open'; ordered_at >= 2026-11-15 and "
                          "ordered_at < 2026-11-28.",)
    assert "_Note:_ Rows filtered: where status = 'open'" in render_details(both)
    detail = run_detail(ValueDiffDetailParams(model="orders", primary_key="id", since=SINCE), ctx)
    assert [(row.key, row.status) for row in detail.diff.rows] == [((2,), "changed"), ((4,), "removed"),
                                                                    ((5,), "added")]
    assert detail.notes == ("Rows filtered: ordered_at >= 2026-11-15.",)
    with pytest.raises(QueryRefused):
        run_value_diff(ValueDiffParams(model="orders", primary_key="id", where="1 = 1; drop table x"), ctx)


def test_a_window_needs_an_event_time(crafted: Crafted) -> None:
    ctx = _context(crafted)
    with pytest.raises(CheckError) as info:
        run_value_diff(ValueDiffParams(model="customers", primary_key="id", since="7d"), ctx)
    assert "no event_time column" in info.value.message and "event_time" in info.value.remedy
    by_param = run_value_diff(ValueDiffParams(model="orders", primary_key="id", since=SINCE,
                                              event_time="ORDERED_AT"), ctx)  # named as the user spells it
    assert (by_param.base_rows, by_param.current_rows) == (3, 3)
    assert by_param.notes == ("Rows filtered: ordered_at >= 2026-11-15.",)
    with pytest.raises(CheckError, match="'nope' is not a column of model 'orders'"):
        run_value_diff(ValueDiffParams(model="orders", primary_key="id", since=SINCE, event_time="nope"), ctx)
    optional = run_value_diff(ValueDiffParams(model="customers", primary_key="id", since="7d",
                                              window_optional=True), ctx)
    assert optional.base_rows == 2
    assert optional.notes == ("The time window (since 7d) was ignored: model 'customers' has no event_time "
                              "config; all its rows were read.",)


def test_profile_top_k_histogram_filtered(crafted: Crafted) -> None:
    ctx = _context(crafted)
    profile = run_profile(ProfileDiffParams(model="orders", columns=("amount",), since=SINCE), ctx)
    amount = profile.columns[0]
    assert amount.base is not None and amount.current is not None
    assert (amount.base.row_count, amount.current.row_count) == (3, 3)
    assert (amount.base.min, amount.current.max) == ("20", "50")
    assert profile.notes == ("Rows filtered: ordered_at >= 2026-11-15.",)
    top = run_top_k(TopKDiffParams(model="orders", column_name="status", where="amount > 20"), ctx)
    assert {v.value: (v.base_count, v.current_count) for v in top.values} == {"done": (1, 2), "open": (1, 2)}
    assert top.base is not None and top.base.row_count == 2
    assert top.notes == ("Rows filtered: where amount > 20.",)
    histogram = run_histogram(HistogramDiffParams(model="orders", column_name="amount", since=SINCE), ctx)
    assert (sum(histogram.base.counts), sum(histogram.current.counts)) == (3, 3)
    assert histogram.notes == ("Rows filtered: ordered_at >= 2026-11-15.",)


def test_row_count_counts_the_filtered_rows(crafted: Crafted) -> None:
    ctx = _context(crafted)
    names = ("orders", "customers")
    whole = run_row_count(RowCountDiffParams(node_names=("orders",)), ctx)
    assert [(r.base_count, r.current_count) for r in whole.rows] == [(4, 5)]
    windowed = run_row_count(RowCountDiffParams(node_names=("orders",), since=SINCE), ctx)
    assert [(r.base_count, r.current_count) for r in windowed.rows] == [(3, 3)]
    assert windowed.notes == ("Rows filtered: ordered_at >= 2026-11-15.",)
    where = run_row_count(RowCountDiffParams(node_names=names, where="id <= 2"), ctx)
    assert [(r.name, r.base_count, r.current_count) for r in where.rows] == [("customers", 2, 2), ("orders", 2, 2)]
    with pytest.raises(CheckError, match="'customers', but it has no event_time"):
        run_row_count(RowCountDiffParams(node_names=names, since=SINCE), ctx)
    optional = run_row_count(RowCountDiffParams(node_names=names, since=SINCE, window_optional=True), ctx)
    assert [(r.name, r.base_count, r.current_count) for r in optional.rows] == [("customers", 2, 2),
                                                                                 ("orders", 3, 3)]
    assert optional.notes == ("Rows filtered: ordered_at >= 2026-11-15.",
                              "The time window was ignored for customers (no event_time config): all their rows "
                              "were counted.")


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_filters_through_a_session_run(crafted: Crafted) -> None:
    """The filter's title and notes reach the run record, as the summary reads them."""
    _context(crafted)
    session = Session.load(crafted.settings)
    try:
        spec = parse_spec("value_diff", {"model": "orders", "primary_key": "id", "since": SINCE})
        record = session.run_check(spec)
    finally:
        session.close()
    assert record.status is RunStatus.SUCCESS, record.error
    assert record.result is not None and record.result.notes == ("Rows filtered: ordered_at >= 2026-11-15.",)
    assert title(spec) == "Value diff of orders (since 2026-11-15)"


@pytest.mark.slow
@pytest.mark.parametrize("engine", [pytest.param("spark", marks=pytest.mark.slow)], indirect=True)
def test_filters_on_spark(crafted: Crafted) -> None:
    """The same figures on Spark: the window over dbt's event_time, a where, and the filtered row count."""
    ctx = _context(crafted)
    windowed = run_value_diff(ValueDiffParams(model="orders", primary_key="id", since=SINCE), ctx)
    assert (windowed.base_rows, windowed.current_rows, windowed.added, windowed.removed, windowed.changed) == (
        3, 3, 1, 1, 1)
    both = run_value_diff(ValueDiffParams(model="orders", primary_key="id", since=SINCE, until="2026-11-28",
                                          where="status = 'open'"), ctx)
    assert (both.base_rows, both.current_rows, both.in_both, both.changed) == (1, 1, 1, 1)
    counted = run_row_count(RowCountDiffParams(node_names=("orders",), since=SINCE, where="amount > 20"), ctx)
    assert [(r.base_count, r.current_count) for r in counted.rows] == [(2, 3)]
    top = run_top_k(TopKDiffParams(model="orders", column_name="status", since=SINCE), ctx)
    assert {v.value: (v.base_count, v.current_count) for v in top.values} == {"open": (2, 2), "done": (1, 1)}
