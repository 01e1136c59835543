"""The MCP server over a list of tools, on the official SDK's low-level :class:`mcp.server.Server`.

Each call runs in a worker thread with its own :class:`CancelToken`: a client that cancels the request,
or a call past ``run_seconds``, cancels the call's warehouse queries. A :class:`SpyglassError` is a tool
error carrying the remedy; any other exception a tool error saying it failed unexpectedly (one log line),
never a crash of the server.

No telemetry: the SDK adds an OpenTelemetry middleware to every server. It only emits spans to a tracer
provider the process configured (the OpenTelemetry API alone records nothing), but this server drops it,
so nothing about a tool call leaves the process even where one is configured.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

import anyio
import mcp.types as types
from mcp.server import Server, ServerRequestContext
from mcp.server._otel import OpenTelemetryMiddleware

from spyglass import __version__
from spyglass.exceptions import Cancelled, NotFound, SpyglassError
from spyglass.mcp.answer import ToolAnswer, error_answer, unexpected_answer
from spyglass.mcp.catalog import Arguments, ToolDef
from spyglass.warehouse.base import CancelToken

log = logging.getLogger("spyglass.mcp")

INSTRUCTIONS = (
    "Spyglass reviews what a dbt change does to the data: it compares the base (production) and current "
    "environments. Start with impact or lineage_diff to see what changed, then use the diff tools on the "
    "models that matter. Keep a diff as a check with add_check, approve it with approve_check, and read the "
    "summary. Queries must be a single read-only SELECT."
)


def tool_listing(tools: Sequence[ToolDef]) -> types.ListToolsResult:
    return types.ListToolsResult(tools=[
        types.Tool(name=tool.name, description=tool.description, input_schema=tool.schema,
                   annotations=types.ToolAnnotations(read_only_hint=tool.read_only,
                                                     destructive_hint=False if not tool.read_only else None,
                                                     open_world_hint=tool.name == "gitlab_post"))
        for tool in tools])


def tool_result(answer: ToolAnswer) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=answer.text)], structured_content=answer.structured,
                                is_error=answer.error)


def answer_call(tool: ToolDef, arguments: Arguments, cancel: CancelToken) -> ToolAnswer:
    """The tool's answer; its errors as tool errors (synchronous: runs in a worker thread)."""
    try:
        return tool.call(arguments, cancel)
    except SpyglassError as exc:
        return error_answer(exc)
    except Exception as exc:  # a bug in a tool: the server goes on
        log.error("The %s tool failed unexpectedly: %s", tool.name, type(exc).__name__)  # one line, no text
        return unexpected_answer()


async def call_tool(tool: ToolDef, arguments: Arguments, *, run_seconds: float,
                    stop: CancelToken | None = None) -> ToolAnswer:
    """Run the call in a thread; a cancelled request, a call past ``run_seconds`` or ``stop`` (the server
    stopping) cancels its queries."""
    cancel = CancelToken()
    if stop is not None:
        stop.on_cancel(cancel.cancel)
    try:
        with anyio.fail_after(run_seconds or None):
            return await anyio.to_thread.run_sync(partial(answer_call, tool, arguments, cancel),
                                                  abandon_on_cancel=True)
    except TimeoutError:
        cancel.cancel()
        return error_answer(Cancelled(f"{tool.name} took longer than {run_seconds:.0f} seconds and was cancelled.",
                                     remedy="Narrow it (a where condition, fewer columns) or ask for fewer rows."))
    except anyio.get_cancelled_exc_class():
        cancel.cancel()
        raise
    finally:
        if stop is not None:
            stop.remove(cancel.cancel)


def build_server(tools: Sequence[ToolDef], *, run_seconds: float = 900.0,
                 stop: CancelToken | None = None) -> Server[Any]:
    """The MCP server answering ``tools/list`` and ``tools/call`` with ``tools``; ``stop`` cancels every
    running call."""
    by_name = {tool.name: tool for tool in tools}
    listing = tool_listing(tools)

    async def on_list_tools(ctx: ServerRequestContext[Any],
                            params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return listing

    async def on_call_tool(ctx: ServerRequestContext[Any],
                           params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = by_name.get(params.name)
        if tool is None:
            return tool_result(error_answer(NotFound(
                f"Spyglass has no tool {params.name[:100]!r}.", remedy="Use one of: " + ", ".join(by_name) + ".")))
        return tool_result(await call_tool(tool, params.arguments or {}, run_seconds=run_seconds, stop=stop))

    server: Server[Any] = Server("spyglass", version=__version__, instructions=INSTRUCTIONS,
                                 on_list_tools=on_list_tools, on_call_tool=on_call_tool)
    server.middleware = [m for m in server.middleware if not isinstance(m, OpenTelemetryMiddleware)]
    return server
