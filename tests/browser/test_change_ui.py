"""Change intelligence in the UI, in a real Chromium against the real server over the demo project.

The demo's change set: ``fct_orders`` gains a row filter (breaking), ``stg_payments`` changes how
``amount`` is made (partial breaking), ``stg_customers`` drops ``email``. Raw models and seeds sit
upstream of every change: nothing can affect them.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _classes(page: Any, selector: str) -> set[str]:
    return set((page.locator(selector).get_attribute("class") or "").split())


def _node(page: Any, name: str) -> set[str]:
    """The classes of a graph node."""
    return _classes(page, f'.node[data-name="{name}"]')


def _row(page: Any, column: str) -> set[str]:
    """The classes of a column's row in the panel."""
    return _classes(page, f'#change-columns tr[data-column="{column}"]')


def _open(page: Any, name: str) -> None:
    page.click(f'.node[data-name="{name}"]')
    page.wait_for_selector(f'#node-panel .node-detail h2:text-is("{name}")')
    page.locator("#change-summary").wait_for()


def test_category_reasons_and_a_columns_lineage_on_the_graph(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    assert page.locator('.node[data-name="fct_orders"]').get_attribute("data-category") == "breaking"
    assert page.locator('.node[data-name="fct_orders"] circle.cat-dot.cat-breaking').count() == 1

    _open(page, "fct_orders")
    badge = page.locator("#change-summary .badge.category")
    assert badge.inner_text() == "breaking" and "cat-breaking" in _classes(page, "#change-summary .badge.category")
    reasons = page.locator("#change-reasons li").all_inner_texts()
    assert any("filter" in r and "cancelled" in r for r in reasons), reasons
    assert not any("`" in r for r in reasons), reasons  # Markdown rendered, never raw backticks
    assert page.locator("#change-reasons code").count() >= 1
    assert "dim_customers." in page.locator(".impacted-columns").inner_text()

    _open(page, "stg_payments")
    assert page.locator("#change-summary .badge.category").inner_text() == "partial breaking"
    amount = page.locator('#change-columns tr[data-column="amount"]')
    assert "modified" in amount.inner_text() and "lc-modified" in _row(page, "amount")
    assert "lc-unaffected" in _row(page, "payment_id")

    # the lineage of stg_payments.amount: raw_payments upstream, fct_orders and what reads it downstream
    page.locator('#change-columns button.col-link[data-column="amount"]').click()
    page.locator("#focus-banner").wait_for()
    assert "stg_payments.amount" in page.locator("#focus-banner").inner_text()
    assert "cl-origin" in _node(page, "stg_payments")
    for name in ("fct_orders", "daily_revenue", "dim_customers"):
        assert "cl-downstream" in _node(page, name), name
    assert "cl-off" in _node(page, "stg_customers")  # not on this column's path: dimmed
    assert page.locator(".edge.cl-on").count() >= 3
    details = page.locator("#focus-details")
    assert "raw_payments.amount_cents" in details.locator(".hop-list.upstream").inner_text()
    assert "fct_orders.amount" in details.locator(".hop-list.downstream").inner_text()
    assert "cl-origin" in _row(page, "amount")
    screenshot(page, "column-lineage")

    # a downstream node's panel marks the column on the path; the highlight stays until cleared
    details.locator('.hop-list.downstream button.hop:text-is("fct_orders.amount")').click()
    page.wait_for_selector('#node-panel .node-detail h2:text-is("fct_orders")')
    page.wait_for_selector('#change-columns tr.cl-downstream[data-column="amount"]')
    assert "cl-downstream" in _node(page, "fct_orders")

    page.locator('#change-columns button.col-link[data-column="amount"]').focus()
    page.keyboard.press("Escape")  # the way back, from the keyboard
    page.wait_for_selector("#focus-banner", state="detached")
    assert page.locator(".node.cl-off, .node.cl-origin, .edge.cl-on").count() == 0
    assert page.locator('#change-columns tr.cl-downstream').count() == 0


def test_impact_toggle_dims_what_no_change_can_affect(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    page.check("#show-all")
    page.wait_for_selector('.node[data-name="raw_orders"]')
    toggle = page.locator("#impact-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.focus()
    page.keyboard.press("Enter")  # a real button: the keyboard toggles it too
    page.wait_for_selector("#impact-list")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert "impact-on" in _classes(page, "#graph")
    for name in ("raw_orders", "raw_payments", "stg_products"):
        assert "impact-off" in _node(page, name), name
    for name in ("fct_orders", "stg_payments", "daily_revenue", "dim_customers"):
        assert "impact-off" not in _node(page, name) and "impact-affected" in _node(page, name), name
    listed = page.locator("#impact-list")
    assert listed.locator('li[data-id="model.spyglass_demo.raw_orders"]').count() == 0
    assert "all columns" in listed.locator('li[data-id="model.spyglass_demo.daily_revenue"]').inner_text()
    assert "breaking" in listed.locator('li[data-id="model.spyglass_demo.fct_orders"]').inner_text()
    assert "amount" in listed.locator('li[data-id="model.spyglass_demo.stg_payments"]').inner_text()

    # columns too: the panel of a partly changed model dims its untouched columns
    _open(page, "stg_payments")
    assert "impact-on" in _classes(page, "#node-panel")
    assert "lc-unaffected" in _row(page, "payment_id")
    screenshot(page, "impact")

    page.click("#impact-toggle")
    page.wait_for_selector("#impact-list", state="detached")
    assert page.locator(".node.impact-off").count() == 0
    assert "impact-on" not in _classes(page, "#node-panel")
