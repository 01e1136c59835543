"""SIGTERM and SIGINT stop ``spyglass server`` within seconds, cancelling the warehouse query under way.

A real server process over a real warehouse (DuckDB, and PostgreSQL where ``pg_stat_activity`` shows
that nothing was left running), with a slow query started through the API and a page's long poll open.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml

from spyglass.settings import ProjectSettings
from tests.fixtures.warehouses import PostgresServer
from tests.project.manifest_builder import shop_builders, write_pair
from tests.server.server_process import server_command, started

pytestmark = pytest.mark.slow

SLOW_SQL = {"duckdb": "select count(*) as n from range(1000000000000) a",
            "postgres": "select pg_sleep(600) as slept"}
#: generous: the server's own bound is about 8 s after the signal, usually it takes 1-2 s
STOP_WITHIN = 12.0


def _profile(engine: str, directory: Path, request: pytest.FixtureRequest) -> dict[str, object]:
    if engine == "duckdb":
        import duckdb

        path = directory / "warehouse.duckdb"
        duckdb.connect(str(path)).close()
        return {"type": "duckdb", "path": str(path), "threads": 2}
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return {"type": "postgres", "host": server.host, "port": server.port, "user": server.user, "password": "",
            "dbname": server.database, "schema": "public", "threads": 2}


@pytest.fixture
def project(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> ProjectSettings:
    """The shop's artifacts over an ``engine`` warehouse (the query API needs no model built)."""
    directory = tmp_path / "project"
    write_pair(directory, *shop_builders())
    (directory / "dbt_project.yml").write_text(yaml.safe_dump({"name": "shop", "profile": "shop", "version": "1.0"}))
    profiles = {"shop": {"target": "dev", "outputs": {"dev": _profile(engine, directory, request)}}}
    (directory / "profiles.yml").write_text(yaml.safe_dump(profiles))
    return ProjectSettings(project_dir=directory, profiles_dir=directory)


def _sleeping_queries(request: pytest.FixtureRequest) -> int:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    rows = server.admin_execute("select count(*) from pg_stat_activity where query ilike '%pg_sleep(600)%' "
                                "and state = 'active' and pid <> pg_backend_pid()")
    return int(rows[0][0])


def _long_poll(url: str) -> None:
    with contextlib.suppress(httpx.HTTPError):  # the server went away: what a page sees when it stops
        httpx.get(url, timeout=120)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_server_and_its_running_query(engine: str, project: ProjectSettings, tmp_path: Path,
                                                         request: pytest.FixtureRequest, signum: int) -> None:
    with started(server_command(project), tmp_path / "stderr.log") as server:
        response = httpx.post(f"{server.url}/api/query", params={"timeout": 1}, timeout=60,
                              json={"env": "current", "sql_template": SLOW_SQL[engine]})
        assert response.status_code == 200, response.text
        run = response.json()
        assert run["status"] == "running", run
        for poll in (f"{server.url}/api/runs/{run['run_id']}/wait?timeout=300",   # a page waiting for the run
                     f"{server.url}/api/events?version=1&timeout=60"):            # a page waiting for a reload
            threading.Thread(target=_long_poll, args=(poll,), daemon=True).start()
        if engine == "postgres":
            deadline = time.monotonic() + 30
            while _sleeping_queries(request) == 0:
                assert time.monotonic() < deadline, httpx.get(f"{server.url}/api/runs/{run['run_id']}").text
                time.sleep(0.1)
        time.sleep(0.5)  # let the long polls reach the server
        server.stop(signum, within=STOP_WITHIN)
    # the open requests were answered, not cut off; nothing was logged as an error
    assert "Traceback" not in server.stderr and "ERROR" not in server.stderr, server.stderr
    if engine == "postgres":
        deadline = time.monotonic() + 5
        while _sleeping_queries(request):
            assert time.monotonic() < deadline, "the query is still running in PostgreSQL"
            time.sleep(0.1)


STUCK_TEMPLATE = "select 1 as a {% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


@pytest.mark.parametrize("engine", ["duckdb"])
def test_runs_stuck_in_templates_do_not_hold_the_server(engine: str, project: ProjectSettings,
                                                        tmp_path: Path) -> None:
    with started(server_command(project), tmp_path / "stderr.log") as server:
        for _ in range(4):  # as many as there are workers
            response = httpx.post(f"{server.url}/api/query", params={"timeout": 1}, timeout=60,
                                  json={"env": "current", "sql_template": STUCK_TEMPLATE})
            assert response.status_code == 200 and response.json()["status"] == "running", response.text
        server.stop(signal.SIGTERM, within=STOP_WITHIN)
    assert "Traceback" not in server.stderr, server.stderr
