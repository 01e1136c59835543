"""Fixtures for the store tests: a store on SQLite or on the suite's real PostgreSQL server.

The PostgreSQL server is the session-scoped ``postgres_server`` of ``tests/fixtures/warehouses.py``;
each store test gets a schema of its own there (selected through the URL's ``search_path`` option).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from spyglass.store import Store
from tests.fixtures.warehouses import PostgresServer
from tests.store.faults import postgres_store_url


@pytest.fixture
def store_postgres_database(postgres_server: PostgresServer) -> str:
    """URL of a new, empty schema on the test PostgreSQL server (as a user sharing a database would)."""
    return postgres_store_url(postgres_server)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """An environment naming a fresh, empty store on the backend under test (and its own home)."""
    environ = {"SPYGLASS_HOME": str(tmp_path / "home")}
    if request.param == "postgres":
        environ["SPYGLASS_DATABASE_URL"] = request.getfixturevalue("store_postgres_database")
    return environ


@pytest.fixture
def store(store_env: Mapping[str, str]) -> Iterator[Store]:
    """A migrated store on the backend under test."""
    with Store.open(store_env) as opened:
        yield opened


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
