"""``spyglass mcp`` over stdio, driven by the SDK's own client, on the demo project."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from spyglass.demo import DemoPaths
from tests.mcp.calls import assert_same_as_cli, demo_args, review_session, run_async

pytestmark = pytest.mark.slow

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
SLOW_QUERY = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
    "name": "query", "arguments": {"sql_template": "select count(*) from range(1000000000000) a"}}}


def test_every_tool_over_stdio_answers_as_the_cli(demo_build: DemoPaths, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "state.json"
    command = StdioServerParameters(
        command=sys.executable, args=["-m", "spyglass", "mcp", str(state), *demo_args(demo_build)],
        env={"SPYGLASS_HOME": str(tmp_path / "home"), "NO_PROXY": "*"}, cwd=str(tmp_path))

    async def session() -> dict[str, dict[str, Any]]:
        async with Client(command, read_timeout_seconds=300) as client:
            return await review_session(client)

    answers = run_async(session)
    assert_same_as_cli(answers, capsys, demo_build)
    saved = json.loads(state.read_text())  # the checklist is written when the server ends
    assert [(c["name"], c["approved"]) for c in saved["checks"]] == [("Orders count", True)]


def test_a_signal_cancels_the_running_query_and_exits_130(demo_build: DemoPaths, tmp_path: Path) -> None:
    """Even while the client keeps standard input open and a query runs (SIGTERM, as an agent stops it)."""
    server = subprocess.Popen([sys.executable, "-m", "spyglass", "mcp", str(tmp_path / "state.json"),
                               *demo_args(demo_build)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env={**os.environ, "SPYGLASS_HOME": str(tmp_path / "home")})
    assert server.stdin is not None and server.stdout is not None and server.stderr is not None
    try:
        for message in (INITIALIZE, INITIALIZED, SLOW_QUERY):
            server.stdin.write((json.dumps(message) + "\n").encode())
            server.stdin.flush()
        assert b'"id":1' in server.stdout.readline()  # initialized; the query is sent
        time.sleep(3)
        assert server.poll() is None
        stopped_at = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 130 and time.monotonic() - stopped_at < 15
        assert "Stopped by SIGTERM" in server.stderr.read().decode()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
