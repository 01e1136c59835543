"""The demo's summary explains each change of the change set and lists what its checks left unverified
(the demo built with real dbt-duckdb, its own spyglass.yml checks run as `spyglass run` runs them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spyglass.checks.presets import load_presets
from spyglass.demo import DemoPaths
from spyglass.demo.changeset import (
    ADDED_MODELS,
    CATEGORIES,
    FILTERED_MODEL,
    MODIFIED_MODELS,
    REMOVED_MODELS,
    UNVERIFIED_MODELS,
)
from spyglass.pipeline import checks_from_presets, run_all
from spyglass.report.markdown import render_summary
from spyglass.service import Session
from spyglass.state.models import State

pytestmark = pytest.mark.slow


@pytest.fixture
def state(demo_build: DemoPaths) -> Iterator[State]:
    session = Session.load(demo_build.settings)
    try:
        presets = load_presets(demo_build.project_dir).checks
        yield run_all(session, checks_from_presets(presets), environ={})
    finally:
        session.close()


def _lines(summary: str, start: str, end: str) -> dict[str, str]:
    """The section's list items by the model they start with."""
    section = summary[summary.index(start):summary.index(end)]
    return {line.split("`")[1]: line for line in section.splitlines() if line.startswith("- `")}


def test_every_modified_model_has_the_category_a_reviewer_would_give(state: State) -> None:
    assert state.lineage is not None and state.lineage.analysed
    categories = {n.name: n.category for n in state.lineage.nodes if n.change == "modified"}
    assert categories == CATEGORIES and set(CATEGORIES) == MODIFIED_MODELS


def test_the_summary_explains_each_change_with_its_data(state: State, demo_build: DemoPaths) -> None:
    summary = render_summary(state)
    lines = _lines(summary, "## What the change means", "## Not verified")

    assert set(lines) == MODIFIED_MODELS | ADDED_MODELS | REMOVED_MODELS
    removed = demo_build.rows // 20  # every 20th order is cancelled, and the new filter drops them
    filtered = lines[FILTERED_MODEL]
    assert filtered.startswith(f"- `{FILTERED_MODEL}` — **breaking**: new filter `")
    assert f"; {removed:,} of {demo_build.rows:,} rows removed, all with `status = 'cancelled'`;" in filtered
    assert "impacts `country_summary`, `daily_revenue`, `dim_customers`, `product_sales`" in filtered
    assert lines["stg_payments"].startswith("- `stg_payments` — **partial breaking**: columns modified: amount;")
    assert "`fct_orders` (1 of 8 columns)" in lines["stg_payments"]
    assert lines["stg_customers"].endswith("impacts nothing downstream")  # nothing downstream reads email
    assert lines["dim_customers"].startswith("- `dim_customers` — **non-breaking**: columns added:")
    assert lines["payment_method_summary"] == "- `payment_method_summary` — **added**; 5 rows"
    assert lines["customer_segments"] == "- `customer_segments` — **removed**"


def test_the_not_verified_list_names_the_views_no_value_diff_compared(state: State) -> None:
    summary = render_summary(state)
    lines = _lines(summary, "## Not verified", "## Environments")

    assert tuple(sorted(lines)) == UNVERIFIED_MODELS
    for name in UNVERIFIED_MODELS:
        assert lines[name].startswith(f"- `{name}` (partial breaking, view) — no value diff compared its values")
        assert lines[name].endswith("; only its rows were counted")
