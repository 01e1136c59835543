"""A result kind without a JS view shows its check type's Markdown details (real Chromium, real server).

``simple`` and ``schema_diff`` have no view in results.js: the run card renders the ``details_markdown``
their definitions write, never the raw JSON.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from spyglass.server.security import REQUEST_HEADER
from tests.browser.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _run_check(url: str, body: dict[str, Any]) -> None:
    created = httpx.post(f"{url}/api/checks", json=body, headers={REQUEST_HEADER: "1"})
    assert created.status_code == 201, created.text
    started = httpx.post(f"{url}/api/checks/{created.json()['check_id']}/run", headers={REQUEST_HEADER: "1"})
    assert started.status_code == 202, started.text
    done = httpx.get(f"{url}/api/runs/{started.json()['run_id']}/wait", params={"timeout": 30}, timeout=40).json()
    assert done["status"] == "success", done


def test_kinds_without_a_js_view_show_their_markdown_details(page: Any, live_server: LiveServer) -> None:
    url = live_server.url
    _run_check(url, {"spec": {"type": "simple"}, "name": "Dashboards load", "description": "Open the dashboard."})
    _run_check(url, {"spec": {"type": "schema_diff", "params": {"select": "dim_customers"}}, "name": "Schema"})

    page.goto(f"{url}/#/checks")
    manual = page.locator("#check-detail .run-card .markdown")
    manual.wait_for()
    assert manual.inner_text().startswith("Manual check: Spyglass computes nothing here. A reviewer verifies")
    assert page.locator("#check-detail .badge.review").inner_text() == "a reviewer decides"
    assert page.locator("#check-detail pre.json").count() == 0

    page.click('.check-item:has-text("Schema")')
    table = page.locator("#check-detail .run-card .markdown table.grid")
    table.wait_for()
    assert "Schema diff of dim_customers" in page.locator("#check-detail .run-card .markdown p").first.inner_text()
    added = table.locator("tr", has_text="last_order_date")
    assert added.count() == 1 and "added" in added.inner_text()
    assert page.locator("#check-detail pre.json").count() == 0
    screenshot(page, "details-fallback")
