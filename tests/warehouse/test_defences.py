"""Defence in depth under the user-SQL parser: read-only execution, the DuckDB sandbox on every handle,
and PostgreSQL aborting the query of a client that was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from spyglass.exceptions import PermissionDenied, WarehouseError
from spyglass.project.models import Env
from spyglass.settings import ProjectSettings
from spyglass.warehouse.dbt import DbtWarehouse, open_warehouse
from tests.fixtures.warehouses import Crafted, PostgresServer, write_project

PEOPLE = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"
REPO = Path(__file__).resolve().parents[2]


def test_read_only_statements_cannot_write(crafted: Crafted) -> None:
    """A write smuggled past the parser fails in the warehouse and nothing is kept (PostgreSQL: the
    crafted profile is the superuser)."""
    crafted.create_model("people", PEOPLE, PEOPLE)
    relation = crafted.relation("people", Env.CURRENT)
    intruder = crafted.relation("intruder", Env.CURRENT)
    smuggled = [f"drop table {relation}", f"insert into {relation} values (9, 'z')", f"delete from {relation}",
                f"update {relation} set name = 'x'", f"create table {intruder} as select 1 as x",
                f"alter table {relation} add column evil int", f"select 1; drop table {relation}"]
    if crafted.engine == "postgres":
        smuggled.append(f"with gone as (delete from {relation} returning *) select * from gone")
    wh = crafted.warehouse()
    for statement in smuggled:
        with pytest.raises(WarehouseError):
            wh.execute(statement, read_only=True)
    assert all(isinstance(r, WarehouseError) for r in wh.execute_many(smuggled, read_only=True))
    other = crafted.warehouse()  # another connection sees what was committed: nothing
    assert other.execute(f"select count(*) from {relation} where name in ('a', 'b')").scalar() == 2
    assert [c.name for c in other.execute(f"select * from {relation}").columns] == ["id", "name"]
    with pytest.raises(WarehouseError):
        other.execute(f"select * from {intruder}")
    # reads work read-only, and the connection is back to normal afterwards (the transaction ended)
    assert wh.execute(f"select count(*) from {relation}", read_only=True).scalar() == 2
    wh.execute(f"insert into {relation} values (3, 'c')")
    assert other.execute(f"select count(*) from {relation}").scalar() == 3


def _in_thread(work: Callable[[], object]) -> object:
    """Run ``work`` on a thread that then ends (its warehouse connection is closed on the next use)."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # handed to the caller
            outcome.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    return outcome[0]


@pytest.mark.parametrize("keep_open", [True, False])
def test_duckdb_sandbox_holds_on_every_handle(tmp_path: Path, keep_open: bool) -> None:
    """With ``keep_open: false`` dbt-duckdb reopens the database after its last handle closed; the
    reopened one must be sandboxed too."""
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n")
    out = tmp_path / "out.csv"
    project = tmp_path / "proj"
    write_project(project, {"crafted": {"target": "dev", "outputs": {"dev": {
        "type": "duckdb", "path": str(tmp_path / "sandbox.duckdb"), "threads": 2, "keep_open": keep_open}}}})
    settings = ProjectSettings(project_dir=project, profiles_dir=project)
    opened = _in_thread(lambda: open_warehouse(settings, sandboxed=True))
    assert isinstance(opened, DbtWarehouse)
    with opened as wh:
        for i in range(4):  # queries on threads that end: each one's connection closes on the next use
            assert _in_thread(lambda i=i: wh.execute(f"select {i}").scalar()) == i
        attacks = [f"select * from read_csv('{secret}')", f"copy (select 1) to '{out}'",
                   f"select * from '{secret}'"]
        for attack in attacks:
            assert isinstance(_in_thread(lambda attack=attack: wh.execute(attack)), PermissionDenied), attack
        assert all(isinstance(r, PermissionDenied) for r in wh.execute_many(attacks))
        assert isinstance(_in_thread(lambda: wh.execute("set enable_external_access = true")), WarehouseError)
        assert not out.exists()
        assert _in_thread(lambda: wh.execute("select 40 + 2").scalar()) == 42


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"])
def test_query_of_a_killed_client_is_aborted_by_the_server(crafted: Crafted, postgres_server: PostgresServer) -> None:
    """``client_connection_check_interval``: a SIGKILLed process leaves no query running."""
    marker = f"spyglass_killed_{uuid.uuid4().hex[:8]}"
    script = (
        "import sys\nfrom pathlib import Path\nfrom spyglass.settings import ProjectSettings\n"
        "from spyglass.warehouse.dbt import open_warehouse\n"
        "wh = open_warehouse(ProjectSettings(project_dir=Path(sys.argv[1]), profiles_dir=Path(sys.argv[1])))\n"
        f"wh.execute('select pg_sleep(60) as {marker}')\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(crafted.project_dir)], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert _wait_for(lambda: _running(postgres_server, marker) == 1, 60), "the query never started"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    assert _wait_for(lambda: _running(postgres_server, marker) == 0, 10), "the query outlived its client"


def _running(server: PostgresServer, marker: str) -> int:
    rows = server.admin_execute("select count(*) from pg_stat_activity where pid <> pg_backend_pid() and "
                                f"state = 'active' and query like '%{marker}%'")
    return int(rows[0][0])


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False

