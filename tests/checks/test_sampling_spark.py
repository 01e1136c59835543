"""The sampling acceptance test on Spark (local session): a known 1% of changed rows, a 10% sample's
interval holds 1%, and the sample keeps the same keys on both sides (xxhash64, declared in SPARK)."""

from __future__ import annotations

import pytest

from spyglass.checks.sampling import SampleInfo, wilson
from spyglass.checks.value_diff import ValueDiffParams
from spyglass.checks.value_diff.run import run
from tests.fixtures.warehouses import Crafted

ROWS = 100_000
BASE = f"select id, 'same' as v from range(1, {ROWS + 1})"
CURRENT = f"select id, case when id % 100 = 0 then 'changed' else 'same' end as v from range(1, {ROWS + 1})"


@pytest.mark.slow
@pytest.mark.parametrize("engine", [pytest.param("spark", marks=pytest.mark.slow)], indirect=True)
def test_a_ten_percent_sample_of_one_percent_changed_holds_one_percent_on_spark(crafted: Crafted) -> None:
    crafted.create_model("events", BASE, CURRENT, unique_key="id")
    result = run(ValueDiffParams(model="events", sample=0.1, segments=False), crafted.context())
    assert result.sample == SampleInfo(fraction=0.1)
    assert (result.added, result.removed) == (0, 0)  # the same keys on both sides
    assert result.base_rows == result.current_rows == result.in_both
    assert 9_000 < result.in_both < 11_000
    low, high = wilson(result.changed, result.in_both)
    assert low <= 0.01 <= high
    assert {c.column: c.mismatched for c in result.columns} == {"v": result.changed}
