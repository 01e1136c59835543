"""The lineage page in a real Chromium: refit on resize, minimap, node search, zoom to selection on a
1,000-model project, the checklist's badges on the nodes, and a bad selector's error over the graph.

Each test saves a screenshot under ``build/screenshots/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app
from spyglass.server.security import REQUEST_HEADER
from spyglass.service import Session
from tests.browser.conftest import LiveServer, screenshot
from tests.fixtures.big_project import write_big_project
from tests.fixtures.live_server import serve_in_thread

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TRANSFORM = "document.querySelector('svg.graph g.viewport').getAttribute('transform')"
#: the boxes (client pixels) of the canvas and of every drawn node, and the view's scale
GEOMETRY = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  };
  const svg = document.querySelector('svg.graph');
  const nodes = [...document.querySelectorAll('.node')];
  return {svg: box(svg), k: svg.querySelector('g.viewport').transform.baseVal.consolidate().matrix.a,
          nodes: Object.fromEntries(nodes.map((n) => [n.dataset.name, box(n.querySelector(':scope > rect'))]))};
}"""


def _inside(node: dict[str, float], area: dict[str, float]) -> bool:
    return (node["left"] >= area["left"] - 0.5 and node["right"] <= area["right"] + 0.5
            and node["top"] >= area["top"] - 0.5 and node["bottom"] <= area["bottom"] + 0.5)


def _open(page: Any, url: str) -> None:
    page.goto(f"{url}/#/lineage")
    page.wait_for_selector(".node")
    page.wait_for_function(f"{TRANSFORM} && {TRANSFORM}.includes('scale')")


def _changed(page: Any, before: str) -> None:
    page.wait_for_function(f"(b) => {TRANSFORM} !== b", arg=before)


def test_resize_refits_unless_the_user_zoomed(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url)
    first = page.evaluate(GEOMETRY)
    assert all(_inside(box, first["svg"]) for box in first["nodes"].values())
    before = page.evaluate(TRANSFORM)
    page.set_viewport_size({"width": 1024, "height": 640})
    _changed(page, before)
    smaller = page.evaluate(GEOMETRY)
    assert smaller["svg"]["right"] < first["svg"]["right"]
    assert all(_inside(box, smaller["svg"]) for box in smaller["nodes"].values()), smaller
    screenshot(page, "lineage-resized")
    # once the user zoomed, a resize keeps their zoom (and the point at the centre)
    before = page.evaluate(TRANSFORM)
    page.mouse.move(500, 400)
    page.mouse.wheel(0, -300)
    _changed(page, before)
    zoomed = page.evaluate(GEOMETRY)["k"]
    before = page.evaluate(TRANSFORM)
    page.set_viewport_size({"width": 1280, "height": 800})
    _changed(page, before)
    assert page.evaluate(GEOMETRY)["k"] == pytest.approx(zoomed)
    page.click("button[title=Fit]")  # back to fitting: the next resize fits again
    before = page.evaluate(TRANSFORM)
    page.set_viewport_size({"width": 1100, "height": 700})
    _changed(page, before)
    fitted = page.evaluate(GEOMETRY)
    assert all(_inside(box, fitted["svg"]) for box in fitted["nodes"].values())


def test_minimap_shows_the_view_and_a_click_pans(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url)
    minimap = page.locator("#minimap")
    assert minimap.is_visible()
    area = minimap.bounding_box()
    frame = page.locator("#minimap .minimap-frame").bounding_box()
    assert frame["width"] > 2 and frame["height"] > 2
    assert area["x"] - 1 <= frame["x"] and frame["x"] + frame["width"] <= area["x"] + area["width"] + 1
    page.locator(".zoom-controls button[title='Zoom in']").click(click_count=3)  # the view shows a part only
    page.wait_for_timeout(100)
    framed = page.locator("#minimap .minimap-frame").bounding_box()
    assert framed["width"] < frame["width"] or framed["height"] < frame["height"]
    before = page.evaluate(TRANSFORM)
    page.mouse.click(area["x"] + area["width"] - 4, area["y"] + area["height"] / 2)  # the far right of the graph
    _changed(page, before)
    moved = page.locator("#minimap .minimap-frame").bounding_box()
    assert moved["x"] > framed["x"]  # the frame followed to the right
    screenshot(page, "lineage-minimap")


def test_find_a_node_jumps_and_highlights(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url)
    page.locator(".zoom-controls button[title='Zoom in']").click(click_count=2)
    search = page.get_by_label("Find a node")
    search.fill("orders")
    count = page.locator("#node-search-count")
    page.wait_for_function("document.querySelector('#node-search-count').textContent.includes('matches')")
    total = int(count.inner_text().split(" of ")[1].split()[0])
    assert count.inner_text().startswith("1 of ") and total >= 2
    hit = page.locator(".node.search-hit")
    assert hit.count() == 1 and "orders" in (hit.get_attribute("data-name") or "")
    assert page.locator(".node.search-match").count() == total - 1
    first = hit.get_attribute("data-name")
    _assert_centred(page, first)
    screenshot(page, "lineage-search")
    search.press("Enter")
    page.wait_for_function("document.querySelector('#node-search-count').textContent.startsWith('2 of')")
    second = page.locator(".node.search-hit").get_attribute("data-name")
    assert second != first and "orders" in (second or "")
    _assert_centred(page, second)
    page.locator("svg.graph").click(position={"x": 5, "y": 5})  # focus elsewhere: "/" comes back to the box
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "node-search"
    search.fill("no_such_model")
    page.wait_for_function("document.querySelector('#node-search-count').textContent.includes('no node named')")
    assert "no_such_model" in count.inner_text() and page.locator(".node.search-hit").count() == 0


def _assert_centred(page: Any, name: str | None) -> None:
    geometry = page.evaluate(GEOMETRY)
    box, svg = geometry["nodes"][name], geometry["svg"]
    assert (box["left"] + box["right"]) / 2 == pytest.approx((svg["left"] + svg["right"]) / 2, abs=2)
    assert (box["top"] + box["bottom"]) / 2 == pytest.approx((svg["top"] + svg["bottom"]) / 2, abs=2)


def test_bad_selector_error_leaves_the_graph_in_place(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url)
    top = page.locator("#graph").bounding_box()["y"]
    page.fill("#selector", "state:")
    page.click("button:has-text('Select')")
    error = page.locator("#select-message .error-box")
    error.wait_for()
    assert page.locator("#graph").bounding_box()["y"] == top
    shown = error.bounding_box()
    assert shown["y"] >= top and shown["height"] > 10  # over the graph, readable
    screenshot(page, "lineage-selector-error")
    page.fill("#selector", "fct_orders+")  # typing again clears it
    assert error.count() == 0


def _run_as_check(url: str, spec: dict[str, Any]) -> dict[str, Any]:
    headers = {REQUEST_HEADER: "1"}
    run_id = httpx.post(f"{url}/api/runs", json={"spec": spec}, headers=headers).json()["run_id"]
    view = httpx.get(f"{url}/api/runs/{run_id}/wait", params={"timeout": 60}, headers=headers, timeout=90).json()
    assert view["status"] == "success", view
    assert httpx.post(f"{url}/api/checks", json={"run_id": run_id}, headers=headers).status_code == 201
    return view  # type: ignore[no-any-return]


def test_check_badges_on_the_nodes(page: Any, live_server: LiveServer) -> None:
    view = _run_as_check(live_server.url, {"type": "row_count_diff", "params": {"select": "state:modified+"}})
    _open(page, live_server.url)
    badges = page.locator(".node .check-badge")
    assert badges.count() >= 1
    for row in view["result"]["rows"]:
        base, current = row["base"]["count"], row["current"]["count"]
        if base and current is not None and base != current:
            badge = page.locator(f'.node[data-name="{row["name"]}"] .check-badge')
            assert badge.locator("text").text_content() == f"{(current - base) * 100 / base:+.1f}% rows"
            assert "tone-changed" in (badge.get_attribute("class") or "")
            # the pill sits inside the node's width, on its top border
            node = page.locator(f'.node[data-name="{row["name"]}"] > rect').bounding_box()
            pill = badge.locator("rect").bounding_box()
            assert node["x"] <= pill["x"] and pill["x"] + pill["width"] <= node["x"] + node["width"]
            assert pill["y"] < node["y"] < pill["y"] + pill["height"]
    screenshot(page, "lineage-badges")



def test_a_check_added_from_the_panel_badges_its_node_at_once(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url)
    node = page.locator('.node[data-name="fct_orders"]')
    assert node.locator(".check-badge").count() == 0  # an empty checklist: no badge
    node.click()
    page.wait_for_selector("#schema-diff")
    page.click("#run-row-count")
    card = page.locator("#run-output .run-card.run-success")
    card.wait_for(timeout=60_000)
    card.locator("button.add-check").click()
    # no reload: the panel tells the page, which asks the server for the badges again
    node.locator(".check-badge").wait_for()
    assert node.locator(".check-badge text").text_content() == "-5.0% rows"  # 10,000 -> 9,500 rows

# -- a generated 1,000-model project ----------------------------------------------------------------------
@pytest.fixture
def big_server(tmp_path: Path) -> Iterator[str]:
    session = Session.load(write_big_project(tmp_path / "big"))
    config = ServerConfig(reload_interval=1.0)
    app = build_app(session, tmp_path / "state.json", config=config, environ=dict(os.environ))
    try:
        with serve_in_thread(app, config) as url:
            yield url
    finally:
        session.close()


#: a node near the graph's middle and the 7 drawn nearest to it (layout distance)
NEIGHBOURS = """() => {
  const at = (n) => ({name: n.dataset.name, x: n.transform.baseVal[0].matrix.e, y: n.transform.baseVal[0].matrix.f});
  const nodes = [...document.querySelectorAll('.node')].map(at);
  const mid = nodes[Math.floor(nodes.length / 2)];
  const d = (n) => Math.hypot(n.x - mid.x, (n.y - mid.y) * 3);
  return nodes.sort((a, b) => d(a) - d(b)).slice(0, 8).map((n) => n.name);
}"""


def test_zoom_to_selection_on_a_thousand_models(page: Any, big_server: str) -> None:
    _open(page, big_server)
    page.check("#show-all")
    page.wait_for_function("document.querySelectorAll('.node').length >= 1000")
    page.wait_for_function(f"{TRANSFORM} && {TRANSFORM}.includes('scale')")
    whole = page.evaluate(GEOMETRY)
    assert all(_inside(box, whole["svg"]) for box in whole["nodes"].values())  # a fit shows everything
    names = page.evaluate(NEIGHBOURS)
    page.fill("#selector", " ".join(names))
    page.click("button:has-text('Select')")
    page.wait_for_selector("#select-message:has-text('8 node(s) selected')")
    page.wait_for_function("document.querySelectorAll('.node.selected').length === 8")
    page.wait_for_function(f"{TRANSFORM} && {TRANSFORM}.includes('scale')")
    page.wait_for_timeout(100)
    zoomed = page.evaluate(GEOMETRY)
    assert zoomed["k"] > 4 * whole["k"]
    for name in names:
        box = zoomed["nodes"][name]
        assert _inside(box, zoomed["svg"]), name
        assert box["right"] - box["left"] >= 100  # readable, not a speck
    screenshot(page, "lineage-zoom-selection")
    page.click("button[title=Fit]")
    page.wait_for_function(f"(k) => ({GEOMETRY})().k < k", arg=zoomed["k"])
    page.click("#zoom-selection")
    page.wait_for_function(f"(k) => Math.abs(({GEOMETRY})().k - k) < 1e-6", arg=zoomed["k"])
    # "Find a node" among a thousand
    page.get_by_label("Find a node").fill(names[0])
    page.wait_for_selector(f'.node.search-hit[data-name="{names[0]}"]')
    _assert_centred(page, names[0])
