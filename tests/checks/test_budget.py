"""Cost guards: estimates from catalog stats or count(*), the budget's decision, and a run under a budget
(skipped, sampled, per run) on real DuckDB and PostgreSQL tables."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import JsonValue

from spyglass.checks.budget import (
    Budget,
    Estimate,
    Limit,
    RunBudget,
    Verdict,
    asked_fraction,
    decide,
    estimate,
    size_text,
)
from spyglass.checks.presets import load_presets
from spyglass.checks.profile import ProfileDiffParams
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffResult
from spyglass.exceptions import ConfigError, OverBudget
from spyglass.markup.escape import md_text
from spyglass.pipeline import run_all
from spyglass.project.artifacts import load_catalog
from spyglass.project.models import ArtifactPair, Env
from spyglass.report.markdown import render_summary
from spyglass.state.models import CheckRecord, RunStatus
from tests.fixtures.warehouses import Crafted
from tests.records import check_record, spec_of

MAX_ROWS = Limit(10_000_000, "--max-rows")
ROWS = "select i as id, i % 7 as v from generate_series(1, {n}) as g(i)"


def _estimate(rows: int, what: str = "orders") -> Estimate:
    return Estimate(what, rows, rows - 1, "catalog")


# -- the decision (pure) -----------------------------------------------------------------------------------
def test_a_check_within_budget_runs_and_is_charged_its_rows() -> None:
    decision = decide(_estimate(9_000_000), Budget(max_rows=MAX_ROWS), 0, can_sample=True)
    assert (decision.verdict, decision.charged, decision.reason) == (Verdict.RUN, 9_000_000, "")


def test_over_budget_is_skipped_saying_by_how_much() -> None:
    decision = decide(_estimate(52_000_000), Budget(max_rows=MAX_ROWS), 0, can_sample=True)
    assert decision.verdict is Verdict.SKIP and decision.charged == 0
    assert decision.reason == "orders: ~52,000,000 rows per side, over --max-rows 10,000,000"


def test_over_budget_is_sampled_to_fit_when_allowed_and_possible() -> None:
    budget = Budget(max_rows=MAX_ROWS, sample=True)
    decision = decide(_estimate(50_000_000), budget, 0, can_sample=True)
    assert (decision.verdict, decision.fraction, decision.charged) == (Verdict.SAMPLE, 0.2, 10_000_000)
    assert decision.reason.endswith("over --max-rows 10,000,000: sampled 20% of the keys to fit")
    assert decide(_estimate(50_000_000), budget, 0, can_sample=False).verdict is Verdict.SKIP  # a profile


def test_the_run_budget_counts_what_earlier_checks_used() -> None:
    budget = Budget(max_run_rows=Limit(100, "budget.max_run_rows in spyglass.yml"))
    assert decide(_estimate(60), budget, 30, can_sample=False).verdict is Verdict.RUN
    skipped = decide(_estimate(60), budget, 50, can_sample=False)
    assert skipped.reason == "orders: ~60 rows per side, over budget.max_run_rows in spyglass.yml 100 (50 used by " \
                             "earlier checks)"
    sampled = decide(_estimate(60), replace(budget, sample=True), 70, can_sample=True)
    assert (sampled.verdict, sampled.fraction, sampled.charged) == (Verdict.SAMPLE, 0.5, 30)
    spent = decide(_estimate(60), replace(budget, sample=True), 100, can_sample=True)
    assert spent.verdict is Verdict.SKIP  # nothing left to sample with


def test_a_sample_the_check_asks_for_is_what_the_budget_weighs() -> None:
    asked = replace(_estimate(52_000_000), asked=0.1)
    assert asked.rows == 5_200_000
    assert decide(asked, Budget(max_rows=MAX_ROWS), 0, can_sample=True).verdict is Verdict.RUN
    small = Budget(max_rows=Limit(1_000_000, "--max-rows"), sample=True)
    decision = decide(asked, small, 0, can_sample=True)
    assert decision.reason == ("orders: ~5,200,000 rows per side in the 10% sample asked for, over --max-rows "
                               "1,000,000: sampled 1.9% of the keys to fit")
    assert decision.fraction == 0.019231 and decision.charged == 1_000_000  # of the whole table's keys
    assert asked_fraction(ValueDiffParams(model="m", sample=0.25), 1000) == 0.25
    assert asked_fraction(ValueDiffParams(model="m", sample_rows=100), 1000) == 0.1
    assert asked_fraction(ValueDiffParams(model="m", sample_rows=5000), 1000) == 1.0
    assert asked_fraction(ProfileDiffParams(model="m"), 1000) == 1.0


def test_the_catalog_size_is_said_when_it_gives_one() -> None:
    sized = replace(_estimate(52_000_000), bytes=4_100_000_000)
    assert decide(sized, Budget(max_rows=MAX_ROWS), 0, can_sample=False).reason == \
        "orders: ~52,000,000 rows per side (~4.1 GB in the catalog), over --max-rows 10,000,000"
    assert [size_text(n) for n in (900, 1_000, 123_456_789)] == ["900 B", "1.0 KB", "123 MB"]


def test_the_command_line_wins_over_the_file() -> None:
    from_file = Budget(max_rows=Limit(5, "budget.max_rows"), max_run_rows=Limit(50, "budget.max_run_rows"),
                       sample=True)
    merged = Budget(max_rows=MAX_ROWS).over(from_file)
    assert (merged.max_rows, merged.max_run_rows, merged.sample) == (MAX_ROWS, from_file.max_run_rows, True)
    assert not Budget().active and Budget(max_run_rows=Limit(1, "x")).active


# -- catalog stats -------------------------------------------------------------------------------------------
def test_catalog_stats_are_read_as_adapters_write_them(tmp_path: Path) -> None:
    def stat(key: str, value: object) -> dict[str, object]:
        return {key: {"id": key, "label": key, "value": value, "include": True, "description": ""}}

    nodes = {
        "model.p.snowflake": {"columns": {}, "stats": {**stat("row_count", 52_000_000.0), **stat("bytes", 1e9),
                                                        **stat("has_stats", True)}},
        "model.p.bigquery": {"columns": {}, "stats": {**stat("num_rows", "1,200"), **stat("num_bytes", 4096)}},
        "model.p.spark": {"columns": {}, "stats": {"stats:rows": {"id": "rows", "value": 77},
                                                   "stats:bytes": {"id": "bytes", "value": 900}}},
        "model.p.postgres": {"columns": {}, "stats": stat("has_stats", False)},
        "model.p.odd": {"columns": {}, "stats": stat("row_count", "unknown")},
    }
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"metadata": {"generated_at": "2026-01-01"}, "nodes": nodes, "sources": {}}))
    catalog = load_catalog(path)
    assert catalog is not None
    found = {uid.rsplit(".", 1)[1]: (t.row_count, t.bytes) for uid, t in catalog.tables.items()}
    assert found == {"snowflake": (52_000_000, 1_000_000_000), "bigquery": (1_200, 4096), "spark": (77, 900),
                     "postgres": (None, None), "odd": (None, None)}


def _with_catalog_rows(pair: ArtifactPair, uid: str, rows: int) -> ArtifactPair:
    def side(env: Env) -> object:
        artifacts = pair.base if env is Env.BASE else pair.current
        assert artifacts.catalog is not None
        tables = dict(artifacts.catalog.tables)
        tables[uid] = replace(tables[uid], row_count=rows, bytes=rows * 10)
        return replace(artifacts, catalog=replace(artifacts.catalog, tables=tables))

    return ArtifactPair(base=side(Env.BASE), current=side(Env.CURRENT))  # type: ignore[arg-type]


def test_the_estimate_reads_the_catalog_else_counts(crafted: Crafted) -> None:
    crafted.create_model("orders", ROWS.format(n=300), ROWS.format(n=250), unique_key="id")
    counted = estimate(ValueDiffParams(model="orders"), crafted.context())
    assert counted == Estimate("orders", 300, 250, "count")
    # the catalog's stats win: no count runs (the figures are the catalog's, not the table's)
    ctx = crafted.context()
    ctx = replace(ctx, artifacts=_with_catalog_rows(ctx.artifacts, "model.crafted.orders", 52_000_000))
    assert estimate(ProfileDiffParams(model="orders"), ctx) == Estimate("orders", 52_000_000, 52_000_000, "catalog",
                                                                       520_000_000)
    assert estimate(ValueDiffParams(model="missing"), crafted.context()) is None  # the check says why itself


# -- a run under a budget ------------------------------------------------------------------------------------
def test_a_run_skips_samples_and_counts_against_its_budget(crafted: Crafted) -> None:
    crafted.create_model("small", ROWS.format(n=100), ROWS.format(n=100), unique_key="id")
    crafted.create_model("big", ROWS.format(n=20_000), ROWS.format(n=20_000).replace("i % 7", "i % 9"),
                         unique_key="id")
    checks = [check_record("small rows", name="small rows", spec=spec_of("value_diff", model="small")),
              check_record("big rows", name="big rows", spec=spec_of("value_diff", model="big")),
              check_record("big profile", name="big profile", spec=spec_of("profile_diff", model="big")),
              check_record("counts", name="counts", spec=spec_of("row_count_diff", node_names=["big"]))]
    budget = Budget(max_rows=Limit(5_000, "--max-rows"), max_run_rows=Limit(100_000, "--max-run-rows"),
                    sample=True)
    state = run_all(crafted.session(), checks, budget=budget, environ={})
    small, big, profile, counts = state.runs
    assert small.status is RunStatus.SUCCESS and small.result is not None and small.result.sampled is None
    assert big.status is RunStatus.SUCCESS and big.result is not None
    assert big.result.sampled == "a 25% sample of the keys"
    assert "Over budget: big: ~20,000 rows per side, over --max-rows 5,000: sampled 25% of the keys to fit." \
           in big.result.notes
    assert isinstance(big.result, ValueDiffResult) and big.result.mismatch and 4_000 < big.result.in_both < 6_000
    assert profile.status is RunStatus.SKIPPED and profile.error is not None
    assert profile.error.kind == "OverBudget"
    assert profile.error.message == "Not run: big: ~20,000 rows per side, over --max-rows 5,000."
    assert "only value diffs can be sampled" in profile.error.remedy
    assert counts.status is RunStatus.SUCCESS  # a row count is its own estimate
    assert not state.checks[2].approved  # a skip is never a pass
    summary = render_summary(state)
    assert "## Budget and samples" in summary
    assert "- ⏭️ **big profile** skipped: " + md_text(profile.error.message) in summary
    reason = md_text("big: ~20,000 rows per side, over --max-rows 5,000: sampled 25% of the keys to fit")
    assert f"- 🔬 **big rows** read a 25% sample of the keys ({reason}): {md_text(big.result.headline)}" in summary
    assert "- `big` — **category unknown**: no compiled SQL on both sides: run dbt compile or dbt build; " \
           + md_text(big.result.headline) in summary  # what the change means: the sample's figures, said so


def test_the_run_budget_skips_what_earlier_checks_left_no_room_for(crafted: Crafted) -> None:
    crafted.create_model("a", ROWS.format(n=600), ROWS.format(n=600), unique_key="id")
    crafted.create_model("b", ROWS.format(n=600), ROWS.format(n=600), unique_key="id")
    checks = [check_record("a rows", name="a rows", spec=spec_of("value_diff", model="a")),
              check_record("b rows", name="b rows", spec=spec_of("value_diff", model="b"))]
    state = run_all(crafted.session(), checks, budget=Budget(max_run_rows=Limit(1_000, "--max-run-rows")),
                    environ={})
    first, second = state.runs
    assert first.status is RunStatus.SUCCESS and first.result is not None and not first.result.mismatch
    assert second.status is RunStatus.SKIPPED and second.error is not None
    assert second.error.message == ("Not run: b: ~600 rows per side, over --max-run-rows 1,000 (600 used by earlier "
                                    "checks).")
    assert "allow sampling" in second.error.remedy
    assert [c.approved for c in state.checks] == [True, False]
    unlimited = run_all(crafted.session(), checks, environ={})
    assert [r.status for r in unlimited.runs] == [RunStatus.SUCCESS, RunStatus.SUCCESS]


def test_a_sample_that_finds_nothing_is_left_to_the_reviewer(crafted: Crafted) -> None:
    crafted.create_model("same", ROWS.format(n=4_000), ROWS.format(n=4_000) + " where true", unique_key="id")
    guard = RunBudget(Budget(max_rows=Limit(1_000, "--max-rows"), sample=True))
    check = check_record("same rows", name="same rows", spec=spec_of("value_diff", model="same"))
    state = run_all(crafted.session(), [check], budget=guard.budget, environ={})
    run, = state.runs
    assert run.result is not None and not run.result.mismatch and not run.result.conclusive
    assert state.checks[0].approved is False
    summary = render_summary(state)
    assert "| 👀 to review | same rows | `value_diff` | no difference in a 25% sample (" in summary
    # no node is verified by a sample that found nothing: Not verified says what the sample saw
    assert "check `same rows` compared only a sample: " + md_text(run.result.headline) in summary
    asked = RunBudget(Budget(max_rows=Limit(1_000, "--max-rows"), sample=True))
    params, note = asked.guard("value_diff", ValueDiffParams(model="same", sample_rows=2_000), crafted.context())
    assert params == ValueDiffParams(model="same", sample=0.25)  # the budget's sample replaces the one asked for
    assert note == ("Over budget: same: ~2,000 rows per side in the 50% sample asked for, over --max-rows 1,000: "
                    "sampled 25% of the keys to fit.")
    assert asked.used == 1_000
    with pytest.raises(OverBudget, match="over --max-rows 1,000"):
        RunBudget(Budget(max_rows=Limit(1_000, "--max-rows"))).guard("value_diff", ValueDiffParams(model="same"),
                                                                     crafted.context())


# -- row filters: the estimate counts what the filtered check reads --------------------------------------------
DATED = ("select i as id, i % 7 as v, cast('2026-01-01' as date) + cast(i as integer) as d "
         "from generate_series(1, {n}) as g(i)")


def test_the_estimate_counts_through_the_check_s_row_filter(crafted: Crafted) -> None:
    crafted.create_model("orders", DATED.format(n=3_000), DATED.format(n=2_500), unique_key="id")
    ctx = crafted.context()
    ctx = replace(ctx, artifacts=_with_catalog_rows(ctx.artifacts, "model.crafted.orders", 52_000_000))
    # a filter: counted (the catalog knows only whole tables), and said so, its catalog size left out
    where = estimate(ValueDiffParams(model="orders", where="id <= 1000"), ctx)
    assert where == Estimate("orders", 1_000, 1_000, "count", filtered="where id <= 1000")
    window = estimate(ProfileDiffParams(model="orders", where="v = 0", since="2026-01-02", until="2026-03-02",
                                        event_time="d"), ctx)
    assert window is not None and (window.base_rows, window.current_rows, window.bytes) == (8, 8, None)
    assert window.filtered == "where v = 0; d >= 2026-01-02 and d < 2026-03-02"
    assert window.described == "orders: ~8 rows per side once filtered (where v = 0; d >= 2026-01-02 and " \
                               "d < 2026-03-02)"
    # no filter, or a window ignored on a model without event_time: the catalog's whole-table figures
    for unfiltered in (ValueDiffParams(model="orders", where=" "),
                       ValueDiffParams(model="orders", since="7d", window_optional=True)):
        assert estimate(unfiltered, ctx) == Estimate("orders", 52_000_000, 52_000_000, "catalog", 520_000_000)
    # a filter the check cannot take: no estimate, the check itself says what is wrong when it runs
    assert estimate(ValueDiffParams(model="orders", since="7d"), ctx) is None
    assert estimate(ValueDiffParams(model="orders", where="id; drop table x"), ctx) is None


def test_a_check_over_budget_runs_once_its_filter_brings_it_under(crafted: Crafted) -> None:
    crafted.create_model("big", DATED.format(n=20_000), DATED.format(n=20_000).replace("i % 7", "i % 9"),
                         unique_key="id")

    def check(name: str, check_type: str, **params: JsonValue) -> CheckRecord:
        return check_record(name, name=name, spec=spec_of(check_type, model="big", **params))

    checks = [check("whole", "value_diff"),
              check("where", "value_diff", where="id <= 2000"),
              check("since", "profile_diff", since="2026-01-02", until="2026-02-01", event_time="d"),
              check("wide", "profile_diff", where="id > 100"),
              check("no event_time", "value_diff", since="2026-01-02")]
    state = run_all(crafted.session(), checks, budget=Budget(max_rows=Limit(5_000, "--max-rows")), environ={})
    whole, where, since, wide, no_event_time = state.runs
    assert whole.status is RunStatus.SKIPPED and whole.error is not None
    assert whole.error.message == "Not run: big: ~20,000 rows per side, over --max-rows 5,000."
    assert "narrow the check with `where:`/`--since`" in whole.error.remedy
    assert where.status is RunStatus.SUCCESS and isinstance(where.result, ValueDiffResult)
    assert where.result.mismatch and where.result.in_both == 2_000 and where.result.sampled is None
    assert since.status is RunStatus.SUCCESS and since.result is not None  # 30 days of rows
    assert wide.status is RunStatus.SKIPPED and wide.error is not None  # still over: said with its filter
    assert wide.error.message == "Not run: big: ~19,900 rows per side once filtered (where id > 100), over " \
                                 "--max-rows 5,000."
    # a window on a model without event_time fails as the check says, not as a budget skip
    assert no_event_time.status is RunStatus.FAILED and no_event_time.error is not None
    assert no_event_time.error.message == ("A time window (since/until) was asked for model 'big', but it has no "
                                           "event_time column.")
    assert "event_time" in no_event_time.error.remedy


# -- spyglass.yml --------------------------------------------------------------------------------------------
def test_the_budget_in_spyglass_yml(tmp_path: Path) -> None:
    (tmp_path / "spyglass.yml").write_text("budget: {max_rows: 1000, sample: true}\nchecks:\n  - type: schema_diff\n")
    presets = load_presets(tmp_path)
    assert presets.budget == Budget(max_rows=Limit(1000, "budget.max_rows in spyglass.yml"), sample=True)
    assert len(presets.checks) == 1
    (tmp_path / "spyglass.yml").write_text("checks: []\n")
    assert load_presets(tmp_path).budget == Budget()
    (tmp_path / "spyglass.yml").write_text("budget: {max_rows: 0, samples: true}\n")
    with pytest.raises(ConfigError) as raised:
        load_presets(tmp_path)
    assert "`budget:` in" in raised.value.message and "max_rows: Input should be greater than or equal to 1" \
        in raised.value.message and "samples: Extra inputs are not permitted" in raised.value.message
    assert "budget: {max_rows:" in raised.value.remedy
