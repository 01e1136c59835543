"""Put the demo's pages in a state worth looking at: checks in the checklist, GitLab connected, a node open.

Shared by the layout/theme audit (``test_layout_ui.py``) and the README screenshots
(``test_readme_screenshots.py``). Everything goes through the real server's API or the real UI.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from spyglass.server.security import REQUEST_HEADER
from spyglass.testing.gitlab import FakeGitLab

GITLAB_PROJECT = "data/analytics/shop"

# one check of each kind the checklist renders differently
CHECK_SPECS: tuple[dict[str, Any], ...] = (
    {"type": "value_diff", "params": {"model": "fct_orders", "primary_key": "order_id"}},
    {"type": "profile_diff", "params": {"model": "dim_customers"}},
    {"type": "top_k_diff", "params": {"model": "fct_orders", "column_name": "status", "k": 10}},
    {"type": "histogram_diff", "params": {"model": "fct_orders", "column_name": "amount", "num_bins": 20}},
    {"type": "row_count_diff", "params": {"select": "state:modified+"}},
    {"type": "schema_diff", "params": {"select": "state:modified+"}},
)


def seed_checks(url: str) -> int:
    """Add CHECK_SPECS to the checklist and run them all; returns how many checks there are."""
    headers = {REQUEST_HEADER: "1"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for spec in CHECK_SPECS:
            client.post("/api/checks", json={"spec": spec}).raise_for_status()
        runs = client.post("/api/checks/run")
        runs.raise_for_status()
        for run in runs.json():
            client.get(f"/api/runs/{run['run_id']}/wait").raise_for_status()
        listed = client.get("/api/checks")
        listed.raise_for_status()
        return len(listed.json())


def connect_gitlab(page: Any, url: str, fake: FakeGitLab) -> None:
    """A project with two merge requests, connected through the settings page with an ``api`` token."""
    project = fake.world.add_project(GITLAB_PROJECT)
    alice = fake.world.add_user("alice")
    fake.world.add_member("data", alice, 40)
    fake.world.add_merge_request(project, alice, title="Revenue excludes refunds", sha="a" * 40)
    fake.world.add_merge_request(project, alice, title="Add payment method summary", sha="b" * 40)
    token = fake.world.add_token(alice, ("api",), expires_at=date.today() + timedelta(days=90))
    page.goto(f"{url}/#/settings/gitlab")
    page.fill("#gitlab-url", fake.url)
    page.fill("#gitlab-project", GITLAB_PROJECT)
    page.fill("#gitlab-token", token)
    page.click("#connect")
    page.wait_for_selector("#diagnosis")


def open_node(page: Any, url: str, name: str = "dim_customers") -> None:
    """The lineage page with ``name``'s panel open."""
    page.goto(f"{url}/#/lineage")
    page.wait_for_selector(".node")
    page.click(f'.node[data-name="{name}"]')
    page.wait_for_selector("#schema-diff")


def run_value_diff(page: Any) -> Any:
    """Runs the open node's value diff from its panel; returns the finished result card."""
    page.click("#run-value-diff")
    card = page.locator("#run-output .run-card.run-success")
    card.wait_for(timeout=60_000)
    return card


def open_first_check(page: Any, url: str) -> None:
    page.goto(f"{url}/#/checks")
    page.locator(".check-item").first.click()
    page.wait_for_selector("#check-detail .run-card")


def run_query_diff(page: Any, url: str) -> Any:
    """The query page after a query diff of dim_customers by customer_id; returns the result card."""
    page.goto(f"{url}/#/query")
    page.locator("#sql-editor").fill(
        "select customer_id, number_of_orders, lifetime_value from {{ ref('dim_customers') }}")
    page.fill("#query-keys", "customer_id")
    page.click("#run-query")
    card = page.locator("#query-output .run-card.run-success")
    card.wait_for(timeout=60_000)
    return card
