"""Session: the lineage summary a state keeps carries the change analysis and the run's selection, a run
records the changed nodes its check was about, and the summary rendered from the state alone explains the
changes and lists what no check verified. Real DuckDB and PostgreSQL tables."""

from __future__ import annotations

from spyglass.checks.presets import PresetCheck
from spyglass.checks.registry import parse_spec
from spyglass.checks.scope import NodeSelection
from spyglass.pipeline import checks_from_presets, run_all
from spyglass.report.markdown import render_summary
from spyglass.state.models import RunStatus
from tests.fixtures.warehouses import Crafted

ORDERS_BASE = "select * from (values (1, 'placed'), (2, 'returned'), (3, 'placed')) as t(id, status)"
ORDERS_CURRENT = "select * from (values (1, 'placed'), (3, 'placed')) as t(id, status)"
ITEMS_BASE = "select * from (values (1, 10), (2, 20)) as t(id, price)"
ITEMS_CURRENT = "select * from (values (1, 10), (2, 25)) as t(id, price)"


def _shop(crafted: Crafted) -> None:
    crafted.create_model("orders", ORDERS_BASE, ORDERS_CURRENT, unique_key="id")
    crafted.create_model("items", ITEMS_BASE, ITEMS_CURRENT)  # no key declared
    crafted.create_model("kept", ITEMS_BASE, ITEMS_BASE)


def test_a_run_records_the_changed_nodes_its_check_was_about(crafted: Crafted) -> None:
    _shop(crafted)
    session = crafted.session()

    counts = session.run_check(parse_spec("row_count_diff", {}))
    values = session.run_check(parse_spec("value_diff", {"model": "items"}))
    unchanged = session.run_check(parse_spec("row_count_diff", {"node_names": ["kept"]}))

    assert counts.status is RunStatus.SUCCESS and counts.node_ids == ["model.crafted.items", "model.crafted.orders"]
    assert values.status is RunStatus.FAILED and values.node_ids == ["model.crafted.items"]
    assert unchanged.node_ids == []  # only changed and impacted nodes are recorded


def test_the_lineage_summary_carries_the_analysis_and_marks_nodes_outside_the_selection(crafted: Crafted) -> None:
    _shop(crafted)
    session = crafted.session()

    summary = session.lineage_summary(selection=NodeSelection.parse(["orders"]))

    assert summary.analysed and summary.selection == "--select orders"
    nodes = {node.name: node for node in summary.nodes}
    assert set(nodes) == {"orders", "items"}
    assert (nodes["orders"].change, nodes["orders"].selected, nodes["orders"].primary_key) == ("modified", True, ["id"])
    assert (nodes["items"].change, nodes["items"].selected, nodes["items"].primary_key) == ("modified", False, [])
    assert nodes["orders"].category is not None and nodes["orders"].built is True
    assert session.lineage_summary().selection is None
    assert all(node.selected for node in session.lineage_summary().nodes)


def test_the_summary_of_a_run_explains_each_change_and_what_no_check_verified(crafted: Crafted) -> None:
    _shop(crafted)
    session = crafted.session()
    presets = [PresetCheck(parse_spec("value_diff", {"model": "orders"}), name="Order values"),
               PresetCheck(parse_spec("value_diff", {"model": "items"}), name="Item values")]

    state = run_all(session, checks_from_presets(presets), environ={})
    summary = render_summary(state)

    meaning = summary[summary.index("## What the change means"):summary.index("## Not verified")]
    assert "- `orders` — **" in meaning and "1 of 3 rows removed" in meaning
    assert "- `items` — **" in meaning
    missing = summary[summary.index("## Not verified"):summary.index("## Checks")]
    assert "- `orders`" not in missing
    assert "- `items` (" in missing and "check `Item values` failed: No primary key given" in missing
    assert render_summary(state) == summary
