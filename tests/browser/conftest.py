"""Browser fixtures: Debian's Chromium through Playwright, and the real server on a loopback port.

``live_server`` runs uvicorn in a thread over the demo project (``demo_build``) with a sandboxed
warehouse, a state file under the test's tmp dir and the test's ``SPYGLASS_HOME`` (so GitLab
connections go to the per-test store). Screenshots go to ``build/screenshots/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spyglass.demo import DemoPaths
from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app, sandboxed_session
from spyglass.service import Session
from tests.fixtures.live_server import serve_in_thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@dataclass(frozen=True)
class LiveServer:
    url: str
    state_path: Path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium; missing → skipped locally, a failure when ``CI`` is set."""
    if shutil.which(CHROMIUM) is None:
        message = f"{CHROMIUM} is not installed (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def open_tab(browser: Any, width: int = 1440, height: int = 900, color_scheme: str = "light") -> Iterator[Any]:
    """A tab in its own context (viewport, ``prefers-color-scheme``); fails on any JavaScript error."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from open_tab(browser)


@contextlib.contextmanager
def running_server(demo: DemoPaths, tmp_path: Path, *, auth_token: str | None = None) -> Iterator[LiveServer]:
    """uvicorn in a thread on a free loopback port, over a sandboxed session of the demo."""
    session = sandboxed_session(Session.load(demo.settings))
    state_path = tmp_path / "spyglass_state.json"
    config = ServerConfig(reload_interval=1.0, auth_token=auth_token)
    app = build_app(session, state_path, config=config, environ=dict(os.environ))
    try:
        with serve_in_thread(app, config) as url:
            yield LiveServer(url=url, state_path=state_path)
    finally:
        session.close()


@pytest.fixture
def live_server(demo_build: DemoPaths, tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(demo_build, tmp_path) as server:
        yield server


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
