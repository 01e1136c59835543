"""Panels, forms and pages in Chromium against the real server over the demo: the node panel's labelled
forms and the reasons its disabled actions give, the panel as a resizable drawer, a result kept across an
artifacts reload, the merge requests page (human times, a state column, the posted state without a
reload) and the checklist's progress and unbroken names.

The demo adds ``payment_method_summary`` and removes ``customer_segments``; every check reads each side of
a model on its own except the value diff, which pairs rows across both sides.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from spyglass.demo import DemoPaths
from spyglass.demo.build import demo_settings
from spyglass.server.security import REQUEST_HEADER
from spyglass.testing.gitlab import FakeGitLab
from tests.browser.conftest import LiveServer, running_server, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HEADERS = {REQUEST_HEADER: "1"}
PROJECT = "data/analytics/shop"
ADDED, REMOVED = "payment_method_summary", "customer_segments"


def _open(page: Any, name: str) -> None:
    page.click(f'.node[data-name="{name}"]')
    page.wait_for_selector(f'#node-panel .node-detail h2:text-is("{name}")')
    page.locator("#diff-forms").wait_for()


def _labels(page: Any) -> list[dict[str, Any]]:
    """Every input and select of the panel's forms with its label's text, visible or not."""
    return list(page.evaluate("""() => [...document.querySelectorAll('#diff-forms input, #diff-forms select')]
      .map((el) => {
        const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
        return { id: el.id, label: label ? label.innerText.trim() : null,
                 visible: Boolean(label && label.getBoundingClientRect().width > 0),
                 names: el.labels ? el.labels.length : 0 };
    })"""))


def _reason(page: Any, button: str) -> str:
    """The visible reason a disabled button gives (its described-by line), after checking its title."""
    locator = page.locator(f"#{button}")
    assert locator.is_disabled(), button
    title = locator.get_attribute("title") or ""
    line = page.locator(f"#{locator.get_attribute('aria-describedby')}")
    assert line.is_visible(), button
    assert line.inner_text() == title, (line.inner_text(), title)
    return title


def test_every_input_is_labelled_and_disabled_actions_say_why(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    _open(page, "dim_customers")
    labels = _labels(page)
    assert {(f["id"], f["label"]) for f in labels} == {("pk-input", "Primary key"), ("column-select", "Column")}
    assert all(f["visible"] and f["names"] == 1 for f in labels), labels
    legends = page.locator("#diff-forms legend").all_inner_texts()
    assert legends == ["Whole model", "Row by row", "One column"]
    # the two boxes showing a key and a column are told apart by their labels, each in its own group
    assert page.locator("#group-value-diff #pk-input").count() == 1
    assert page.locator("#group-column #column-select").count() == 1

    page.fill("#pk-input", "")  # no key typed: the reason before any click, not an error after it
    assert "primary key" in _reason(page, "run-value-diff").lower()
    page.fill("#pk-input", "no_such_column")
    assert "not a column on both sides" in _reason(page, "run-value-diff")
    page.fill("#pk-input", "customer_id")
    assert page.locator("#run-value-diff").is_enabled() and not page.locator("#run-value-diff-reason").is_visible()

    _open(page, REMOVED)
    assert "needs the model on both sides" in _reason(page, "run-value-diff").lower()
    assert "only in base" in page.locator("#run-value-diff-reason").inner_text()
    assert page.locator("#pk-input").is_disabled()
    assert all(f["visible"] for f in _labels(page))

    _open(page, ADDED)
    assert "only in current" in _reason(page, "run-value-diff")
    assert "current's figures alone" in page.locator("#one-side-note").inner_text()
    page.select_option("#column-select", "payment_method")  # a text column cannot be binned
    assert "needs numbers, dates or timestamps" in _reason(page, "run-histogram")
    page.select_option("#column-select", "total_amount")
    assert page.locator("#run-histogram").is_enabled() and page.locator("#run-top-k").is_enabled()
    page.select_option("#column-select", "payment_method")
    page.evaluate("() => document.querySelector('#diff-forms').scrollIntoView({ block: 'center' })")
    screenshot(page, "panel-forms")
    # top-k reads each side on its own: on an added model it runs, on the side that has it
    page.click("#run-top-k")
    card = page.locator("#run-output .run-card.run-success")
    card.wait_for(timeout=60_000)
    assert "bank_transfer" in card.inner_text()


def _panel_width(page: Any) -> float:
    return float(page.evaluate("() => document.querySelector('#node-panel').getBoundingClientRect().width"))


def test_the_panel_is_a_drawer_resized_by_drag_and_keys_and_remembered(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    page.evaluate("() => localStorage.removeItem('spyglass.drawerWidth')")
    _open(page, "fct_orders")
    handle = page.locator("#drawer-handle")
    assert handle.get_attribute("role") == "separator" and handle.get_attribute("aria-orientation") == "vertical"
    before = _panel_width(page)
    page.wait_for_function("() => document.querySelector('#drawer-handle').getAttribute('aria-valuenow')")
    page.evaluate("""() => { window.__refits = 0;
        document.querySelector('#graph').addEventListener('refit', () => { window.__refits += 1; }); }""")
    canvas = page.locator("#graph").bounding_box()["width"]
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 200
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 100, y, steps=5)
    page.mouse.move(x - 200, y, steps=5)
    page.mouse.up()
    after = _panel_width(page)
    assert after == pytest.approx(before + 200, abs=2)
    assert handle.get_attribute("aria-valuenow") == str(round(after))
    assert page.locator("#graph").bounding_box()["width"] == pytest.approx(canvas - 200, abs=3)
    assert page.evaluate("() => window.__refits") == 1  # the graph refits to the narrower canvas
    handle_box = handle.bounding_box()
    panel_box = page.locator("#node-panel").bounding_box()
    assert abs(handle_box["x"] + handle_box["width"] - 3 - panel_box["x"]) <= 4  # the handle sits on its edge
    screenshot(page, "drawer")

    handle.focus()
    page.keyboard.press("ArrowLeft")
    assert _panel_width(page) == pytest.approx(after + 24, abs=2)
    page.keyboard.press("Home")  # the narrowest allowed
    assert _panel_width(page) == pytest.approx(320, abs=1)
    page.mouse.move(handle.bounding_box()["x"] + 3, 400)
    page.mouse.down()
    page.mouse.move(5, 400, steps=4)  # far past the maximum
    page.mouse.up()
    widest = _panel_width(page)
    body = float(page.evaluate("() => document.querySelector('.lineage-body').clientWidth"))
    assert widest == pytest.approx(body * 0.75, abs=2)
    handle.focus()
    page.keyboard.press("ArrowRight")
    remembered = _panel_width(page)
    assert remembered == pytest.approx(widest - 24, abs=2)

    page.reload()
    page.wait_for_selector(".node")
    _open(page, "stg_orders")
    assert _panel_width(page) == pytest.approx(remembered, abs=2)
    page.click("#node-panel button.close")
    assert page.locator("#drawer-handle").is_hidden()


@pytest.fixture
def own_demo(demo_build: DemoPaths, tmp_path: Path) -> Iterator[tuple[LiveServer, DemoPaths]]:
    """A copy of the demo this test may rewrite (the shared build stays read-only), served."""
    directory = tmp_path / "shop"
    shutil.copytree(demo_build.project_dir, directory, ignore=shutil.ignore_patterns("logs"))
    assert demo_build.database is not None
    database = directory / demo_build.database.relative_to(demo_build.project_dir)
    profiles = directory / "profiles.yml"
    profiles.write_text(profiles.read_text().replace(str(demo_build.database), str(database)))
    demo = dataclasses.replace(demo_build, project_dir=directory, profiles_dir=directory, database=database,
                               settings=demo_settings(directory))
    with running_server(demo, tmp_path) as server:
        yield server, demo


def _rewrite_manifest(demo: DemoPaths, change: str | None = None) -> None:
    """Rewrite current's manifest (with a later mtime); ``change``: a node whose SQL gets a comment."""
    path = demo.project_dir / "target" / "manifest.json"
    manifest = json.loads(path.read_text())
    if change is not None:
        manifest["nodes"][change]["raw_code"] += "\n-- reviewed"
    path.write_text(json.dumps(manifest))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def _wait_reloaded(page: Any, count: int) -> None:
    page.wait_for_function("(n) => window.__reloads >= n", arg=count, timeout=30_000)


def test_a_result_stays_open_across_an_artifacts_reload_while_its_node_is_unchanged(
        page: Any, own_demo: tuple[LiveServer, DemoPaths]) -> None:
    server, demo = own_demo
    page.goto(f"{server.url}/#/lineage")
    page.wait_for_selector(".node")
    page.evaluate("""() => { window.__reloads = 0; new MutationObserver(() => {
        const b = document.getElementById('banner'); if (!b.hidden) window.__reloads += 1; })
        .observe(document.getElementById('banner'), { attributes: true }); }""")
    _open(page, "dim_customers")
    page.click("#run-row-count")
    page.locator("#run-output .run-card.run-success").wait_for(timeout=60_000)
    shown = page.locator("#run-output .run-card").inner_text()

    _rewrite_manifest(demo)  # dbt rewrote the artifacts; dim_customers is the same
    _wait_reloaded(page, 1)
    page.wait_for_selector("#kept-note")
    assert page.locator("#node-panel h2").inner_text() == "dim_customers"
    assert page.locator("#run-output .run-card").inner_text() == shown
    assert page.locator("#run-output button.add-check").count() == 1

    page.wait_for_selector("#banner", state="hidden")
    _rewrite_manifest(demo, change="model.spyglass_demo.dim_customers")  # now the node changed
    _wait_reloaded(page, 2)
    page.wait_for_function("() => document.querySelector('#node-panel')?.innerText.includes('-- reviewed')")
    page.wait_for_selector("#node-panel #diff-forms")
    assert page.locator("#kept-note").count() == 0 and page.locator("#run-output .run-card").count() == 0


def _iso(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) - delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_merge_requests_human_times_state_column_and_posted_state(page: Any, live_server: LiveServer,
                                                                   fake_gitlab: FakeGitLab) -> None:
    project = fake_gitlab.world.add_project(PROJECT)
    maria = fake_gitlab.world.add_user("maria")
    fake_gitlab.world.add_member("data", maria, 40)
    first = fake_gitlab.world.add_merge_request(project, maria, title="Revenue excludes refunds", sha="a" * 40)
    second = fake_gitlab.world.add_merge_request(project, maria, title="Old cleanup", sha="b" * 40, state="merged")
    first.updated_at = _iso(timedelta(hours=3, minutes=5))
    second.updated_at = _iso(timedelta(days=2, hours=1))
    answer = httpx.post(f"{live_server.url}/api/gitlab/connect", headers=HEADERS,
                        json={"url": fake_gitlab.url, "project": PROJECT,
                              "token": fake_gitlab.world.add_token(maria, ("api",))})
    assert answer.status_code == 200 and answer.json()["stored"] is True, answer.text

    page.goto(f"{live_server.url}/#/mrs")
    page.wait_for_selector("#mr-table")
    headers = page.locator("#mr-table thead th").all_inner_texts()
    assert "State" not in headers  # opened only: every row is opened
    row = page.locator('#mr-table tr[data-iid="1"]')
    updated = row.locator("td.updated time")
    assert updated.inner_text() == "3 h ago"
    assert updated.get_attribute("title") == f"{first.updated_at[:19].replace('T', ' ')} UTC"

    page.select_option("#mr-state", "all")
    page.wait_for_selector('#mr-table tr[data-iid="2"]')
    headers = page.locator("#mr-table thead th").all_inner_texts()
    assert headers[:3] == ["MR", "Title", "State"]
    states = {iid: page.locator(f'#mr-table tr[data-iid="{iid}"] .mr-state').inner_text() for iid in (1, 2)}
    assert states == {1: "opened", 2: "merged"}
    assert page.locator('#mr-table tr[data-iid="2"] td.updated').inner_text() == "2 d ago"
    row = page.locator('#mr-table tr[data-iid="1"]')
    assert row.locator(".tracking").inner_text().strip() == "not validated"

    row.locator("button.post-summary").click()
    # the server's own tracking text arrives without a reload: posted, at the head commit, linked to the note
    page.wait_for_selector('#mr-table tr[data-iid="1"][data-tracking="summary posted"]')
    page.wait_for_function(
        "() => document.querySelector('#mr-table tr[data-iid=\"1\"] .tracking').innerText.includes('at aaaaaaaa')")
    tracking = row.locator(".tracking a")
    assert tracking.inner_text().startswith("summary posted (note")
    assert "#note_" in (tracking.get_attribute("href") or "")
    assert row.locator("button.post-summary").inner_text() == "Posted ✓"
    assert len(first.notes) == 1
    screenshot(page, "merge-requests")


STG_ORDERS = "model.spyglass_demo.stg_orders"
LONG = "value_diff_of_customer_lifetime_value_by_country_region_segment.and_signup_month"


def _words_broken(page: Any) -> list[str]:
    """Pieces of check names (between spaces and <wbr>) that the browser split over two lines."""
    return list(page.evaluate("""() => {
        const broken = [];
        for (const name of document.querySelectorAll('.check-item .check-name')) {
            for (const node of name.childNodes) {
                if (node.nodeType !== Node.TEXT_NODE) continue;
                let at = 0;
                for (const word of node.textContent.split(' ')) {
                    const range = document.createRange();
                    range.setStart(node, at); range.setEnd(node, at + word.length);
                    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                    if (word && lines.size > 1) broken.push(word);
                    at += word.length + 1;
                }
            }
        }
        return broken;
    }"""))


def test_checklist_progress_and_names_never_broken_mid_word(page: Any, live_server: LiveServer) -> None:
    names = [LONG, "Row count of stg_orders", "Profile of dim_customers", "Top-k of fct_orders.status"]
    ids = []
    for name in names:
        made = httpx.post(f"{live_server.url}/api/checks", headers=HEADERS, json={
            "name": name, "spec": {"type": "row_count_diff", "params": {"node_ids": [STG_ORDERS]}}})
        assert made.status_code == 201, made.text
        ids.append(made.json()["check_id"])
    for check_id in ids[:3]:
        assert httpx.patch(f"{live_server.url}/api/checks/{check_id}", headers=HEADERS,
                           json={"approved": True}).status_code == 200
    page.goto(f"{live_server.url}/#/checks")
    page.wait_for_selector("#check-progress")
    assert page.locator("#progress-text").inner_text() == "3 of 4 approved"
    bar = page.locator("#check-progress [role=progressbar]")
    assert (bar.get_attribute("aria-valuenow"), bar.get_attribute("aria-valuemax")) == ("3", "4")
    fill = page.evaluate("""() => document.querySelector('.progress-fill').getBoundingClientRect().width
        / document.querySelector('.progress-bar').getBoundingClientRect().width""")
    assert fill == pytest.approx(0.75, abs=0.02)

    long_name = page.locator(".check-item .check-name").first
    assert long_name.inner_text() == LONG  # <wbr> adds break chances, no characters
    height = long_name.bounding_box()["height"]
    font = float(page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.check-name')).fontSize)"))
    assert height > 2.5 * font  # it does wrap (more than one line), so where it breaks is tested
    assert _words_broken(page) == []
    wrap = page.evaluate("() => getComputedStyle(document.querySelector('.check-item .check-name')).overflowWrap")
    assert wrap == "normal"
    screenshot(page, "checklist")

    page.locator(".check-item input.approve").nth(3).check()
    page.wait_for_function("() => document.querySelector('#progress-text')?.textContent === '4 of 4 approved'")
    assert "complete" in (page.locator(".progress-fill").get_attribute("class") or "")
