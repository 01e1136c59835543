"""``gitlab_post`` posts the checklist's summary with a stored ``api`` token, and says why not otherwise
(the fake GitLab over real HTTP; the tool's client is the SDK's, in process)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from spyglass.demo import DemoPaths
from spyglass.gitlab.service import GitLabService
from spyglass.mcp.launch import mcp_server
from spyglass.service import Session
from spyglass.store import Store
from spyglass.testing.gitlab import FakeGitLab
from tests.mcp.calls import call_ok, call_refused, run_async

pytestmark = pytest.mark.slow

PROJECT = "data/analytics/shop"


def _connect(gitlab: FakeGitLab, scopes: tuple[str, ...]) -> None:
    project = gitlab.world.add_project(PROJECT)
    alice = gitlab.world.add_user("alice")
    gitlab.world.add_member("data", alice, 40)
    gitlab.world.add_merge_request(project, alice, title="Change revenue", sha="a" * 40)
    token = gitlab.world.add_token(alice, scopes)
    environ = dict(os.environ)
    with Store.open(environ) as store:
        assert GitLabService(store, environ).connect(gitlab.url, PROJECT, token).stored


def _call(demo: DemoPaths, state: Path, tool: str, arguments: dict[str, Any], *, refused: bool = False) -> Any:
    async def session(server: Any) -> Any:
        async with Client(server) as client:
            if refused:
                return (await call_refused(client, tool, arguments)).structured_content
            await call_ok(client, "add_check", {"type": "row_count_diff", "params": {"select": "fct_orders"}})
            return await call_ok(client, tool, arguments)

    loaded = Session.load(demo.settings)
    try:
        with mcp_server(loaded, state, environ=dict(os.environ)) as server:
            return run_async(session, server)
    finally:
        loaded.close()


def test_posts_the_summary_with_an_api_token(demo_build: DemoPaths, fake_gitlab: FakeGitLab, tmp_path: Path) -> None:
    _connect(fake_gitlab, ("api",))
    posted = _call(demo_build, tmp_path / "state.json", "gitlab_post", {"mr_iid": 1})["post"]
    assert (posted["project"], posted["iid"], posted["created"], posted["checks"]) == (PROJECT, 1, True, 1)


def test_says_why_a_read_only_token_cannot_post(demo_build: DemoPaths, fake_gitlab: FakeGitLab,
                                                tmp_path: Path) -> None:
    _connect(fake_gitlab, ("read_api",))
    answer = _call(demo_build, tmp_path / "state.json", "gitlab_post", {"mr_iid": 1}, refused=True)
    assert answer["kind"] == "GitLabReadOnly" and "read_api" in answer["error"] and "api scope" in answer["remedy"]
