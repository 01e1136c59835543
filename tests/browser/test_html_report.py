"""The HTML report opens in real Chromium from ``file://`` with the network cut: no request leaves the
page, no console error, and it shows the summary's sections as a CommonMark reader sees them, the lineage
graph and every check's result (demo state from a real run; a state full of hostile text)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from spyglass.cli.run import execute_run
from spyglass.demo import DemoPaths
from spyglass.report.html import report_data
from spyglass.report.markdown import ordered_checks
from spyglass.state.models import State
from spyglass.state.store import load_state, save_state
from tests.browser.conftest import screenshot
from tests.cli.crafted_project import spyglass
from tests.report.markdown_audit import parser
from tests.report.test_hostile_text import EVIL, GOOD_MR_URL, _state

pytestmark = [pytest.mark.slow, pytest.mark.browser]
#: the blocks whose text the report and a CommonMark reader must show alike
BLOCKS = ("h2", "p", "li", "th", "td")


@dataclass
class Opened:
    page: Any
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def opened_offline(browser: Any, report: Path) -> Iterator[Opened]:
    """The report in a context with the network off: any request but the file itself is aborted and kept."""
    context = browser.new_context(offline=True, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(30_000)
    url = report.resolve().as_uri()
    opened = Opened(page=context.new_page())

    def route(request_route: Any) -> None:
        if request_route.request.url == url:
            request_route.continue_()
        else:
            opened.blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    opened.page.on("requestfailed", lambda request: opened.failed.append(request.url))
    opened.page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    opened.page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    try:
        opened.page.goto(url)
        opened.page.locator("#report").wait_for()
        yield opened
        assert opened.blocked == [] and opened.failed == [], (opened.blocked, opened.failed)
        assert opened.errors == [], opened.errors
    finally:
        context.close()


class _Blocks(HTMLParser):
    """The text of each block element of rendered Markdown, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.texts.append("")
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.texts[-1] += data


def _words(text: str) -> str:
    return " ".join(text.split())


def read_by_commonmark(markdown: str) -> list[str]:
    blocks = _Blocks()
    blocks.feed(parser().render(markdown))
    blocks.close()
    return [_words(text) for text in blocks.texts]


def shown_blocks(opened: Opened, section: str) -> list[str]:
    texts: list[str] = opened.page.locator(f'[data-section="{section}"]').first.evaluate(
        f"el => [...el.querySelectorAll({', '.join(BLOCKS)!r})].map((b) => b.textContent)")
    return [_words(text) for text in texts]


def _write_report(capsys: pytest.CaptureFixture[str], state_file: Path, target: Path) -> None:
    code, out, err = spyglass(capsys, "report", "--html", target, "--state-file", state_file)
    assert code == 0, (out, err)


def _assert_summary_shown(opened: Opened, state: State) -> None:
    """Each summary section reads as CommonMark reads the summary: the same words, the same figures."""
    sections = report_data(state)["sections"]
    assert sections
    for section in sections:
        assert shown_blocks(opened, section["name"]) == read_by_commonmark(section["markdown"]), section["name"]


def _assert_checks_shown(opened: Opened, state: State) -> None:
    cards = opened.page.locator("section.report-check")
    pairs = ordered_checks(state)
    assert cards.count() == len(pairs)
    for index, (check, run) in enumerate(pairs):
        card = cards.nth(index)
        assert card.locator("h3.check-name").text_content() == check.name
        if run is not None and run.result is not None:
            assert card.locator(".run-card .headline").text_content() == run.result.headline
            assert card.locator(".run-card .result").count() == 1


def test_the_demo_report_opens_offline_and_shows_the_summary(browser: Any, demo_build: DemoPaths, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    state_file = tmp_path / "spyglass_state.json"
    code = execute_run(demo_build.settings, output=state_file, summary_path=None, state_file=None, fail_on=None,
                       console=Console(file=io.StringIO()))
    assert code == 0
    state = load_state(state_file)
    report = tmp_path / "public" / "report.html"
    _write_report(capsys, state_file, report)
    with opened_offline(browser, report) as opened:
        names = [section["name"] for section in report_data(state)["sections"]]
        assert names == ["what the change means", "not verified", "environments", "checks"]
        _assert_summary_shown(opened, state)
        _assert_checks_shown(opened, state)
        assert state.lineage is not None
        assert opened.page.locator("#lineage svg g.node").count() == len(state.lineage.nodes)
        assert opened.page.locator("#checks figure.chart").count() >= 2  # the top-k and histogram charts
        assert opened.page.locator("#checks figure.histogram svg g.bin-differs").count() >= 1
        figures = opened.page.locator('[data-section="what the change means"]').inner_text()
        assert "500 of 10,000 rows removed" in figures  # the demo's breaking filter, as the summary says it
        screenshot(opened.page, "html-report")


def test_a_hostile_state_reads_back_as_written_and_runs_nothing(browser: Any, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    state = _state(GOOD_MR_URL)
    state_file = tmp_path / "state.json"
    save_state(state_file, state)
    report = tmp_path / "report.html"
    _write_report(capsys, state_file, report)
    with opened_offline(browser, report) as opened:
        page = opened.page
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, details').length") == 0
        links = page.evaluate("[...document.querySelectorAll('a')].map((a) => a.getAttribute('href'))")
        assert [link for link in links if not link.startswith("#")] == [GOOD_MR_URL]  # the MR link alone
        # the page replaced its body with what it drew, and drew no script
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        _assert_summary_shown(opened, state)
        _assert_checks_shown(opened, state)
        assert page.locator("section.report-check h3.check-name").first.text_content().startswith(EVIL)
        screenshot(page, "html-report-hostile")
