"""``spyglass mcp``: the review tools for AI agents, over the Model Context Protocol (stdio, or ``--http``)."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from spyglass.cli.interrupt import run_interruptibly
from spyglass.cli.options import project_options, settings_from
from spyglass.exceptions import UsageError


def register(group: click.Group) -> None:
    """Add ``mcp`` to the ``spyglass`` group."""
    group.add_command(mcp_command)


@click.command("mcp")
@click.argument("state_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--http", "http", is_flag=True,
              help="Serve streamable HTTP on http://HOST:PORT/api/mcp instead of standard input and output.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="With --http: address to bind; anything but loopback needs --auth-token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="With --http: port to listen on (0: any free port; the URL printed names it).")
@click.option("--auth-token", default=None, envvar="SPYGLASS_AUTH_TOKEN", show_envvar=True,
              help="With --http: the token every request must carry (Authorization: Bearer TOKEN).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="With --http: another host name clients use to reach it (repeatable; also "
                   "SPYGLASS_ALLOWED_HOSTS). Requests naming any other host are refused.")
@project_options
def mcp_command(state_file: Path | None, http: bool, host: str, port: int, auth_token: str | None,
                allowed_hosts: tuple[str, ...], **kwargs: Any) -> None:
    """Serve the review tools (diffs, impact, checks, summary) to AI agents over the Model Context Protocol.

    STATE_FILE (optional) holds the checklist: loaded when it exists, saved after every change.
    """
    from spyglass.service import Session

    launch = _launcher()
    given = click.get_current_context().get_parameter_source("auth_token")
    if not http and (given is click.core.ParameterSource.COMMANDLINE or allowed_hosts):
        raise click.UsageError("--auth-token and --allowed-host apply to --http only (stdio has no network).")
    config = launch.http_config(host, port, auth_token, allowed_hosts, os.environ) if http else None
    session = Session.load(settings_from(kwargs))
    try:
        if config is not None:
            launch.serve_http(session, state_file, config)
        else:
            # Ctrl+C, SIGTERM, SIGHUP: the calls' queries cancelled, the checklist written, exit 130
            run_interruptibly(lambda stop: launch.serve_stdio(session, state_file, stop=stop))
    finally:
        session.close()


def _launcher() -> ModuleType:
    """:mod:`spyglass.mcp.launch`, imported now: it needs the MCP SDK, an optional extra."""
    try:
        import mcp  # noqa: F401
    except ModuleNotFoundError:
        raise UsageError("`spyglass mcp` needs the Model Context Protocol SDK, which is not installed.",
                         remedy="Install Spyglass with its mcp extra: pip install 'spyglass[mcp]'.") from None
    from spyglass.mcp import launch

    return launch
