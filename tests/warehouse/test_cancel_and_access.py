"""Cancellation of running queries, permission errors, sandboxing, two warehouses in one process."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from spyglass.exceptions import Cancelled, ExternalAccessDenied, PermissionDenied
from spyglass.settings import ProjectSettings
from spyglass.warehouse.base import CancelToken, QueryResult
from spyglass.warehouse.dbt import open_warehouse
from tests.fixtures.warehouses import Crafted, PostgresServer, write_project

#: a query that runs for minutes unless cancelled
LONG_QUERY = {
    "duckdb": "select count(*) from range(1000000000) as a(x), range(1000000000) as b(y) where a.x + b.y = -1",
    "postgres": "select pg_sleep(120)",
}


def _cancel_after(token: CancelToken, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, token.cancel)
    timer.start()
    return timer


def test_cancel_stops_a_running_query(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    token = CancelToken()
    _cancel_after(token, 0.5)
    started = time.monotonic()
    with pytest.raises(Cancelled):
        wh.execute(LONG_QUERY[crafted.engine], cancel=token)
    assert time.monotonic() - started < 10
    # the thread's connection is usable again afterwards
    assert wh.execute("select 5").scalar() == 5


def test_cancel_stops_every_statement_of_execute_many(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    token = CancelToken()
    _cancel_after(token, 0.5)
    started = time.monotonic()
    results = wh.execute_many([LONG_QUERY[crafted.engine]] * 3 + ["select 1"] * 3, cancel=token)
    assert time.monotonic() - started < 15
    assert all(isinstance(r, Cancelled) for r in results[:3])
    # statements still waiting in the pool when the token fired never run
    assert all(isinstance(r, Cancelled | QueryResult) for r in results[3:])
    assert wh.execute_many(["select 1", "select 2"]) != []
    assert [r.scalar() for r in wh.execute_many(["select 1", "select 2"]) if isinstance(r, QueryResult)] == [1, 2]


def test_already_cancelled_token_runs_nothing(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        wh.execute("select 1", cancel=token)


def test_cancel_after_completion_leaves_connection_usable(crafted: Crafted) -> None:
    wh = crafted.warehouse()
    token = CancelToken()
    assert wh.execute("select 1", cancel=token).scalar() == 1
    token.cancel()
    assert wh.execute("select 2").scalar() == 2


@pytest.mark.slow
@pytest.mark.postgres
def test_permission_denied_for_role_without_select(postgres_server: PostgresServer, tmp_path: Path) -> None:
    suffix = str(time.monotonic_ns())[-8:]
    role, schema = f"reader_{suffix}", f"locked_{suffix}"
    postgres_server.admin_execute(
        f"create role {role} login; create schema {schema}; create table {schema}.secret as select 1 as id; "
        f"grant usage on schema {schema} to {role}"
    )
    project = tmp_path / "proj"
    write_project(project, {"crafted": {"target": "reader", "outputs": {"reader": {
        "type": "postgres", "host": postgres_server.host, "port": postgres_server.port, "user": role,
        "password": "", "dbname": postgres_server.database, "schema": "public", "threads": 2}}}})
    wh = open_warehouse(ProjectSettings(project_dir=project, profiles_dir=project))
    try:
        with pytest.raises(PermissionDenied) as info:
            wh.execute(f"select * from {schema}.secret")
        assert "SELECT" in info.value.remedy and not isinstance(info.value, ExternalAccessDenied)
        # the server's files need roles this one lacks: a refused file access, not a missing grant
        for sql in ("select pg_read_file('/etc/passwd')", "select pg_current_logfile()",
                    "select * from pg_file_settings"):
            with pytest.raises(ExternalAccessDenied) as files:
                wh.execute(sql)
            assert "permission denied" in files.value.message and "Grant" not in files.value.remedy, sql
        assert wh.execute("select 3").scalar() == 3
    finally:
        wh.close()
        postgres_server.admin_execute(f"drop schema {schema} cascade; drop role {role}")


def test_sandboxed_duckdb_cannot_read_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n")
    project = tmp_path / "proj"
    write_project(project, {"crafted": {"target": "dev", "outputs": {"dev": {
        "type": "duckdb", "path": str(tmp_path / "sandbox.duckdb"), "threads": 2}}}})
    with open_warehouse(ProjectSettings(project_dir=project, profiles_dir=project)) as open_wh:
        assert open_wh.execute(f"select count(*) from read_csv('{secret}')").scalar() == 1
    with open_warehouse(ProjectSettings(project_dir=project, profiles_dir=project), sandboxed=True) as wh:
        with pytest.raises(PermissionDenied):
            wh.execute(f"select * from read_csv('{secret}')")
        with pytest.raises(PermissionDenied):
            wh.execute(f"copy (select 1) to '{tmp_path / 'out.csv'}'")
        # the sandbox cannot be switched off from a query
        results = wh.execute_many(["set enable_external_access = true", "set lock_configuration = false"])
        assert all(isinstance(r, Exception) for r in results)
        assert not (tmp_path / "out.csv").exists()
        assert wh.execute("select 1 + 1").scalar() == 2


def test_two_duckdb_warehouses_in_one_process_stay_separate(tmp_path: Path) -> None:
    warehouses = []
    for name in ("one", "two"):
        project = tmp_path / name
        write_project(project, {"crafted": {"target": "dev", "outputs": {"dev": {
            "type": "duckdb", "path": str(tmp_path / f"{name}.duckdb"), "threads": 2}}}})
        wh = open_warehouse(ProjectSettings(project_dir=project, profiles_dir=project))
        wh.execute(f"create table marker as select '{name}' as who")
        warehouses.append(wh)
    one, two = warehouses
    # interleaved use: each warehouse still reads its own file
    assert one.execute("select who from marker").scalar() == "one"
    assert two.execute("select who from marker").scalar() == "two"
    assert one.execute_many(["select who from marker"] * 4)[3] == one.execute("select who from marker")
    two.close()
    assert one.execute("select who from marker").scalar() == "one"
    one.close()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"])
def test_no_postgres_session_is_left_idle_in_transaction(crafted: Crafted, postgres_server: PostgresServer) -> None:
    wh = crafted.warehouse()
    wh.execute_many(["select 1", "select * from no_such_table", "selec 1"])
    token = CancelToken()
    _cancel_after(token, 0.3)
    with pytest.raises(Cancelled):
        wh.execute(LONG_QUERY["postgres"], cancel=token)
    states = postgres_server.admin_execute(
        "select state from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()")
    assert states and all(state == "idle" for (state,) in states)
