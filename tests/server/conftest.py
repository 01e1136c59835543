"""Fixtures for the server tests: a written shop project (no dbt needed) and an in-process client.

``shop_project`` writes base/current manifests and catalogs with ``tests.project.manifest_builder``;
``make_client(...)`` builds the app with :func:`spyglass.server.launch.build_app` and returns a
Starlette ``TestClient`` (httpx over ASGI, lifespan included). Without a dbt profile the warehouse is
unavailable, so warehouse checks fail (ConfigError: no profiles.yml); lineage, schema diff, checks and
state work.

The TestClient sends ``Host: testserver``: :func:`in_process_config` adds that name to the served
hosts (as ``--allowed-host testserver`` would), and :func:`in_process_client` sends the
``X-Spyglass-Request`` header on every request, as the UI does. The rules themselves are tested over
real HTTP in ``test_browser_boundary.py``.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette asks for the `httpx2` package instead of httpx; the client works the same with httpx, which
    # the project already depends on, so this one import-time notice is silenced rather than repeated.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from fastapi import FastAPI

from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app
from spyglass.server.security import REQUEST_HEADER
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from tests.project.manifest_builder import shop_builders, write_catalog, write_pair

MakeClient = Callable[..., TestClient]

BASE_COLUMNS = {
    "model.shop.customers": [("customer_id", "INTEGER"), ("name", "VARCHAR"), ("city", "VARCHAR")],
    "model.shop.stg_orders": [("order_id", "INTEGER"), ("amount", "INTEGER")],
}
CURRENT_COLUMNS = {
    "model.shop.customers": [("customer_id", "BIGINT"), ("name", "VARCHAR"), ("email", "VARCHAR")],
    "model.shop.stg_orders": [("order_id", "INTEGER"), ("amount", "INTEGER")],
}

#: the Host header of Starlette's TestClient
TEST_HOST = "testserver"


def in_process_config(config: ServerConfig) -> ServerConfig:
    """``config`` serving the TestClient's host name too."""
    return dataclasses.replace(config, allowed_hosts=(*config.allowed_hosts, TEST_HOST))


def in_process_client(app: FastAPI) -> TestClient:
    """A TestClient (not yet started) sending what the UI sends on every request."""
    return TestClient(app, raise_server_exceptions=False, headers={REQUEST_HEADER: "1"})


@pytest.fixture
def shop_project(tmp_path: Path) -> ProjectSettings:
    """A project directory holding target-base/ and target/ for the builder's shop change set."""
    project = tmp_path / "shop"
    base, current = shop_builders()
    base_dir, current_dir = write_pair(project, base, current)
    write_catalog(base_dir, BASE_COLUMNS)
    write_catalog(current_dir, CURRENT_COLUMNS)
    (project / "dbt_project.yml").write_text("name: shop\nprofile: no_such_profile\n")
    return ProjectSettings(project_dir=project, profiles_dir=project)


@pytest.fixture
def make_client(shop_project: ProjectSettings, tmp_path: Path) -> Iterator[MakeClient]:
    """``make_client(config=None, state_path=..., settings=...)`` → a started TestClient."""
    clients: list[TestClient] = []

    def make(*, config: ServerConfig | None = None, state_path: Path | None = None,
             settings: ProjectSettings | None = None) -> TestClient:
        session = Session.load(settings or shop_project)
        path = state_path if state_path is not None else tmp_path / "state.json"
        app = build_app(session, path, config=in_process_config(config or ServerConfig(reload_interval=0.1)),
                        environ=dict(os.environ))
        client = in_process_client(app)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()
