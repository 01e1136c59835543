"""Fixtures for the store tests: a store on SQLite or on a real PostgreSQL server, one fresh database each."""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import psycopg2
import pytest

from spyglass.store import Store

#: builds an environment for Store.open on the backend under test
EnvFactory = Callable[[], dict[str, str]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture(scope="session")
def store_postgres_url() -> Iterator[str]:
    """Admin URL of a throwaway PostgreSQL cluster on a loopback port (stopped at session end)."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        message = "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    bin_dir = Path(binaries[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="spyglass-store-pg-"))
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data, port = root / "data", _free_port()
    subprocess.run(
        _as_postgres([str(bin_dir / "initdb"), "-A", "trust", "-U", "postgres", "--no-sync", "-D", str(data)]),
        check=True, capture_output=True,
    )
    options = f"-p {port} -h 127.0.0.1 -k {root} -F -c fsync=off -c max_connections=60"
    subprocess.run(
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options,
                      "-w", "start"]),
        check=True, capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _fresh_schema(admin_url: str) -> str:
    """A new empty schema, and a URL whose connections use it (as a user sharing a database would)."""
    name = f"store_{secrets.token_hex(6)}"
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {name}")
    finally:
        connection.close()
    return f"{admin_url}?options=-csearch_path%3D{name}"


@pytest.fixture
def store_postgres_database(store_postgres_url: str) -> str:
    """URL of a new, empty schema on the test PostgreSQL server."""
    return _fresh_schema(store_postgres_url)


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
    return _free_port()
