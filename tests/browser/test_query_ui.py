"""The SQL diff of the node panel, the query page's editor and query-diff grids, and query errors, in a real
Chromium against the real server over the demo project."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot
from tests.browser.ui_pages import open_node

pytestmark = [pytest.mark.slow, pytest.mark.browser]

#: every word of 8+ characters in the SQL diff's code cells: how many distinct line tops its text covers
WORD_LINES = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('.sql-diff-table td.code')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[A-Za-z_][A-Za-z0-9_]{7,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        out.push([m[0], tops.size]);
      }
    }
  }
  return out;
}"""

#: how many code cells wrap onto more than one line (the test is only meaningful if some do)
WRAPPED_CELLS = """() => [...document.querySelectorAll('.sql-diff-table td.code')].filter((td) => {
  const range = document.createRange();
  range.selectNodeContents(td);
  return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1;
}).length"""


def _show(page: Any, selector: str) -> None:
    """Scroll the element to the top of its scrolling panel (for the screenshot)."""
    page.locator(selector).first.evaluate("(e) => e.scrollIntoView({ block: 'start' })")


def _open_node(page: Any, live_server: LiveServer, name: str) -> Any:
    open_node(page, live_server.url, name)
    table = page.locator(".sql-diff-table")
    table.wait_for()
    return table


def test_sql_diff_is_unified_folded_highlighted_and_splits(page: Any, live_server: LiveServer) -> None:
    table = _open_node(page, live_server, "dim_customers")
    assert "unified" in (table.get_attribute("class") or "")
    assert page.locator('.sql-diff button.mode[data-mode="unified"]').get_attribute("aria-pressed") == "true"
    # highlighted: keywords, Jinja
    assert page.locator(".sql-diff-table .tok-keyword").count() >= 10
    assert "{{ ref('fct_orders') }}" in page.locator(".sql-diff-table .tok-jinja").all_inner_texts()
    # the added column: a "+" line; the unchanged run between the two changes is folded
    added = page.locator(".sql-diff-table tr.diff-add")
    assert any("last_order_date" in text for text in added.all_inner_texts())
    fold = page.locator(".sql-diff-table tr.diff-fold").first
    match = re.fullmatch(r"⋯ (\d+) unchanged lines?", fold.inner_text().strip())
    assert match is not None, fold.inner_text()
    hidden = int(match.group(1))
    folds = page.locator(".sql-diff-table tr.diff-fold").count()
    lines = page.locator(".sql-diff-table tr.diff-same").count()
    _show(page, ".sql-diff")
    screenshot(page, "sql-diff-unified")
    fold.locator("button").click()
    assert page.locator(".sql-diff-table tr.diff-fold").count() == folds - 1
    assert page.locator(".sql-diff-table tr.diff-same").count() == lines + hidden
    # side by side: base and current columns, changed lines paired, the expanded run stays open
    page.click('.sql-diff button.mode[data-mode="split"]')
    split = page.locator(".sql-diff-table.split")
    split.wait_for()
    assert split.locator("thead th").all_inner_texts() == ["Base", "Current"]
    assert split.locator("tr.diff-add td.right, tr.diff-changed td.right").count() >= 1
    assert page.locator(".sql-diff-table tr.diff-fold").count() == folds - 1
    _show(page, ".sql-diff")
    screenshot(page, "sql-diff-side-by-side")


def test_sql_diff_never_breaks_a_word(page: Any, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 1024, "height": 800})
    _open_node(page, live_server, "fct_orders")
    page.click('.sql-diff button.mode[data-mode="split"]')
    page.locator(".sql-diff-table.split").wait_for()
    for button in page.locator(".sql-diff-table button.fold").all():
        button.click()  # every line shown
    styles = page.evaluate("""() => [...document.querySelectorAll('.sql-diff-table td.code')].map((td) => {
        const s = getComputedStyle(td); return [s.wordBreak, s.overflowWrap, s.whiteSpace]; })""")
    assert styles and all(s == ["normal", "normal", "pre-wrap"] for s in styles), set(map(tuple, styles))
    assert page.evaluate(WRAPPED_CELLS) >= 1  # the panel is narrow enough that long lines wrap ...
    words = page.evaluate(WORD_LINES)
    assert any(word == "is_incremental" for word, _ in words)
    split = [word for word, tops in words if tops != 1]
    assert not split, f"words broken across lines: {split}"  # ... at spaces, never inside a word


def test_query_editor_highlights_and_stays_in_sync(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/query")
    editor = page.locator("#sql-editor")
    editor.wait_for()
    assert page.locator('label[for="sql-editor"]').inner_text() == "SQL"
    assert page.locator('label[for="query-keys"]').count() == 1
    sql = "select customer_id, 'ES' as c, 42 as n -- why\nfrom {{ ref('dim_customers') }}\nwhere customer_id <= 300"
    editor.fill(sql)
    overlay = page.locator("#sql-editor ~ pre.sql-highlight, pre.sql-highlight").first
    assert overlay.inner_text() == sql
    assert overlay.locator(".tok-keyword").all_inner_texts()[:2] == ["select", "as"]
    assert overlay.locator(".tok-jinja").inner_text() == "{{ ref('dim_customers') }}"
    assert overlay.locator(".tok-string").inner_text() == "'ES'"
    assert overlay.locator(".tok-comment").inner_text() == "-- why"
    assert overlay.locator(".tok-number").all_inner_texts() == ["42", "300"]
    assert editor.evaluate("(e) => getComputedStyle(e).color") == "rgba(0, 0, 0, 0)"  # the text seen is the overlay's
    box, over = editor.bounding_box(), overlay.bounding_box()
    assert all(abs(box[k] - over[k]) < 1 for k in ("x", "y", "width", "height")), (box, over)
    editor.fill("\n".join(f"select {i} as n union all" for i in range(60)) + "\nselect 60")
    editor.evaluate("(e) => { e.scrollTop = 300; e.dispatchEvent(new Event('scroll')); }")
    assert overlay.evaluate("(p) => p.scrollTop") == editor.evaluate("(e) => e.scrollTop") > 0
    # the last line of the overlay sits where the textarea's last line is: same wrapping, same line height
    heights = page.evaluate("""() => [document.querySelector('#sql-editor').scrollHeight,
        document.querySelector('pre.sql-highlight').scrollHeight]""")
    assert abs(heights[0] - heights[1]) <= 1, heights


def _run(page: Any, sql: str, keys: str = "", env: str = "diff") -> Any:
    page.locator("#sql-editor").fill(sql)
    page.check(f"input[name=env][value={env}]")
    if env == "diff":
        page.fill("#query-keys", keys)
        page.locator("#query-keys").dispatch_event("change")
    page.click("#run-query")
    card = page.locator("#query-output .run-card:not(.run-running)")
    card.wait_for(timeout=60_000)
    return card


def test_query_diff_changed_only_and_layouts(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/query")
    page.locator("#sql-editor").wait_for()
    sql = "select customer_id, country_code, lifetime_value from {{ ref('dim_customers') }} where customer_id <= 150"
    card = _run(page, sql)
    assert "run-success" in (card.get_attribute("class") or "")
    merged = card.locator("table.merged tbody tr")  # inline: one table, the rows of one side marked
    total = merged.count()
    marked = card.locator("table.merged tr.row-added, table.merged tr.row-removed").count()
    assert 0 < marked < total
    card.locator("input.changed-only").check()
    assert merged.count() == marked
    assert card.locator("table.merged tbody tr:not(.row-added):not(.row-removed)").count() == 0
    card.locator('button.mode[data-mode="side-by-side"]').click()
    sides = card.locator(".side-by-side .side")
    assert sides.count() == 2 and sides.locator("h4").all_inner_texts()[0].startswith("Base")
    base_rows = sides.nth(0).locator("tbody tr")
    assert base_rows.count() >= 1 and sides.nth(0).locator("tbody tr.row-removed").count() == base_rows.count()
    card.locator("input.changed-only").uncheck()
    assert sides.nth(0).locator("tbody tr").count() > base_rows.count() - 1
    assert sides.nth(0).locator("tbody tr:not(.row-removed)").count() >= 1
    card.locator('button.mode[data-mode="inline"]').click()
    card.locator("input.changed-only").check()
    _show(page, "#query-output")
    screenshot(page, "query-diff")

    keyed = _run(page, sql, keys="customer_id")
    assert keyed.locator("td.cell-changed").count() >= 1 and "→" in keyed.locator("td.cell-changed").first.inner_text()
    columns = keyed.locator("thead th").count()
    keyed.locator('button.mode[data-mode="side-by-side"]').click()
    paired = keyed.locator("table.paired")
    assert paired.locator("th.pair-side").all_inner_texts()[:2] == ["base", "current"]
    changed = paired.locator("td.cell-changed")
    assert changed.count() >= 2 and all("→" not in t for t in changed.all_inner_texts())
    assert "pair-base" in (changed.first.get_attribute("class") or "")
    keyed.locator("input.changed-only").check()  # with a key: the columns without a change go
    assert "country_code" not in paired.locator("thead").inner_text()
    assert "lifetime_value" in paired.locator("thead").inner_text()
    keyed.locator('button.mode[data-mode="inline"]').click()
    assert keyed.locator("thead th").count() < columns


def test_query_errors_say_what_was_refused_and_hide_the_wrapper(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/query")
    page.locator("#sql-editor").wait_for()
    refused = _run(page, "select * from read_csv('/etc/passwd')", env="current")
    text = refused.locator(".error-box").inner_text()
    assert "Spyglass refuses SQL that reads files or the network: read_csv()" in text
    assert "Grant" not in text and "ref()/source()" in text
    assert refused.locator("button.add-check").count() == 0  # a failed run is nothing to keep

    sandboxed = _run(page, "select * from duckdb_extension_repositories()", env="current")
    text = sandboxed.locator(".error-box").inner_text()
    assert "refused to read a file or reach the network" in text and "Grant" not in text

    failed = _run(page, "select cast(full_name as int) as n from {{ ref('dim_customers') }}")
    text = failed.locator(".error-box").inner_text()
    assert "Could not convert string" in text
    for wrapper in ("spyglass_q", "LIMIT", "SELECT * FROM (", "LINE 1"):
        assert wrapper not in text, text
    assert failed.locator("button.add-check").count() == 0
    _show(page, "#query-output")
    screenshot(page, "query-error")

    done = _run(page, "select 1 as one", env="current")
    assert "run-success" in (done.get_attribute("class") or "")
    assert done.locator("button.add-check").count() == 1

