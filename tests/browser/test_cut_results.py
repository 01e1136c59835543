"""A result the state file keeps cut says so in the UI (real Chromium, real server over the demo)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_a_query_result_cut_to_fit_the_state_file_says_so(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/#/query")
    editor = page.locator("#sql-editor")
    editor.wait_for()
    # 2,000 rows of 900 characters: about 2 MB, more than one stored result may take
    editor.fill("select i, repeat('x', 900) as s from generate_series(1, 2000) as t(i)")
    page.check("input[name=env][value=current]")
    page.click("#run-query")
    card = page.locator("#query-output .run-card.run-success")
    card.wait_for(timeout=60_000)
    note = card.locator(".cut-note")
    note.wait_for()
    match = re.fullmatch(r"Only the first ([\d,]+) of 2,000 rows are stored: the result was cut to fit the state "
                         r"file\.", note.inner_text())
    assert match is not None, note.inner_text()
    stored = int(match.group(1).replace(",", ""))
    assert 0 < stored < 2_000
    assert card.locator("table.grid tbody tr").count() == min(stored, 200)  # the grid shows what is stored
    screenshot(page, "query-cut")
