"""Ctrl+C (SIGINT) and SIGTERM on commands that query the warehouse: the query is cancelled in the
warehouse and the process exits 130. Real `spyglass` processes, real DuckDB and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from spyglass.project.models import Env
from tests.cli.crafted_project import orders_project
from tests.fixtures.warehouses import Crafted, PostgresServer

#: generous upper bounds: the uncancelled queries below run for minutes
STARTUP_SECONDS = 90
EXIT_SECONDS = 30

SIGNALS = [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]


def _start(*args: str | Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "spyglass", *map(str, args)], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "200"})


def _wait_for(process: subprocess.Popen[str], ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"spyglass exited with {process.returncode} before {what}:\n{out}\n{err}")
        if ready():
            return
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen[str], signum: int) -> tuple[int, str, float]:
    """Send ``signum``; (exit code, stderr, seconds until the process ended)."""
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        _, err = process.communicate(timeout=EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"spyglass still running {EXIT_SECONDS} s after {signal.Signals(signum).name}")
    return process.returncode, err, time.monotonic() - sent


def _running_queries(server: PostgresServer, marker: str) -> list[tuple[object, ...]]:
    return server.admin_execute("select pid, state, query from pg_stat_activity "
                                f"where query like '%{marker}%' and query not like '%pg_stat_activity%'")


def _assert_nothing_left(server: PostgresServer, marker: str) -> None:
    """No backend runs (or holds) a query of the process any more; backends end shortly after it exits."""
    deadline = time.monotonic() + 15
    while _running_queries(server, marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _running_queries(server, marker) == []


# -- PostgreSQL ----------------------------------------------------------------------------------------------
def _postgres_command(kind: str, crafted: Crafted, project: Path, marker: str) -> list[str | Path]:
    if kind == "query-diff":
        return ["query-diff", f"select pg_sleep(300) as slept, '{marker}' as marker", "--project-dir", project]
    if kind == "value-diff":  # every query over the slow view sleeps; the marker is its schema's name
        return ["value-diff", "orders", "-k", "id", "--project-dir", project]
    (project / "spyglass.yml").write_text(textwrap.dedent(f"""\
        checks:
          - name: Slow query
            type: query
            params: {{sql_template: "select pg_sleep(300) as slept, '{marker}' as marker"}}
        """))
    return ["run", "--project-dir", project, "-o", project / "state.json", "--fail-on", "error"]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
@pytest.mark.parametrize("signum", SIGNALS)
@pytest.mark.parametrize("kind", ["query-diff", "value-diff", "run"])
def test_signal_cancels_the_postgres_query_and_exits_130(kind: str, signum: int, crafted: Crafted,
                                                         postgres_server: PostgresServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    slow = "create view {relation} as select g as id, pg_sleep(300)::text as slept from generate_series(1, 3) as g"
    project = orders_project(crafted, monkeypatch, slow, slow)
    # the value diff's queries name the view's schemas (base_<id>, current_<id>); the others carry a marker
    marker = crafted.schemas[Env.BASE].split("_")[-1] if kind == "value-diff" else f"m{uuid.uuid4().hex}"
    process = _start(*_postgres_command(kind, crafted, project, marker), cwd=project)
    _wait_for(process, lambda: any(state == "active" for _, state, _ in _running_queries(postgres_server, marker)),
              "its query runs in PostgreSQL")
    code, err, seconds = _stop(process, signum)
    assert code == 130, err
    assert "Interrupted: cancelling the warehouse query..." in err
    assert "Traceback" not in err
    assert seconds < EXIT_SECONDS
    _assert_nothing_left(postgres_server, marker)
    assert not (project / "state.json").exists()  # an interrupted run leaves no half state behind


# -- DuckDB --------------------------------------------------------------------------------------------------
def _opened(process: subprocess.Popen[str], database: Path) -> bool:
    """True once the process holds the DuckDB file open (it has connected)."""
    try:
        return any(os.readlink(fd.path) == str(database) for fd in os.scandir(f"/proc/{process.pid}/fd"))
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize(("kind", "signum"), [pytest.param("query", signal.SIGINT, id="query-SIGINT"),
                                              pytest.param("value-diff", signal.SIGTERM, id="value-diff-SIGTERM")])
def test_signal_cancels_a_heavy_duckdb_query_and_exits_130(kind: str, signum: int, crafted: Crafted,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cross_join = "select a.x as id, b.y as v from range(1000000) as a(x), range(1000000) as b(y)"
    heavy = f"create view {{relation}} as {cross_join}"
    project = orders_project(crafted, monkeypatch, heavy, heavy)
    crafted.close()
    crafted._admin.close()  # DuckDB lets one process at a time open the file
    args: list[str | Path] = (["query", f"select count(*) from ({cross_join}) as t where id + v = -1"]
                              if kind == "query" else ["value-diff", "orders", "-k", "id"])
    process = _start(*args, "--project-dir", project, cwd=project)
    _wait_for(process, lambda: _opened(process, project / "crafted.duckdb"), "it opens the database")
    time.sleep(1.5)  # connected: the heavy query starts right after `select 1`
    code, err, seconds = _stop(process, signum)
    assert code == 130, err
    assert "Interrupted: cancelling the warehouse query..." in err
    assert seconds < EXIT_SECONDS


# -- work that does not stop when cancelled ------------------------------------------------------------------
_STUCK_WORK = """
import sys, time
from spyglass.cli.interrupt import run_interruptibly
from spyglass.exceptions import Cancelled

def work(token):
    print("ready", flush=True)
    time.sleep(120)  # ignores the token, like a driver call that cannot be interrupted

try:
    run_interruptibly(work, grace=float(sys.argv[1]))
except Cancelled as exc:
    sys.exit(exc.exit_code)
"""


@pytest.mark.parametrize(("grace", "signals"), [pytest.param(1.0, 1, id="grace-expires"),
                                                pytest.param(120.0, 2, id="second-signal")])
def test_stuck_work_still_exits_130(tmp_path: Path, grace: float, signals: int) -> None:
    process = subprocess.Popen([sys.executable, "-c", _STUCK_WORK, str(grace)], text=True, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    started = time.monotonic()
    for _ in range(signals):
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
    _, err = process.communicate(timeout=EXIT_SECONDS)
    assert process.returncode == 130
    assert "Interrupted: cancelling the warehouse query..." in err
    assert ("did not stop within 1 s" if signals == 1 else "Interrupted again") in err
    assert time.monotonic() - started < 10
