"""The lineage graph never misleads: in real Chromium, no drawn edge passes behind a node it does not
connect. Every node's box is read from the DOM (shrunk by 1 px) and every edge's drawn geometry (its
path data: lines and cubic curves) sampled every 2 px, on the demo (default view and "all nodes"), on a
generated 1,000-model project, on the HTML report, and on random DAGs laid out by the page's own layout
module; the issue's own case is also sampled with ``getPointAtLength``, and a decoy edge drawn across a
node shows that the check finds one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spyglass.report.html import render_html
from spyglass.state.store import load_state
from tests.browser.conftest import LiveServer, screenshot
from tests.fixtures.big_project import serve_big_project

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]

#: node boxes and sampled edge points, in the graph's own coordinates; the points of each edge that fall
#: inside a node box other than its parent's and child's (boxes bucketed on a grid: 1,000 nodes are fast)
GEOMETRY = r"""(root) => {
  const svg = document.querySelector(root);
  // points at most 2 px apart along a drawn path, evaluated from its "d" (only M, L and C: anything else
  // fails the test) exactly as SVG draws the segments; the path's own transform, if any, applied
  const sampled = function* (path) {
    const m = path.transform.baseVal.consolidate()?.matrix;
    const d = path.getAttribute("d");
    if (!/^M[^A-Za-z]+([LC][^A-Za-z]+)*$/.test(d)) throw new Error(`unexpected path data: ${d}`);
    let at = null;
    for (const command of d.match(/[MLC][^MLC]*/g)) {
      const nums = command.slice(1).trim().split(/[\s,]+/).map(Number);
      const pts = [];
      for (let i = 0; i < nums.length; i += 2) pts.push({ x: nums[i], y: nums[i + 1] });
      if (command[0] !== "M") {
        const ctrl = [at, ...pts];
        const span = ctrl.slice(1).reduce((s, p, i) => s + Math.hypot(p.x - ctrl[i].x, p.y - ctrl[i].y), 0);
        const n = Math.max(1, Math.ceil(span / 2));
        for (let i = 0; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          const p = ctrl.length === 2 ? { x: u * at.x + t * pts[0].x, y: u * at.y + t * pts[0].y } : {
            x: u * u * u * ctrl[0].x + 3 * u * u * t * ctrl[1].x + 3 * u * t * t * ctrl[2].x + t * t * t * ctrl[3].x,
            y: u * u * u * ctrl[0].y + 3 * u * u * t * ctrl[1].y + 3 * u * t * t * ctrl[2].y + t * t * t * ctrl[3].y };
          yield m ? { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f } : p;
        }
      }
      at = pts[pts.length - 1];
    }
  };
  const CELL = 64;
  const grid = new Map();
  const boxes = [...svg.querySelectorAll("g.node")].map((g) => {
    const m = g.transform.baseVal.consolidate().matrix;
    const rect = g.querySelector(":scope > rect");
    const box = { id: g.dataset.id, x0: m.e + 1, y0: m.f + 1,
      x1: m.e + rect.width.baseVal.value - 1, y1: m.f + rect.height.baseVal.value - 1 };
    for (let cx = Math.floor(box.x0 / CELL); cx <= Math.floor(box.x1 / CELL); cx++)
      for (let cy = Math.floor(box.y0 / CELL); cy <= Math.floor(box.y1 / CELL); cy++) {
        const key = cx * 100003 + cy;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(box);
      }
    return box;
  });
  const hits = [];
  let samples = 0;
  const edges = [...svg.querySelectorAll("path.edge")];
  for (const path of edges) {
    const { parent, child } = path.dataset;
    for (const p of sampled(path)) {
      samples++;
      for (const b of grid.get(Math.floor(p.x / CELL) * 100003 + Math.floor(p.y / CELL)) || []) {
        if (b.id !== parent && b.id !== child && p.x > b.x0 && p.x < b.x1 && p.y > b.y0 && p.y < b.y1) {
          hits.push(`${parent} -> ${child} behind ${b.id} at (${p.x.toFixed(0)}, ${p.y.toFixed(0)})`);
          break;
        }
      }
    }
  }
  const names = Object.fromEntries(boxes.map((b) => [b.id, b]));
  return { nodes: boxes.length, edges: edges.length, samples, hits: [...new Set(hits.map((h) => h.split(" at ")[0]))],
    boxes: names, paths: edges.map((e) => [e.dataset.parent, e.dataset.child]) };
}"""


def _geometry(page: Any, root: str = "svg.graph") -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(GEOMETRY, root)
    assert result["nodes"] > 0 and result["edges"] > 0, result
    assert result["samples"] > result["edges"] * 10, "every edge is sampled along its length"
    return result


def _by_name(result: dict[str, Any], name: str) -> str:
    found = [uid for uid in result["boxes"] if uid.rsplit(".", 1)[-1] == name]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_demo_default_view_has_no_edge_behind_a_node(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector("path.edge")
    result = _geometry(page)
    assert result["hits"] == []
    # the case: the edge stg_customers -> dim_customers is drawn, and not behind payment_method_summary
    edge = [_by_name(result, "stg_customers"), _by_name(result, "dim_customers")]
    assert edge in result["paths"]
    box = result["boxes"][_by_name(result, "payment_method_summary")]
    points = page.evaluate("""([p, c]) => {
      const path = [...document.querySelectorAll("path.edge")]
        .find((e) => e.dataset.parent === p && e.dataset.child === c);
      const n = path.getTotalLength();
      return Array.from({ length: 200 }, (_, i) => {
        const q = path.getPointAtLength((n * i) / 199);
        return [q.x, q.y];
      });
    }""", edge)
    assert not [(x, y) for x, y in points if box["x0"] < x < box["x1"] and box["y0"] < y < box["y1"]]
    screenshot(page, "lineage-routing")


def test_demo_all_nodes_has_no_edge_behind_a_node(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector("path.edge")
    default_edges = page.locator("path.edge").count()
    page.check("#show-all")
    page.wait_for_function("(n) => document.querySelectorAll('path.edge').length > n", arg=default_edges)
    result = _geometry(page)
    assert result["hits"] == []
    names = {uid.rsplit(".", 1)[-1] for uid in result["boxes"]}
    assert {"countries", "customers_snapshot", "stg_customers", "stg_payments"} <= names
    screenshot(page, "lineage-routing-all")


def test_1000_model_project_has_no_edge_behind_a_node(page: Any, tmp_path: Path) -> None:
    with serve_big_project(tmp_path / "big") as url:
        page.goto(f"{url}/#/lineage")
        page.wait_for_selector("path.edge")
        changed = _geometry(page)
        assert changed["hits"] == []
        page.check("#show-all")
        page.wait_for_function("(n) => document.querySelectorAll('g.node').length > n", arg=changed["nodes"])
        everything = _geometry(page)
        assert everything["nodes"] > 1000 and everything["edges"] > 2000
        assert everything["hits"] == []
        screenshot(page, "lineage-1000")


#: a random DAG (seeded) laid out by the served layout module and drawn bare into ``svg#random-graph``
RANDOM_DAG = """async (seed) => {
  const { layout, routePath, NODE_W, NODE_H } = await import("/static/js/layout.js");
  const ns = "http://www.w3.org/2000/svg";
  const make = (tag, attrs) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  };
  const random = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
  const n = 5 + Math.floor(random() * 150);
  const nodes = Array.from({ length: n }, (_, i) => ({ unique_id: `n${i}` }));
  const edges = [];
  for (let c = 1; c < n; c++) for (let k = Math.floor(random() * 3); k >= 0; k--) {
    const p = Math.floor(random() * c * (random() < 0.5 ? 1 : 0.3));
    if (!edges.some(([a, b]) => a === `n${p}` && b === `n${c}`)) edges.push([`n${p}`, `n${c}`]);
  }
  const { coords, routes } = layout(nodes, edges);
  document.querySelector("#random-graph")?.remove();
  const svg = make("svg", { id: "random-graph" });
  for (const [id, { x, y }] of coords) {
    const g = make("g", { class: "node", "data-id": id, transform: `translate(${x},${y})` });
    g.append(make("rect", { width: NODE_W, height: NODE_H }));
    svg.append(g);
  }
  for (const { parent, child, points } of routes) {
    svg.append(make("path", { class: "edge", d: routePath(points), "data-parent": parent, "data-child": child }));
  }
  document.body.append(svg);
  return { edges: edges.length, routes: routes.length };
}"""


def test_random_dags_route_no_edge_behind_a_node(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/lineage")
    page.wait_for_selector(".node")
    for seed in range(1, 31):
        drawn = page.evaluate(RANDOM_DAG, seed)
        assert drawn["routes"] == drawn["edges"], seed
        result = _geometry(page, "#random-graph")
        assert result["hits"] == [], seed
    # the check itself: a decoy edge from n0 straight through the middle of another node is caught
    through_id = page.evaluate("""() => {
      const svg = document.querySelector("#random-graph");
      const [n0, other] = [...svg.querySelectorAll("g.node")].filter((g) => g.dataset.id !== "n1");
      const [from, through] = [n0, other].map((g) => g.transform.baseVal.consolidate().matrix);
      const decoy = document.createElementNS("http://www.w3.org/2000/svg", "path");
      decoy.setAttribute("class", "edge");
      decoy.setAttribute("d", `M${from.e},${from.f} L${through.e + 100},${through.f + 20}`);
      Object.assign(decoy.dataset, { parent: "n0", child: "n1" });
      svg.append(decoy);
      return other.dataset.id;
    }""")
    assert f"n0 -> n1 behind {through_id}" in _geometry(page, "#random-graph")["hits"]


def test_html_report_graph_has_no_edge_behind_a_node(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(render_html(load_state(live_server.state_path)), encoding="utf-8")
    page.goto(report.resolve().as_uri())
    page.wait_for_selector("#lineage svg.graph path.edge")
    result = _geometry(page, "#lineage svg.graph")
    assert result["hits"] == []
    assert [_by_name(result, "stg_customers"), _by_name(result, "dim_customers")] in result["paths"]


def test_lineage_ui_benchmark_runs_end_to_end() -> None:
    # in its own process: Playwright's sync API cannot start twice in the one the browser fixture uses
    out = subprocess.run([sys.executable, "-m", "benchmarks", "ui_lineage", "--", "--models", "200", "--runs", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=True).stdout
    assert "lineage page, first draw:" in out and '"all nodes" ticked to drawn:' in out and "x floor" in out
