"""The README's screenshots, taken the same way every time over the demo at 1280 x 800.

Each shot is written to ``build/screenshots/readme-NAME.png``; with ``SPYGLASS_UPDATE_SCREENSHOTS=1`` it is
also copied to ``docs/screenshots/NAME.png``, the file the README shows:

    SPYGLASS_UPDATE_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_readme_screenshots.py -p no:cacheprovider

Before each shot the test checks the page shows what the README says it shows.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spyglass.testing.gitlab import FakeGitLab
from tests.browser.conftest import LiveServer, open_tab, screenshot
from tests.browser.ui_pages import connect_gitlab, open_node, run_query_diff, run_value_diff, seed_checks

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}


def _shoot(page: Any, name: str) -> Path:
    """build/screenshots/readme-NAME.png, copied to docs/screenshots/NAME.png when asked to."""
    page.mouse.move(0, 0)  # no hover highlight in the picture
    path = screenshot(page, f"readme-{name}")
    assert path.stat().st_size > 10_000  # a picture of a page, not of a blank one
    if os.environ.get("SPYGLASS_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")
    return path


@pytest.fixture
def light_page(browser: Any) -> Iterator[Any]:
    yield from open_tab(browser, VIEWPORT["width"], VIEWPORT["height"])


@pytest.fixture
def dark_page(browser: Any) -> Iterator[Any]:
    yield from open_tab(browser, VIEWPORT["width"], VIEWPORT["height"], "dark")


def test_readme_lineage_value_diff_and_checklist(light_page: Any, live_server: LiveServer) -> None:
    page = light_page
    assert seed_checks(live_server.url) >= 6
    open_node(page, live_server.url)
    card = run_value_diff(page)
    assert page.locator(".node.open").get_attribute("data-name") == "dim_customers"
    page.locator(".panel").evaluate("(panel) => panel.scrollTo(0, 0)")
    _shoot(page, "lineage")

    card.scroll_into_view_if_needed()
    assert card.locator("tr.changed").count() >= 1  # the per-column table shows the changed columns
    _shoot(page, "value-diff")

    page.goto(f"{live_server.url}/#/checks")
    profile = page.locator(".check-item", has_text="profile")
    profile.first.click()
    page.wait_for_selector("#check-detail .run-card")
    assert page.locator(".check-item").count() >= 6
    _shoot(page, "checklist")


def _to_top(page: Any, selector: str) -> None:
    """Scrolls the element to the top of its scrolling panel."""
    page.locator(selector).first.evaluate("(e) => e.scrollIntoView({ block: 'start' })")


def test_readme_graph_badges_sql_forms_and_query(light_page: Any, live_server: LiveServer) -> None:
    page = light_page
    assert seed_checks(live_server.url) >= 6
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node .check-badge")
    assert page.locator(".node .check-badge").count() >= 5  # each checked node wears its result
    _shoot(page, "lineage-badges")

    open_node(page, live_server.url, "fct_orders")
    assert page.locator(".sql-diff-table tr.diff-add").count() >= 1
    _to_top(page, ".sql-diff")
    _shoot(page, "sql-diff-unified")

    open_node(page, live_server.url, "payment_method_summary")  # added: one-sided actions say why
    page.select_option("#column-select", "payment_method")
    assert page.locator("#run-histogram").is_disabled()
    page.locator("#diff-forms").evaluate("(e) => e.scrollIntoView({ block: 'center' })")
    _shoot(page, "panel-forms")

    card = run_query_diff(page, live_server.url)
    card.locator("input.changed-only").check()
    assert card.locator("td.cell-changed").count() >= 1
    _to_top(page, "#query-output")
    _shoot(page, "query-diff")


def test_readme_gitlab_settings_and_merge_requests(light_page: Any, live_server: LiveServer,
                                                   fake_gitlab: FakeGitLab) -> None:
    page = light_page
    connect_gitlab(page, live_server.url, fake_gitlab)
    assert page.locator("#diag-user").inner_text() == "alice"
    assert page.locator("#diag-role").inner_text() == "Maintainer"
    _shoot(page, "gitlab-settings")

    page.goto(f"{live_server.url}/#/mrs")
    row = page.locator('#mr-table tr[data-iid="1"]')
    row.locator("button.post-summary").click()
    page.wait_for_selector('#mr-table tr[data-iid="1"][data-tracking="summary posted"]')
    assert page.locator("#mr-table tbody tr").count() == 2
    _shoot(page, "merge-requests")


def test_readme_dark_theme(dark_page: Any, live_server: LiveServer) -> None:
    page = dark_page
    assert seed_checks(live_server.url) >= 6
    open_node(page, live_server.url, "fct_orders")
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(247, 248, 250)"  # the dark variables apply, not the light page background
    _shoot(page, "dark")
