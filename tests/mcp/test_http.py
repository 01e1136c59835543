"""``spyglass mcp --http``: the SDK's client over streamable HTTP, behind the server's host, origin and token
checks, on the demo project (uvicorn in this process, on a free loopback port)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from spyglass.demo import DemoPaths
from spyglass.exceptions import UsageError
from spyglass.mcp.launch import MCP_PATH, http_app, http_config, mcp_server
from spyglass.service import Session
from tests.fixtures.live_server import serve_in_thread
from tests.mcp.calls import assert_same_as_cli, review_session, run_async

pytestmark = pytest.mark.slow

TOKEN = "mcp-test-token-1234"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture
def endpoint(demo_build: DemoPaths, tmp_path: Path) -> Iterator[str]:
    config = http_config("127.0.0.1", 0, TOKEN, (), {})
    session = Session.load(demo_build.settings)
    try:
        with mcp_server(session, tmp_path / "state.json", environ=dict(os.environ)) as server, \
                serve_in_thread(http_app(server, config), config) as url:
            yield url + MCP_PATH
    finally:
        session.close()


def test_every_tool_over_http_answers_as_the_cli(endpoint: str, demo_build: DemoPaths, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    async def session() -> dict[str, dict[str, Any]]:
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300) as http, \
                Client(streamable_http_client(endpoint, http_client=http), read_timeout_seconds=300) as client:
            return await review_session(client)

    answers = run_async(session)
    assert_same_as_cli(answers, capsys, demo_build)


def test_the_servers_host_origin_and_token_checks_guard_it(endpoint: str) -> None:
    body = json.dumps(INITIALIZE)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(timeout=30) as http:
        missing = http.post(endpoint, content=body, headers=ACCEPT)
        assert missing.status_code == 401 and "access token" in missing.json()["error"]
        wrong = http.post(endpoint, content=body, headers={**ACCEPT, "Authorization": "Bearer wrong-token-123"})
        assert wrong.status_code == 401
        rebound = http.post(endpoint, content=body, headers={**ACCEPT, **auth, "Host": "rebound.example"})
        assert rebound.status_code == 400 and "host name" in rebound.json()["error"]
        foreign = http.post(endpoint, content=body, headers={**ACCEPT, **auth, "Origin": "http://evil.example"})
        assert foreign.status_code == 403 and "another site" in foreign.json()["error"]
        accepted = http.post(endpoint, content=body, headers={**ACCEPT, **auth})
        assert accepted.status_code == 200, accepted.text
        assert accepted.headers["x-frame-options"] == "DENY"  # the server's security headers too


def test_a_token_is_required_off_loopback() -> None:
    with pytest.raises(UsageError, match="no access token"):
        http_config("0.0.0.0", 0, None, (), {})
