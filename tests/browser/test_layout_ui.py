"""Layout at 1024 and 1280 px and the light/dark themes, measured in Chromium on every page.

At both widths the top bar stays one line (nothing in it overlaps, the environment line shortens and ends
in an ellipsis with the whole text as its tooltip), no page scrolls sideways, the lineage toolbar wraps
without overlaps and the node panel leaves the graph room. In both colour schemes every visible text
reaches WCAG AA contrast (4.5:1, 3:1 for large text) against the background it is drawn on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from spyglass.report.html import render_html
from spyglass.server.security import REQUEST_HEADER
from spyglass.state.store import load_state
from spyglass.testing.gitlab import FakeGitLab
from tests.browser.conftest import LiveServer, open_tab, screenshot
from tests.browser.ui_audit import ContrastReport, contrast, horizontal_overflow, overlaps
from tests.browser.ui_pages import connect_gitlab, open_node, run_query_diff, run_value_diff, seed_checks

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGES = ("lineage", "query", "checks", "mrs", "settings/gitlab")
TOPBAR_HEIGHT = 48  # app.css .topbar


@pytest.fixture(params=[(1024, 768), (1280, 800)], ids=["1024", "1280"])
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    yield from open_tab(browser, *request.param)


@pytest.fixture(params=["light", "dark"])
def themed_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    yield from open_tab(browser, 1280, 800, request.param)


def _show(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/#/{name}")
    page.wait_for_function("() => !document.getElementById('app').textContent.includes('Loading…')")
    page.wait_for_function("() => document.getElementById('env-info').textContent.includes('current')")
    if name == "checks":
        page.locator(".check-item").first.click()
        page.wait_for_selector("#check-detail .run-card")
    if name == "mrs":
        page.wait_for_selector("#mr-table tbody tr")


def _assert_one_line_header(page: Any, name: str) -> None:
    geometry = page.evaluate("""() => {
      const box = (e) => e.getBoundingClientRect();
      const env = document.getElementById('env-info');
      return { header: box(document.querySelector('.topbar')).height,
               links: [...document.querySelectorAll('.topbar nav a')].map((a) => [box(a).top, box(a).height]),
               env: box(env).height, envRight: box(env).right,
               lineHeight: parseFloat(getComputedStyle(env).fontSize) * 1.6,
               envTitle: env.title, width: innerWidth };
    }""")
    assert geometry["header"] == TOPBAR_HEIGHT, (name, geometry)
    assert len({tuple(link) for link in geometry["links"]}) == 1, (name, geometry["links"])  # one row of links
    assert 0 < geometry["env"] <= geometry["lineHeight"], (name, geometry)  # the environment line is one line
    assert geometry["envRight"] <= geometry["width"], (name, geometry)
    assert "base:" in geometry["envTitle"] and "current:" in geometry["envTitle"]
    assert overlaps(page, ".topbar .brand, .topbar nav a, .topbar .env-info") == [], name


def _assert_no_sideways_scroll(page: Any, name: str) -> None:
    widths = horizontal_overflow(page)
    assert widths["document"] <= widths["window"], (name, widths)
    assert widths["main"] <= widths["mainClient"], (name, widths)


def _open_check(page: Any, index: int) -> None:
    page.locator(".check-item").nth(index).click()
    page.wait_for_function("""(i) => document.querySelectorAll('.check-item')[i]?.classList.contains('open')
      && document.querySelector('#check-detail .run-card')""", arg=index)


def _assert_results_fit(page: Any, url: str) -> None:
    """Every check's result in the checklist and a query diff: wide tables scroll inside, never the page."""
    page.goto(f"{url}/#/checks")
    items = page.locator(".check-item")
    items.first.wait_for()
    for index in range(items.count()):
        _open_check(page, index)
        _assert_no_sideways_scroll(page, f"check #{index + 1}")
    run_query_diff(page, url)
    _assert_no_sideways_scroll(page, "query diff")


def test_every_page_fits_at_1024_and_1280(sized_page: Any, live_server: LiveServer, fake_gitlab: FakeGitLab) -> None:
    page = sized_page
    assert seed_checks(live_server.url) >= 6
    connect_gitlab(page, live_server.url, fake_gitlab)
    width = page.viewport_size["width"]
    for name in PAGES:
        _show(page, live_server.url, name)
        _assert_one_line_header(page, name)
        _assert_no_sideways_scroll(page, name)
        screenshot(page, f"layout-{width}-{name.replace('/', '-')}")
    _assert_results_fit(page, live_server.url)
    open_node(page, live_server.url)
    assert overlaps(page, ".toolbar > *") == [] and overlaps(page, ".legend-item") == []
    split = page.evaluate("""() => {
      const panel = document.querySelector('.panel'), canvas = document.querySelector('.graph-canvas');
      return { panel: panel.getBoundingClientRect().width, graph: canvas.getBoundingClientRect().width,
               scroll: panel.scrollWidth, client: panel.clientWidth };
    }""")
    assert split["panel"] >= 400 and split["graph"] >= 400, split  # both halves stay usable
    assert split["scroll"] <= split["client"], split  # the panel's tables fit it
    _assert_one_line_header(page, "lineage with panel")
    _assert_no_sideways_scroll(page, "lineage with panel")
    screenshot(page, f"layout-{width}-panel")


def test_a_long_environment_line_ends_in_an_ellipsis(sized_page: Any, live_server: LiveServer) -> None:
    page = sized_page
    _show(page, live_server.url, "lineage")
    page.evaluate("() => document.querySelector('#env-info span').append(' ' + 'x'.repeat(400))")
    env = page.evaluate("""() => { const e = document.getElementById('env-info');
      return { scroll: e.scrollWidth, client: e.clientWidth, overflow: getComputedStyle(e).textOverflow }; }""")
    assert env["scroll"] > env["client"] and env["overflow"] == "ellipsis", env
    _assert_one_line_header(page, "long environment line")


def _audit(page: Any, label: str, reports: dict[str, ContrastReport]) -> None:
    reports[label] = contrast(page)


def _audit_every_page(page: Any, url: str) -> dict[str, ContrastReport]:
    reports: dict[str, ContrastReport] = {}
    open_node(page, url)
    run_value_diff(page)
    _audit(page, "lineage + panel + value diff", reports)
    run_query_diff(page, url)
    _audit(page, "query diff", reports)
    page.goto(f"{url}/#/checks")
    items = page.locator(".check-item")
    items.first.wait_for()
    for index in range(items.count()):
        _open_check(page, index)
        _audit(page, f"checklist #{index + 1}", reports)
    _show(page, url, "mrs")
    page.locator('#mr-table tr[data-iid="1"] button.post-summary').click()  # a tracking link to the note
    page.wait_for_selector('#mr-table tr[data-iid="1"] .tracking a')
    _audit(page, "merge requests", reports)
    _show(page, url, "settings/gitlab")
    page.wait_for_selector("#token-last4")
    _audit(page, "settings", reports)
    return reports


def _assert_reads(report: ContrastReport, label: str, dark: bool) -> None:
    if dark:
        assert report.body_background_luminance < 0.2 and report.body_text_luminance > 0.6, label
    else:
        assert report.body_background_luminance > 0.8 and report.body_text_luminance < 0.1, label
    assert len(report.texts) > 20, label  # the audit saw the page


def _failures(reports: dict[str, ContrastReport]) -> dict[str, list[str]]:
    return {label: sorted({f"{t.element} {t.text!r} {t.ratio:.2f}" for t in report.failures()})
            for label, report in reports.items() if report.failures()}


def test_every_text_reads_in_light_and_dark(themed_page: Any, live_server: LiveServer,
                                            fake_gitlab: FakeGitLab) -> None:
    page = themed_page
    seed_checks(live_server.url)
    connect_gitlab(page, live_server.url, fake_gitlab)
    reports = _audit_every_page(page, live_server.url)
    dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    for label, report in reports.items():
        _assert_reads(report, label, dark)
    failures = _failures(reports)
    assert not failures, ("dark" if dark else "light", failures)
    for kind in ("text", "muted", "button", "badge"):
        lowest = min(r for report in reports.values() if (r := report.lowest(kind)) is not None)
        assert lowest >= 4.5, kind
    screenshot(page, f"theme-{'dark' if dark else 'light'}")


def test_the_html_report_reads_in_light_and_dark(themed_page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    """The static report bundles app.css: it follows the theme and reads in both."""
    page = themed_page
    seed_checks(live_server.url)
    assert httpx.post(f"{live_server.url}/api/state/save", headers={REQUEST_HEADER: "1"}).status_code == 200
    report = tmp_path / "report.html"
    report.write_text(render_html(load_state(live_server.state_path)), encoding="utf-8")
    page.goto(report.as_uri())
    page.locator("#report .report-check").first.wait_for()
    dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    audit = contrast(page)
    _assert_reads(audit, "report", dark)
    assert not audit.failures(), ("dark" if dark else "light", _failures({"report": audit}))
    widths = horizontal_overflow(page)
    assert widths["document"] <= widths["window"], widths
