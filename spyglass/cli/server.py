"""``spyglass server``: the web UI and JSON API over the project's artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from spyglass.cli.options import project_options, settings_from

if TYPE_CHECKING:
    from spyglass.service import Session


def register(group: click.Group) -> None:
    """Add ``server`` to the ``spyglass`` group."""
    group.add_command(server)


@click.command("server")
@click.argument("state_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (127.0.0.1, ::1 ...); anything but loopback needs --auth-token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port; the URL printed names it).")
@click.option("--auth-token", default=None, envvar="SPYGLASS_AUTH_TOKEN", show_envvar=True,
              help="Token every API request must carry (the UI asks for it once).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Another host name clients use to reach the server (a reverse proxy's, the one GitLab's "
                   "webhook calls); repeatable, also SPYGLASS_ALLOWED_HOSTS (comma-separated). Requests "
                   "naming any other host than HOST, localhost, 127.0.0.1 and [::1] are refused.")
@project_options
def server(state_file: Path | None, host: str, port: int, auth_token: str | None,
           allowed_hosts: tuple[str, ...], **kwargs: Any) -> None:
    """Serve the lineage, diffs, checklist and GitLab pages on http://HOST:PORT.

    STATE_FILE (optional) holds the checklist: loaded when it exists, saved after every change.
    """
    from spyglass.service import Session

    session = Session.load(settings_from(kwargs))
    try:
        serve(session, state_file, host=host, port=port, auth_token=auth_token, allowed_hosts=allowed_hosts)
    finally:
        session.close()


def serve(session: Session, state_path: Path | None, *, host: str = "127.0.0.1", port: int = 8000,
          auth_token: str | None = None, allowed_hosts: tuple[str, ...] = ()) -> None:
    """Serve the UI over ``session`` until interrupted (see :func:`spyglass.server.launch.serve`).

    Imported lazily so that other ``spyglass`` commands do not load the web stack.
    """
    from spyglass.server.launch import serve as serve_app

    serve_app(session, state_path, host=host, port=port, auth_token=auth_token, allowed_hosts=allowed_hosts)
