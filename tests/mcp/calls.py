"""The tool calls the MCP tests make on the demo, each with the CLI command that must print the same figures."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from spyglass.demo import DemoPaths
from tests.cli.crafted_project import spyglass

QUERY_SQL = "select status, count(*) as orders from {{ ref('fct_orders') }} group by status order by status"

#: every tool the server lists
TOOLS = {"lineage_diff", "schema_diff", "row_count_diff", "value_diff", "value_diff_detail", "profile_diff",
         "top_k_diff", "histogram_diff", "query", "query_diff", "impact", "column_lineage", "list_checks",
         "run_check", "add_check", "approve_check", "summary", "gitlab_post"}
#: what read-only SQL may not do: each is refused (with the check's own message)
HOSTILE = {
    "drop table {{ ref('fct_orders') }}": "DROP statement",
    "select 1 as a; delete from {{ ref('fct_orders') }}": "2 statements",
    "select * from read_csv('/etc/passwd')": "",
}


_T = TypeVar("_T")


def run_async(func: Callable[..., Awaitable[_T]], *args: Any) -> _T:
    """``anyio.run(func, *args)`` in a thread of its own: the browser tests' session-scoped Playwright keeps
    an event loop running in the main thread, where a second one cannot start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, func, *args).result()


@dataclass(frozen=True)
class Call:
    tool: str
    arguments: Mapping[str, Any]
    #: the CLI command printing the same figures with --json (None: the CLI has no such command)
    cli: tuple[str, ...] | None
    #: the key of the figures in the answer: "result" (a check run) or None (the whole answer)
    key: str | None = "result"


CALLS = (
    Call("lineage_diff", {}, None),
    Call("schema_diff", {"select": "dim_customers"}, None),
    Call("row_count_diff", {"select": "fct_orders"}, None),
    Call("value_diff", {"model": "dim_customers", "primary_key": "customer_id"},
         ("value-diff", "dim_customers", "-k", "customer_id")),
    Call("value_diff_detail", {"model": "dim_customers", "primary_key": "customer_id", "limit": 5},
         ("value-diff", "dim_customers", "-k", "customer_id", "--detail", "--limit", "5")),
    Call("profile_diff", {"model": "dim_customers"}, ("profile-diff", "dim_customers")),
    Call("top_k_diff", {"model": "fct_orders", "column_name": "status"}, ("top-k-diff", "fct_orders", "status")),
    Call("histogram_diff", {"model": "fct_orders", "column_name": "amount"},
         ("histogram-diff", "fct_orders", "amount")),
    Call("query", {"sql_template": QUERY_SQL}, ("query", QUERY_SQL)),
    Call("query_diff", {"sql_template": QUERY_SQL, "primary_keys": ["status"]},
         ("query-diff", QUERY_SQL, "-k", "status")),
    Call("impact", {}, ("impact",), key=None),
    Call("column_lineage", {"model": "fct_orders", "column": "amount"}, ("column-lineage", "fct_orders.amount"),
         key=None),
)


def demo_args(demo: DemoPaths) -> list[str]:
    return ["--project-dir", str(demo.project_dir), "--profiles-dir", str(demo.profiles_dir)]


def figures(answer: Mapping[str, Any], key: str | None) -> Any:
    return answer[key] if key is not None else answer


def cli_json(capsys: pytest.CaptureFixture[str], demo: DemoPaths, call: Call) -> Any:
    """What ``spyglass <command> --json`` prints for the call (run in this process)."""
    assert call.cli is not None
    code, out, err = spyglass(capsys, *call.cli, "--json", *demo_args(demo))
    assert code == 0, err
    return json.loads(out)


async def call_ok(client: Client, tool: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, dict(arguments))
    assert not result.is_error, result.content
    assert result.content and result.content[0].type == "text" and result.content[0].text
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def call_refused(client: Client, tool: str, arguments: Mapping[str, Any]) -> CallToolResult:
    result = await client.call_tool(tool, dict(arguments))
    assert result.is_error, result
    return result


async def review_session(client: Client) -> dict[str, dict[str, Any]]:
    """List the tools, call every one (the checklist ones on a run kept as a check), refuse hostile SQL;
    the answers by tool."""
    listing = await client.list_tools()
    assert {tool.name for tool in listing.tools} == TOOLS
    schemas = {tool.name: tool.input_schema for tool in listing.tools}
    assert set(schemas["value_diff"]["properties"]) >= {"model", "primary_key", "where"}  # from ValueDiffParams
    read_only = {tool.name for tool in listing.tools if tool.annotations and tool.annotations.read_only_hint}
    assert {"run_check", "add_check", "approve_check", "gitlab_post"}.isdisjoint(read_only)
    answers = {call.tool: await call_ok(client, call.tool, call.arguments) for call in CALLS}
    for sql, said in HOSTILE.items():
        refused = await call_refused(client, "query", {"sql_template": sql})
        error = refused.structured_content["error"]
        assert refused.structured_content["status"] == "failed" and said in error["message"] and error["remedy"]
    missing = await call_refused(client, "query", {"sql_template": "select * from no_such_table"})
    assert missing.structured_content["error"]["remedy"]  # the warehouse's error, as a tool error: no crash
    run_id = answers["row_count_diff"]["run_id"]
    added = await call_ok(client, "add_check", {"run_id": run_id, "name": "Orders count"})
    check_id = added["check"]["check_id"]
    listed = await call_ok(client, "list_checks", {})
    assert [c["name"] for c in listed["checks"]] == ["Orders count"]
    assert listed["checks"][0]["last_run"]["run_id"] == run_id
    rerun = await call_ok(client, "run_check", {"check_id": check_id})
    assert rerun["check_id"] == check_id and rerun["result"] == answers["row_count_diff"]["result"]
    approved = await call_ok(client, "approve_check", {"check_id": check_id})
    assert approved["check"]["approved"] is True
    answers["summary"] = await call_ok(client, "summary", {})
    assert "Orders count" in answers["summary"]["markdown"]
    unavailable = await call_refused(client, "gitlab_post", {})
    assert "unavailable" in unavailable.structured_content["error"] and unavailable.structured_content["remedy"]
    bad = await call_refused(client, "value_diff", {"primary_key": "id"})
    assert "model" in bad.structured_content["error"]
    misspelt = await call_refused(client, "top_k_diff", {"model": "fct_orders", "column": "status"})
    assert "'column'" in misspelt.structured_content["error"] and "column_name" in misspelt.structured_content["remedy"]
    return answers


def assert_same_as_cli(answers: Mapping[str, Mapping[str, Any]], capsys: pytest.CaptureFixture[str],
                       demo: DemoPaths) -> None:
    for call in CALLS:
        if call.cli is None:
            assert answers[call.tool]["status"] == "success", answers[call.tool]
            continue
        printed = cli_json(capsys, demo, call)
        assert figures(answers[call.tool], call.key) == figures(printed, call.key), call.tool
        if call.key is not None:
            assert (answers[call.tool]["mismatch"], answers[call.tool]["headline"]) == (
                printed["mismatch"], printed["headline"])
