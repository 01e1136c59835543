"""The protocol layer, through the SDK's client in process: a tool's error is a tool error with its remedy,
a bug is one too (the server goes on), a call past its time is cancelled, and no telemetry is traced."""

from __future__ import annotations

import threading
from typing import Any

from mcp import Client
from mcp.server._otel import OpenTelemetryMiddleware

from spyglass.exceptions import RelationMissing
from spyglass.mcp.answer import ToolAnswer
from spyglass.mcp.catalog import Arguments, ToolDef
from spyglass.mcp.protocol import build_server
from spyglass.warehouse.base import CancelToken
from tests.mcp.calls import run_async

SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}


def _tools(cancelled: threading.Event) -> list[ToolDef]:
    def missing(arguments: Arguments, cancel: CancelToken) -> ToolAnswer:
        raise RelationMissing("The table shop.orders does not exist.", remedy="Run dbt build first.")

    def buggy(arguments: Arguments, cancel: CancelToken) -> ToolAnswer:
        raise RuntimeError("secret-ish detail")

    def slow(arguments: Arguments, cancel: CancelToken) -> ToolAnswer:
        cancel.on_cancel(cancelled.set)
        cancelled.wait(30)
        return ToolAnswer({"done": True}, "done")

    def fine(arguments: Arguments, cancel: CancelToken) -> ToolAnswer:
        return ToolAnswer({"echo": dict(arguments)}, "fine")

    return [ToolDef(name, name, SCHEMA, True, call)
            for name, call in (("missing", missing), ("buggy", buggy), ("slow", slow), ("fine", fine))]


def test_errors_bugs_and_timeouts_are_tool_errors() -> None:
    cancelled = threading.Event()
    server = build_server(_tools(cancelled), run_seconds=0.5)
    assert not any(isinstance(m, OpenTelemetryMiddleware) for m in server.middleware)

    async def session() -> dict[str, Any]:
        async with Client(server) as client:
            names = ("missing", "buggy", "slow", "nope", "fine")
            return {name: await client.call_tool(name, {"x": 1}) for name in names}

    answers = run_async(session)
    assert answers["missing"].is_error and answers["missing"].structured_content == {
        "error": "The table shop.orders does not exist.", "remedy": "Run dbt build first.", "kind": "RelationMissing"}
    assert "Run dbt build first." in answers["missing"].content[0].text
    buggy = answers["buggy"]
    assert buggy.is_error and buggy.structured_content["kind"] == "InternalError"
    assert "secret-ish" not in str(buggy)
    slow = answers["slow"]
    assert slow.is_error and "took longer than" in slow.structured_content["error"] and cancelled.is_set()
    assert answers["nope"].is_error and "fine" in answers["nope"].structured_content["remedy"]
    assert not answers["fine"].is_error and answers["fine"].structured_content == {"echo": {"x": 1}}


def test_stopping_the_server_cancels_running_calls() -> None:
    cancelled = threading.Event()
    stop = CancelToken()
    server = build_server(_tools(cancelled), run_seconds=60, stop=stop)

    async def session() -> Any:
        async with Client(server) as client:
            return await client.call_tool("slow", {})

    timer = threading.Timer(0.3, stop.cancel)  # the server stopping while the call runs
    timer.start()
    answer = run_async(session)
    timer.join()
    assert cancelled.is_set() and answer.structured_content == {"done": True}
