"""Deterministic sampling by key: the same keys on both sides, rates with Wilson intervals (DuckDB and
PostgreSQL; the acceptance test: a known 1% of changed rows, a 10% sample's interval holds 1%)."""

from __future__ import annotations

import math

import pytest
from rich.console import Console

from spyglass.checks.sampling import BUCKETS, SampleInfo, bucket_limit, effective_fraction, share, wilson
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffResult
from spyglass.checks.value_diff.run import run
from spyglass.checks.value_diff.terminal import view
from spyglass.checks.value_diff_detail import ValueDiffDetailParams
from spyglass.checks.value_diff_detail.run import run as run_detail
from spyglass.markup.escape import md_text
from spyglass.pipeline import run_all
from spyglass.report.markdown import render_details, render_summary
from tests.fixtures.warehouses import Crafted
from tests.records import check_record, spec_of

ROWS = 100_000
#: every 100th row changed in current: exactly 1% of the keys
BASE = f"select i as id, 'same' as v, i * 2 as w from generate_series(1, {ROWS}) as g(i)"
CURRENT = (f"select i as id, case when i % 100 = 0 then 'changed' else 'same' end as v, i * 2 as w "
           f"from generate_series(1, {ROWS}) as g(i)")


def test_wilson_matches_the_closed_forms() -> None:
    low, high = wilson(0, 1012)
    assert low == 0.0
    assert high == pytest.approx(1.959963984540054 ** 2 / (1012 + 1.959963984540054 ** 2))  # z²/(n+z²) at 0
    low, high = wilson(1012, 1012)
    assert high == 1.0 and low == pytest.approx(1012 / (1012 + 1.959963984540054 ** 2))
    low, high = wilson(100, 10_000)  # p = 1%: the interval is about p ± 1.96 sqrt(p(1-p)/n), a bit skewed up
    assert low < 0.01 < high
    assert high - low == pytest.approx(2 * 1.96 * math.sqrt(0.01 * 0.99 / 10_000), rel=0.03)
    assert wilson(0, 0) == (0.0, 1.0)


def test_rates_read_as_estimates_never_as_proof() -> None:
    sample = SampleInfo(fraction=0.1)
    assert sample.rate_text(0, 1012) == "0% (0 of 1,012 keys; ≤0.38% at 95%)"
    assert sample.rate_text(101, 10_040) == "1.0% (101 of 10,040 keys; 0.83%-1.2% at 95%)"
    assert sample.described == "a 10% sample of the keys"
    assert [share(r) for r in (0, 0.00001, 0.0038, 0.012, 0.25)] == ["0%", "<0.01%", "0.38%", "1.2%", "25%"]
    assert bucket_limit(1e-9) == 1 and bucket_limit(0.1) == BUCKETS // 10
    assert effective_fraction(0.1234567) == 0.123457


def test_a_ten_percent_sample_of_one_percent_changed_holds_one_percent(crafted: Crafted) -> None:
    crafted.create_model("events", BASE, CURRENT, unique_key="id")
    result = run(ValueDiffParams(model="events", sample=0.1), crafted.context())
    assert result.sample == SampleInfo(fraction=0.1)
    # the same keys on both sides: a sample never makes a key look added or removed
    assert (result.added, result.removed) == (0, 0)
    assert result.base_rows == result.current_rows == result.in_both
    assert 9_000 < result.in_both < 11_000  # about 10% of the keys
    low, high = wilson(result.changed, result.in_both)
    assert low <= 0.01 <= high
    by_name = {c.column: c for c in result.columns}
    assert by_name["v"].mismatched == result.changed and by_name["w"].mismatched == 0
    assert result.mismatch and result.conclusive  # a difference seen in a sample is a difference
    rate = share(result.changed / result.in_both)
    assert result.headline.startswith(f"in a 10% sample: 0 added, 0 removed, changed {rate} "
                                      f"({result.changed:,} of {result.in_both:,} keys; ")
    details = render_details(result)
    assert "**Sampled: 10% of the keys**" in details and "v mismatched: " in details
    console = Console(width=200, record=True)
    for renderable in view(result):
        console.print(renderable)
    printed = console.export_text()
    assert "Sampled: 10% of the keys (the same on both sides)" in printed
    assert result.sample is not None
    assert f"  changed: {result.sample.rate_text(result.changed, result.in_both, 'keys in both')}" in printed
    again = run(ValueDiffParams(model="events", sample=0.1), crafted.context())
    assert again == result  # deterministic: the same keys every run
    whole = run(ValueDiffParams(model="events"), crafted.context())
    assert (whole.changed, whole.in_both, whole.sample) == (1_000, ROWS, None)


def test_a_sample_without_difference_is_no_proof(crafted: Crafted) -> None:
    crafted.create_model("same", BASE, BASE, unique_key="id")
    result = run(ValueDiffParams(model="same", sample_rows=1_000), crafted.context())
    assert result.sample is not None and result.sample.fraction == 0.01
    assert not result.mismatch and not result.conclusive  # "to review", never auto-approved
    assert 800 < result.in_both < 1_200
    assert result.headline == (f"no difference in a 1.0% sample (0 of {result.in_both:,} keys; "
                               f"≤{share(wilson(0, result.in_both)[1])} at 95%)")
    assert "no difference in a sample is not proof of none" in render_details(result)
    assert ValueDiffResult.model_validate_json(result.model_dump_json()) == result
    check = check_record("s", name="same sample", spec=spec_of("value_diff", model="same", sample_rows=1_000))
    state = run_all(crafted.session(), [check], environ={})
    assert state.runs[0].result == result and not state.checks[0].approved
    assert f"- 🔬 **same sample** read a 1.0% sample of the keys (asked for): {md_text(result.headline)}" \
        in render_summary(state)


def test_sampling_keeps_added_and_removed_keys_consistently(crafted: Crafted) -> None:
    base = "select i as id, i as v from generate_series(1, 20000) as g(i)"
    current = "select i as id, i as v from generate_series(10001, 30000) as g(i)"  # half removed, half added
    crafted.create_model("shifted", base, current, unique_key="id")
    result = run(ValueDiffParams(model="shifted", sample=0.25, segments=False), crafted.context())
    whole = run(ValueDiffParams(model="shifted", segments=False), crafted.context())
    assert (whole.added, whole.removed, whole.in_both) == (10_000, 10_000, 10_000)
    assert result.in_both + result.removed == result.base_rows and result.in_both + result.added == result.current_rows
    for count in (result.added, result.removed, result.in_both):
        assert 2_000 < count < 3_000
    detail = run_detail(ValueDiffDetailParams(model="shifted", sample=0.25, limit=10), crafted.context())
    assert detail.sample == result.sample and detail.diff.added == result.added
    assert detail.diff.removed == result.removed
    assert any("sample of the keys" in note for note in detail.notes)


def test_a_where_filter_and_a_sample_compose(crafted: Crafted) -> None:
    crafted.create_model("events", BASE, CURRENT, unique_key="id")
    result = run(ValueDiffParams(model="events", sample=0.5, where="id <= 10000"), crafted.context())
    filtered = run(ValueDiffParams(model="events", where="id <= 10000"), crafted.context())
    assert filtered.in_both == 10_000
    assert 4_000 < result.in_both < 6_000 and result.base_rows == result.in_both
