"""The lineage page in headless Chromium on a generated 1,000-model project (target: under 1 s to first
draw, and under 1 s for "all nodes").

Serves :func:`tests.fixtures.big_project.write_big_project` with the real server and measures, as the median
of several runs in fresh browser contexts (interleaved, so load on a shared machine hits all alike):

* floor: a bare page on the same origin that fetches the same ``/api/lineage`` JSON, parses it and draws
  one bare rect per node and a line per edge, without layout, to its first frame;
* lineage: ``/#/lineage`` from navigation to the first frame with the graph drawn (changed nodes and
  their downstream);
* all nodes: from ticking "all nodes" on that page to the first frame with every node drawn, against the
  floor over ``/api/lineage?all=true``;
* layout: ``layout()`` alone on the "all nodes" graph, inside the page.

The server runs as users run it, ``spyglass server`` in a process of its own (``--server thread`` serves
it from a thread of this process instead, where it shares the interpreter with Playwright's client).
``python -m benchmarks ui_lineage -- --models 1000 --runs 5`` (needs Debian's Chromium).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.fixtures.big_project import serve_big_project, write_big_project
from tests.server.server_process import server_command, started

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TARGET_SECONDS = 1.0
FLOOR_PATH = "/__floor"
#: the floor page: fetch, parse, bare rects and lines at fixed places, first frame; ``window.drawn`` is
#: the time from navigation to that frame
FLOOR_PAGE = """<!doctype html><html><body><svg id="g" width="1400" height="880"></svg><script type="module">
const all = new URLSearchParams(location.search).get("all") === "true";
const graph = await (await fetch(`/api/lineage?all=${all}`)).json();
const svg = document.getElementById("g");
const ns = "http://www.w3.org/2000/svg";
const at = new Map(graph.nodes.map((n, i) => [n.unique_id, [(i % 40) * 30, Math.floor(i / 40) * 20]]));
for (const [x, y] of at.values()) {
  const r = document.createElementNS(ns, "rect");
  r.setAttribute("x", x); r.setAttribute("y", y); r.setAttribute("width", 25); r.setAttribute("height", 15);
  svg.append(r);
}
for (const [p, c] of graph.edges) {
  const l = document.createElementNS(ns, "line");
  const [a, b] = [at.get(p), at.get(c)];
  l.setAttribute("x1", a[0]); l.setAttribute("y1", a[1]); l.setAttribute("x2", b[0]); l.setAttribute("y2", b[1]);
  l.setAttribute("stroke", "#999");
  svg.append(l);
}
requestAnimationFrame(() => { window.drawn = performance.now(); });
</script></body></html>"""
#: after the lineage page drew: tick "all nodes", wait for more nodes, then the next frame
ALL_NODES = """async () => {
  const before = document.querySelectorAll("g.node").length;
  const started = performance.now();
  document.querySelector("#show-all").click();
  await new Promise((done) => {
    const poll = () => document.querySelectorAll("g.node").length > before ? done() : requestAnimationFrame(poll);
    requestAnimationFrame(poll);
  });
  await new Promise((done) => requestAnimationFrame(done));
  return { ms: performance.now() - started, nodes: document.querySelectorAll("g.node").length,
    edges: document.querySelectorAll("path.edge").length };
}"""
#: layout() alone on the "all nodes" graph, median of 5, in milliseconds
LAYOUT_ONLY = """async () => {
  const { layout } = await import("/static/js/layout.js");
  const graph = await (await fetch("/api/lineage?all=true")).json();
  const byId = new Map(graph.nodes.map((n) => [n.unique_id, n]));
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    layout(graph.nodes, graph.edges, (id) => byId.get(id).name);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2];
}"""
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => done(performance.now())))"


@contextlib.contextmanager
def _fresh_page(browser: Any, url: str) -> Iterator[Any]:
    """A page in a new context (cold cache), with the floor page answered at ``FLOOR_PATH``."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(60_000)
    context.route(f"{url}{FLOOR_PATH}*", lambda route: route.fulfill(content_type="text/html", body=FLOOR_PAGE))
    try:
        yield context.new_page()
    finally:
        context.close()


def _floor(browser: Any, url: str, everything: bool) -> float:
    with _fresh_page(browser, url) as page:
        page.goto(f"{url}{FLOOR_PATH}?all={str(everything).lower()}")
        page.wait_for_function("() => window.drawn !== undefined")
        return float(page.evaluate("() => window.drawn")) / 1000


def _lineage(browser: Any, url: str, counts: dict[str, int]) -> tuple[float, float]:
    """Seconds from navigation to the graph's first frame, and from ticking "all nodes" to its frame."""
    with _fresh_page(browser, url) as page:
        page.goto(f"{url}/#/lineage")
        page.wait_for_selector("path.edge", state="attached")
        first = float(page.evaluate(NEXT_FRAME)) / 1000
        counts["changed"] = page.locator("g.node").count()
        everything = page.evaluate(ALL_NODES)
        counts.update(all=everything["nodes"], edges=everything["edges"])
        return first, float(everything["ms"]) / 1000


def _medians(actions: dict[str, Callable[[], float]], runs: int) -> dict[str, float]:
    for action in actions.values():
        action()  # warm-up: the server's first answers, Chromium's first start of the page
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            times[name].append(action())
    return {name: statistics.median(values) for name, values in times.items()}


def _report(medians: dict[str, float], counts: dict[str, int], layout_ms: float, runs: int) -> None:
    def verdict(seconds: float) -> str:
        return "OK" if seconds < TARGET_SECONDS else "OVER TARGET"

    print(f"project: {counts['changed']} changed/downstream nodes; all nodes: {counts['all']} nodes, "
          f"{counts['edges']} edges (medians of {runs} runs, fresh browser context each)")
    print(f"floor (fetch + parse + bare rects, changed):  {medians['floor']:.3f} s")
    print(f"lineage page, first draw:                     {medians['lineage']:.3f} s "
          f"({medians['lineage'] / medians['floor']:.2f}x floor; target < {TARGET_SECONDS:.1f} s: "
          f"{verdict(medians['lineage'])})")
    print(f"floor (fetch + parse + bare rects, all):      {medians['floor_all']:.3f} s")
    print(f"\"all nodes\" ticked to drawn:                  {medians['all']:.3f} s "
          f"({medians['all'] / medians['floor_all']:.2f}x floor; target < {TARGET_SECONDS:.1f} s: "
          f"{verdict(medians['all'])})")
    print(f"layout() alone on all nodes:                  {layout_ms / 1000:.3f} s")


def _measure(browser: Any, url: str, runs: int) -> tuple[dict[str, float], dict[str, int], float]:
    counts: dict[str, int] = {}
    lineage: list[tuple[float, float]] = []

    def page_run() -> float:
        lineage.append(_lineage(browser, url, counts))
        return lineage[-1][0]

    medians = _medians({"floor": lambda: _floor(browser, url, False), "lineage": page_run,
                        "floor_all": lambda: _floor(browser, url, True)}, runs)
    medians["all"] = statistics.median(run[1] for run in lineage[1:])  # the warm-up run left out
    with _fresh_page(browser, url) as page:
        page.goto(f"{url}/#/lineage")
        layout_ms = float(page.evaluate(LAYOUT_ONLY))
    return medians, counts, layout_ms


@contextlib.contextmanager
def _served(tmp: Path, models: int, how: str) -> Iterator[str]:
    """The generated project served by ``spyglass server`` in its own process, or from a thread of this one."""
    if how == "thread":
        with serve_big_project(tmp / "big", models) as url:
            yield url
        return
    settings = write_big_project(tmp / "big", models)
    with started(server_command(settings), tmp / "server.err") as server:
        yield server.url


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks ui_lineage")
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server", choices=("process", "thread"), default="process")
    args = parser.parse_args(argv)
    if shutil.which(CHROMIUM) is None:
        print(f"skipped: {CHROMIUM} is not installed (apt-get install chromium).")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="spyglass-bench-") as tmp, \
            _served(Path(tmp), args.models, args.server) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            medians, counts, layout_ms = _measure(browser, url, args.runs)
        finally:
            browser.close()
    _report(medians, counts, layout_ms, args.runs)
