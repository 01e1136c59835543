"""The result views as a reviewer reads them, in a real Chromium against the real server over the demo.

The demo drops cancelled orders from ``fct_orders`` (10,000 → 9,500 rows) and stops counting coupons as
revenue (500 amounts change): a profile whose row count changed, a top-k with fewer values than K, a
histogram with differing bins and a value diff with one mismatching column.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

STATISTICS = ["row_count", "nulls", "distinct", "unique", "min", "max", "avg", "median"]


def _open(page: Any, url: str, node: str) -> None:
    page.goto(f"{url}/#/lineage")
    page.click(f'.node[data-name="{node}"]')
    page.locator("#run-profile").wait_for()


def _run(page: Any, button: str) -> Any:
    page.locator("#run-output").evaluate("el => el.replaceChildren()")
    page.click(button)
    card = page.locator("#run-output .run-card")
    card.wait_for(timeout=60_000)
    return card


def _shot(page: Any, card: Any, name: str) -> None:
    card.evaluate("(el) => el.scrollIntoView({ block: 'start' })")
    screenshot(page, name)


def _one_verdict(card: Any, verdict: str) -> None:
    badges = card.locator("header .badge")
    assert badges.count() == 1 and badges.inner_text() == verdict
    assert card.locator(".headline").count() <= 1  # one headline
    assert "`" not in card.inner_text() and "CheckSkipped" not in card.inner_text()


def _profile(page: Any) -> None:
    card = _run(page, "#run-profile")
    _one_verdict(card, "mismatch")
    assert card.locator(".headline").inner_text() == "7 of 8 columns differ; row count 10,000 → 9,500"
    rows = card.locator("table.profile-table tbody tr")
    assert rows.count() == 8  # one row per column
    assert card.locator(".count-only-line").inner_text().startswith("Row count 10,000 → 9,500 in every column")
    # order_date differs only by the row count: nothing of it highlighted, its count shown muted
    order_date = card.locator('tr[data-column="order_date"]')
    assert order_date.locator(".cell-diff").count() == 0
    assert "col-differs" not in (order_date.get_attribute("class") or "")
    assert order_date.locator('td.count-only[data-stat="row_count"]').count() == 1
    # the highlighted cells are exactly the statistics whose figures differ (besides the row count)
    highlighted = page.evaluate("""() => [...document.querySelectorAll('.profile-table tbody tr')].map((tr) =>
        [tr.dataset.column, [...tr.querySelectorAll('td.cell-diff')].map((td) => td.dataset.stat)])""")
    assert dict(highlighted)["order_id"] == ["distinct", "max", "avg", "median"]
    assert dict(highlighted)["quantity"] == ["avg"]
    assert dict(highlighted)["status"] == ["distinct", "min"]
    # numbers in one format: a numeric min/max is grouped like the counts
    order_id_max = card.locator('tr[data-column="order_id"] td[data-stat="max"]').inner_text()
    assert order_id_max.split() == ["10,000", "→", "9,999"]
    assert not re.search(r"\b\d{5,}\b", card.locator("table.profile-table").inner_text())
    _shot(page, card, "result-profile")


def _top_k(page: Any) -> None:
    page.select_option("#column-select", "status")
    card = _run(page, "#run-top-k")
    _one_verdict(card, "mismatch")
    assert card.locator("figure.topk figcaption").inner_text() == "Top 5 of status (all values)"
    rows = card.locator("table.topk-table tbody tr")
    assert rows.count() == 5
    cancelled = card.locator("table.topk-table tbody tr", has_text="cancelled")
    assert cancelled.locator(".bar-cell-base").inner_text().split() == ["500", "5%"]
    assert cancelled.locator(".bar-cell-current").inner_text().split() == ["0", "0%"]
    completed = card.locator("table.topk-table tbody tr", has_text="completed")
    assert completed.locator(".bar-cell-current").inner_text().split() == ["5,000", "52.6%"]
    # the two bars of a row sit side by side
    base_box = completed.locator(".bar-cell-base .bar-track").bounding_box()
    current_box = completed.locator(".bar-cell-current .bar-track").bounding_box()
    assert base_box["x"] + base_box["width"] <= current_box["x"] and abs(base_box["y"] - current_box["y"]) < 2
    _shot(page, card, "result-topk")


def _histogram(page: Any) -> None:
    page.select_option("#column-select", "amount")
    card = _run(page, "#run-histogram")
    _one_verdict(card, "mismatch")
    headline = card.locator(".headline").inner_text()
    differing = int(headline.split(" of ")[0])
    bins = card.locator("svg g.bin")
    marked = card.locator("svg g.bin-differs")
    assert bins.count() > differing > 0 and marked.count() == differing
    assert marked.locator(".bin-marker").count() == differing
    # base and current overlaid: both bars of a bin share its x
    first = marked.first
    assert first.locator(".bar-base").get_attribute("x") == first.locator(".bar-current").get_attribute("x")
    listed = card.locator(".differing-bins").inner_text()
    assert listed.startswith(f"Bins that differ ({differing} of {bins.count()})") and "→" in listed
    assert "bin differs" in card.locator(".chart-legend").inner_text()
    _shot(page, card, "result-histogram")


def test_profile_top_k_and_histogram_views(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url, "fct_orders")
    _profile(page)
    _top_k(page)
    _histogram(page)


def test_value_diff_table_fits_sorts_copies_and_drills(page: Any, live_server: LiveServer) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    _open(page, live_server.url, "fct_orders")
    page.fill("#pk-input", "order_id")
    card = _run(page, "#run-value-diff")
    _one_verdict(card, "mismatch")
    wrap = card.locator(".value-columns-wrap")
    for width in (1440, 1024):  # the panel is narrower on a smaller window
        page.set_viewport_size({"width": width, "height": 900})
        fits = wrap.evaluate("""(el) => {
            const table = el.querySelector('table.value-columns');
            const cells = [...table.querySelectorAll('th, td')].filter((c) => c.scrollWidth > c.clientWidth);
            return [el.scrollWidth, el.clientWidth, table.getBoundingClientRect().right,
                    el.getBoundingClientRect().right, cells.length];
        }""")
        assert fits[0] <= fits[1] and fits[2] <= fits[3] + 0.5 and fits[4] == 0, (width, fits)
    page.set_viewport_size({"width": 1440, "height": 900})
    headers = card.locator("table.value-columns thead th").all_inner_texts()
    assert [h.strip() for h in headers] == ["Column", "Differing", "Matched %", "Example key"]

    card.locator("th.col-matched-p button.sort").click()
    names = card.locator("table.value-columns tbody td.col-name").all_inner_texts()
    assert names[0] == "amount"  # the lowest match first
    assert card.locator("th.col-matched-p").get_attribute("aria-sort") == "ascending"
    card.locator("th.col-matched-p button.sort").click()
    assert card.locator("table.value-columns tbody td.col-name").all_inner_texts()[-1] == "amount"
    assert card.locator("th.col-matched-p").get_attribute("aria-sort") == "descending"

    card.locator("button.copy-table").click()
    page.wait_for_selector("button.copy-table:has-text('Copied')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    lines = copied.split("\n")
    assert lines[0].split("\t")[:5] == ["column", "base_type", "current_type", "matched", "mismatched"]
    assert "amount\tDECIMAL(38,2)\tDECIMAL(38,2)\t9000\t500\t94.74\t10" in lines

    drill = card.locator('tr[data-column="amount"] button.drill')
    assert drill.inner_text() == "500"
    assert card.locator('tr[data-column="status"] button.drill').count() == 0  # nothing to open
    drill.click()
    rows = card.locator(".drill-area table.drill-table tbody tr")
    rows.first.wait_for(timeout=60_000)
    assert rows.count() == 100  # the first 100, then a button for the rest
    card.locator(".drill-area button.show-all").click()
    assert rows.count() == 500
    assert "500 row(s) where amount differs" in card.locator(".drill-area").inner_text()
    first = rows.first.locator("td").all_inner_texts()
    assert first[0] == "10" and first[1] != first[2]  # the example key, its base and current amounts
    _shot(page, card, "result-value-diff")


def test_a_failed_run_shows_its_message_and_remedy_never_its_class(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    page.evaluate("""async () => {  // the server runs it and fails it; the card shows what it got
        const { runAndWait } = await import('/static/js/api.js');
        const { runCard } = await import('/static/js/results.js');
        const spec = { type: 'value_diff', params: { model: 'fct_orders', primary_key: 'nope' } };
        document.body.append(runCard(await runAndWait(spec)));
    }""")
    card = page.locator(".run-card.run-failed")
    _one_verdict(card, "failed")
    error = card.locator(".error-box")
    assert "The primary key column 'nope' is not in both sides" in error.inner_text()
    assert "Available on both sides" in error.locator(".remedy").inner_text()
    assert "CheckError" not in card.inner_text()


SKIPPED_RUN = {
    "run_id": "r1", "spec": {"type": "value_diff", "params": {"model": "orders"}}, "title": "Value diff of orders",
    "status": "skipped", "started_at": "2026-01-01T00:00:00Z", "ended_at": "2026-01-01T00:00:01Z",
    "headline": "`orders` was not compared", "mismatch": None,
    "error": {"kind": "CheckSkipped", "message": "Not in this run's selection (`tag:finance`).",
              "remedy": "Run it without `--select`."},
}


def test_markdown_in_headlines_and_errors_is_rendered_and_class_names_never_shown(page: Any,
                                                                                    live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    page.evaluate("""async (run) => {
        const { runCard } = await import('/static/js/results.js');
        document.body.append(runCard(run));
    }""", SKIPPED_RUN)
    card = page.locator('.run-card[data-run-id="r1"]')
    _one_verdict(card, "skipped")
    assert card.locator(".headline code").inner_text() == "orders"
    assert card.locator(".error-box strong code").inner_text() == "tag:finance"
    assert card.locator(".error-box .remedy code").inner_text() == "--select"
    assert "`" not in card.inner_text() and "CheckSkipped" not in card.inner_text()
