"""What a new user does, in a real Chromium against the real server over the demo project.

Each test saves a screenshot of the page it ends on under ``build/screenshots/``.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from spyglass.demo import DemoPaths
from spyglass.server.security import REQUEST_HEADER
from spyglass.testing.gitlab import FakeGitLab
from tests.browser.conftest import LiveServer, running_server, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PROJECT = "data/analytics/shop"


def test_lineage_value_diff_checklist_approve(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    assert page.locator(".node.node-modified").count() >= 2
    assert page.locator(".node.node-added").count() >= 1 and page.locator(".node.node-removed").count() >= 1
    assert page.locator(".legend").inner_text().count("\n") >= 0 and "Impacted" in page.locator(".legend").inner_text()
    screenshot(page, "lineage")
    # layered layout: every edge goes left to right, from a parent's layer to a later one
    positions = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.node')].map(
        (n) => [n.dataset.name, n.transform.baseVal[0].matrix.e]))""")
    assert positions["stg_orders"] < positions["fct_orders"] < positions["dim_customers"] < positions["country_summary"]
    viewport = page.locator("svg.graph g.viewport")
    before = viewport.get_attribute("transform")
    page.mouse.move(400, 400)
    page.mouse.wheel(0, -300)  # zoom in
    page.wait_for_function("(b) => document.querySelector('svg.graph g.viewport').getAttribute('transform') !== b",
                           arg=before)
    page.click("button[title=Fit]")

    page.click('.node[data-name="dim_customers"]')
    schema = page.locator("#schema-diff")
    schema.wait_for()
    added = schema.locator("tr.col-added")
    assert added.count() == 1 and "last_order_date" in added.inner_text()
    assert page.locator("#pk-input").input_value() == "customer_id"  # prefilled from the unique test
    assert page.locator(".sql-diff-table tr.diff-add, .sql-diff-table tr.diff-changed").count() >= 1
    screenshot(page, "node-panel")

    page.click("#run-value-diff")
    card = page.locator("#run-output .run-card.run-success")
    card.wait_for(timeout=60_000)
    assert "changed" in card.locator(".headline").inner_text()
    assert card.locator("tr.changed").count() >= 1  # columns under 100 % are highlighted
    # where the changes are: the demo changes Spanish customers only
    assert "100% of changed rows (100 of 100) have country_code = 'ES'" in card.locator(".segments").inner_text()
    screenshot(page, "value-diff")
    card.locator("button.add-check").click()
    page.wait_for_selector("button.add-check:has-text('Added')")

    page.goto(f"{live_server.url}/#/checks")
    item = page.locator(".check-item").first
    item.wait_for()
    assert "dim_customers" in item.inner_text()
    page.click("#approve")
    page.wait_for_selector(".check-item input.approve:checked")
    assert page.locator("#check-detail .badge.approved").count() == 1
    assert "null" not in page.locator("#check-detail").inner_text().splitlines()
    screenshot(page, "checklist")
    assert httpx.post(f"{live_server.url}/api/state/save", headers={REQUEST_HEADER: "1"}).status_code == 200
    saved = json.loads(live_server.state_path.read_text())
    assert saved["checks"][0]["approved"] is True and saved["checks"][0]["spec"]["type"] == "value_diff"


def _gitlab_world(fake: FakeGitLab) -> Any:
    project = fake.world.add_project(PROJECT)
    alice = fake.world.add_user("alice")
    fake.world.add_member("data", alice, 40)
    fake.world.add_merge_request(project, alice, title="Revenue excludes refunds", sha="a" * 40)
    fake.world.add_merge_request(project, alice, title="Add payment method summary", sha="b" * 40)
    return alice


def _connect(page: Any, live_server: LiveServer, fake: FakeGitLab, token: str) -> None:
    page.goto(f"{live_server.url}/#/settings/gitlab")
    page.fill("#gitlab-url", fake.url)
    page.fill("#gitlab-project", PROJECT)
    page.fill("#gitlab-token", token)
    page.click("#connect")
    page.wait_for_selector("#diagnosis")


def test_gitlab_connect_with_api_token_then_post_a_summary(page: Any, live_server: LiveServer,
                                                           fake_gitlab: FakeGitLab) -> None:
    alice = _gitlab_world(fake_gitlab)
    token = fake_gitlab.world.add_token(alice, ("api",), expires_at=date.today() + timedelta(days=90))
    _connect(page, live_server, fake_gitlab, token)
    assert "Connected" in page.locator("#connect-result").inner_text()
    assert page.locator("#diag-user").inner_text() == "alice"
    assert page.locator("#diag-role").inner_text() == "Maintainer"
    assert "90 day(s) left" in page.locator("#diag-expiry").inner_text()
    assert "post summaries" in page.locator("#diag-scopes").inner_text()
    assert page.locator("#token-last4").inner_text().endswith(token[-4:])
    assert token not in page.content() and page.locator("#gitlab-token").input_value() == ""
    screenshot(page, "gitlab-settings")

    page.goto(f"{live_server.url}/#/mrs")
    page.wait_for_selector("#mr-table")
    assert page.locator("#mr-table tbody tr").count() == 2
    assert page.locator("#read-only-banner").count() == 0
    row = page.locator('#mr-table tr[data-iid="1"]')
    assert "not validated" in row.locator(".tracking").inner_text()
    row.locator("button.post-summary").click()
    page.wait_for_selector('#mr-table tr[data-iid="1"] button.post-summary:has-text("Posted")')
    assert "summary posted" in row.locator(".tracking").inner_text()
    screenshot(page, "merge-requests")
    notes = fake_gitlab.world.find_project(PROJECT).merge_requests[1].notes  # type: ignore[union-attr]
    assert len(notes) == 1 and "Spyglass" in notes[0].body


def test_gitlab_read_api_token_shows_banner_and_disabled_buttons(page: Any, live_server: LiveServer,
                                                                 fake_gitlab: FakeGitLab) -> None:
    alice = _gitlab_world(fake_gitlab)
    token = fake_gitlab.world.add_token(alice, ("read_api",))
    _connect(page, live_server, fake_gitlab, token)
    problem = page.locator('.problem[data-code="scope_read_only"]')
    assert problem.count() == 1 and "api" in problem.locator(".remedy").inner_text()
    page.goto(f"{live_server.url}/#/mrs")
    banner = page.locator("#read-only-banner")
    banner.wait_for()
    assert "cannot post" in banner.inner_text()
    buttons = page.locator("button.post-summary")
    assert buttons.count() == 2
    for index in range(buttons.count()):
        assert buttons.nth(index).is_disabled()
        assert "read_api" in (buttons.nth(index).get_attribute("title") or "")
    screenshot(page, "merge-requests-read-only")
    assert not [r for r in fake_gitlab.requests if r[0] != "GET"]


def test_gitlab_expired_token_shows_the_remedy(page: Any, live_server: LiveServer, fake_gitlab: FakeGitLab) -> None:
    alice = _gitlab_world(fake_gitlab)
    token = fake_gitlab.world.add_token(alice, ("api",), expires_at=date.today() - timedelta(days=2))
    _connect(page, live_server, fake_gitlab, token)
    assert "Not connected" in page.locator("#connect-result").inner_text()
    problem = page.locator('.problem[data-code="token_expired"]')
    assert problem.count() == 1
    assert problem.locator(".remedy").inner_text().strip()
    assert page.locator("#not-connected").count() == 1
    screenshot(page, "gitlab-expired-token")


def test_protected_server_asks_for_the_token_once(page: Any, demo_build: DemoPaths, tmp_path: Path) -> None:
    token = "browser-access-token"
    with running_server(demo_build, tmp_path, auth_token=token) as server:
        page.goto(f"{server.url}/#/lineage")
        dialog = page.locator("#token-dialog")
        dialog.wait_for(state="visible")
        page.fill("#token-input", token)
        page.click("#token-form button[type=submit]")
        page.wait_for_selector(".node")
        assert page.evaluate("localStorage.getItem('spyglass.authToken')") == token
        page.reload()
        page.wait_for_selector(".node")
        assert not dialog.is_visible()  # asked once: kept in this browser


def test_selector_box_highlights_the_selection(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    page.fill("#selector", "fct_orders+")
    page.click("button:has-text('Select')")
    page.wait_for_selector("#select-message:has-text('selected')")
    selected = {page.locator(".node.selected").nth(i).get_attribute("data-name")
                for i in range(page.locator(".node.selected").count())}
    assert {"fct_orders", "dim_customers", "daily_revenue"} <= selected
    assert "stg_orders" not in selected and page.locator('.node.dim[data-name="stg_orders"]').count() == 1
    page.fill("#selector", "state:")
    page.click("button:has-text('Select')")
    page.wait_for_selector("#select-message .error-box")


def test_page_refreshes_when_dbt_rewrites_the_artifacts(page: Any, demo_build: DemoPaths, tmp_path: Path) -> None:
    targets = tmp_path / "artifacts"
    for name in ("target", "target-base"):
        shutil.copytree(demo_build.settings.resolve(Path(name)), targets / name)
    settings = dataclasses.replace(demo_build.settings, target_path=targets / "target",
                                   target_base_path=targets / "target-base")
    with running_server(dataclasses.replace(demo_build, settings=settings), tmp_path) as server:
        page.goto(f"{server.url}/#/lineage")
        page.wait_for_selector('.node.node-impacted[data-name="country_summary"]')
        manifest_path = targets / "target" / "manifest.json"
        manifest = json.loads(manifest_path.read_text())
        manifest["nodes"]["model.spyglass_demo.country_summary"]["checksum"]["checksum"] = "0" * 64
        manifest_path.write_text(json.dumps(manifest))  # as if `dbt build` ran again with an edit
        page.wait_for_selector('.node.node-modified[data-name="country_summary"]', timeout=20_000)
        assert "reloaded" in page.locator("#banner").inner_text()
        screenshot(page, "lineage-reloaded")


def test_query_diff_highlights_changed_cells(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/query")
    editor = page.locator("#sql-editor")
    editor.wait_for()
    assert "ref('" in editor.input_value()  # starts on a model the change touches
    editor.fill("select customer_id, number_of_orders, lifetime_value from {{ ref('dim_customers') }}")
    page.fill("#query-keys", "customer_id")
    page.click("#run-query")
    card = page.locator("#query-output .run-card.run-success")
    card.wait_for(timeout=60_000)
    assert card.locator("td.cell-changed").count() >= 1
    assert "→" in card.locator("td.cell-changed").first.inner_text()
    page.check("input[name=env][value=current]")  # a plain query on one side
    page.click("#run-query")
    page.wait_for_selector("#query-output .run-card.run-success h4:has-text('Current')")
    screenshot(page, "query")
    page.goto(f"{live_server.url}/#/checks")  # both runs can still become checks
    recent = page.locator("#recent-runs li")
    recent.first.wait_for()
    assert recent.count() == 2
    recent.first.locator("button.add-run").click()
    page.wait_for_selector(".check-item")
    assert page.locator("#recent-runs li").count() == 1
