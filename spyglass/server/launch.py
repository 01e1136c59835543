"""Assemble and run the server: sandboxed session, workspace from the state file, GitLab, then serve it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from fastapi import FastAPI

from spyglass.server.app import create_app
from spyglass.server.config import (
    ServerConfig,
    is_loopback,
    resolve_allowed_hosts,
    resolve_auth_token,
    validate_bind_host,
)
from spyglass.server.gitlab_port import GitLabPort
from spyglass.server.serving import bind_sockets, run_app
from spyglass.server.workspace import Workspace, keep_binding
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import State
from spyglass.state.store import load_state, new_state
from spyglass.store.db import Store
from spyglass.warehouse.base import Warehouse


def sandboxed_opener(settings: ProjectSettings) -> Warehouse:
    """Open the warehouse so user SQL cannot read local files or reach the network (DuckDB)."""
    from spyglass.warehouse.dbt import open_warehouse

    return open_warehouse(settings, sandboxed=True)


def sandboxed_session(session: Session) -> Session:
    """A session over the same settings and artifact snapshot whose warehouse is opened sandboxed."""
    return Session(session.settings, session.snapshot, open_warehouse=sandboxed_opener)


def open_workspace(session: Session, state_path: Path | None) -> Workspace:
    """The state file's checks and runs (when it exists), describing the session's environments; the
    file is written once here (checked to be a state file first), and from then on by the workspace."""
    state: State = new_state(datetime.now(timezone.utc))
    if state_path is not None and state_path.exists():
        state = load_state(state_path)
    snapshot = session.snapshot
    state = state.model_copy(update={"environment": keep_binding(session.environment_info(snapshot),
                                                                 state.environment),
                                     "lineage": session.lineage_summary(snapshot)})
    workspace = Workspace(state, path=state_path)
    if state_path is not None:
        workspace.save()
    return workspace


def build_app(
    session: Session, state_path: Path | None, *, config: ServerConfig, environ: Mapping[str, str],
) -> FastAPI:
    """The app as ``spyglass server`` runs it (the session is used as given).

    The Spyglass store ``environ`` names is opened (and migrated) here, once for the app's life: every
    GitLab route and webhook delivery uses it, and the app closes it when it shuts down.
    """
    store = Store.open(environ)
    try:
        gitlab = GitLabPort(store, environ)
        return create_app(session, open_workspace(session, state_path), config=config, gitlab=gitlab)
    except BaseException:
        store.close()
        raise


def serve(
    session: Session,
    state_path: Path | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    auth_token: str | None = None,
    allowed_hosts: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> None:
    """Serve the UI and API until interrupted (what ``spyglass server`` and ``spyglass demo`` call).

    Binding anywhere but loopback requires ``auth_token`` (or ``SPYGLASS_AUTH_TOKEN``): UsageError
    otherwise. Requests must name the server by ``host``, a loopback name or one of ``allowed_hosts``
    (plus ``SPYGLASS_ALLOWED_HOSTS``). The queries run on a sandboxed copy of ``session``.
    "Spyglass is serving on URL" is printed once the server answers there.
    """
    env = environ if environ is not None else os.environ
    validate_bind_host(host)
    config = ServerConfig(host=host, port=port, auth_token=resolve_auth_token(host, auth_token, env),
                          allowed_hosts=resolve_allowed_hosts(allowed_hosts, env))
    sockets = bind_sockets(host, port)
    sandboxed = sandboxed_session(session)
    try:
        app = build_app(sandboxed, state_path, config=config, environ=env)
        run_app(app, config, sockets, announce=lambda url: _announce(url, config))
    finally:
        for sock in sockets:
            sock.close()
        sandboxed.close()


def _announce(url: str, config: ServerConfig) -> None:
    print(f"Spyglass is serving on {url}  (Ctrl+C to stop)", flush=True)
    if not is_loopback(config.host):
        names = ", ".join(sorted(config.served_hosts()))
        print(f"It answers to the host names {names}; add the names clients use with --allowed-host.",
              flush=True)
