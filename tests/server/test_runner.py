"""The run pool over real HTTP and a real DuckDB warehouse: cancelled or timed-out runs free their
worker, and shutdown returns even when a run cannot be stopped."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from spyglass.checks.registry import parse_spec
from spyglass.exceptions import Cancelled
from spyglass.server.config import ServerConfig
from spyglass.server.launch import open_workspace
from spyglass.server.runner import RunManager
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import RunStatus
from spyglass.warehouse.base import Warehouse
from tests.cli.crafted_project import orders_project
from tests.fixtures.warehouses import Crafted
from tests.server.conftest import MakeClient
from tests.warehouse.test_cancel_and_access import LONG_QUERY

pytestmark = pytest.mark.parametrize("engine", ["duckdb"], indirect=True)

#: without its render limits this loop would run for hours; a run rendering it is cancellable
ENDLESS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}select 1 as one"


@pytest.fixture
def project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch) -> ProjectSettings:
    directory = orders_project(crafted, monkeypatch, "select 1 as id", "select 2 as id")
    return ProjectSettings(project_dir=directory, profiles_dir=directory)


def _select_one(client: object, timeout: float = 60) -> dict[str, object]:
    response = client.post("/api/query", params={"timeout": timeout},  # type: ignore[attr-defined]
                           json={"env": "current", "sql_template": "select 1 as one"})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _finished(client: object, run_id: str) -> dict[str, object]:
    view: dict[str, object] = client.get(f"/api/runs/{run_id}/wait",  # type: ignore[attr-defined]
                                         params={"timeout": 60}).json()
    assert view["status"] != "running"
    return view


def test_cancelled_endless_templates_free_the_run_pool(project: ProjectSettings, make_client: MakeClient) -> None:
    client = make_client(config=ServerConfig(reload_interval=0.1, run_workers=2), settings=project)
    ids = []
    for _ in range(5):  # more than the pool has workers
        response = client.post("/api/runs", json={"spec": {"type": "query", "params": {"sql_template": ENDLESS}}})
        assert response.status_code == 202, response.text
        ids.append(response.json()["run_id"])
    time.sleep(0.3)  # the first two are rendering now
    for run_id in ids:
        assert client.post(f"/api/runs/{run_id}/cancel").status_code == 200
    answer = _select_one(client)
    assert answer["status"] == "success", answer
    assert answer["result"]["table"]["rows"] == [[1]]  # type: ignore[index]
    assert [_finished(client, run_id)["status"] for run_id in ids] == ["cancelled"] * 5


def test_runs_over_the_time_limit_are_stopped_and_free_the_pool(project: ProjectSettings,
                                                                make_client: MakeClient) -> None:
    client = make_client(config=ServerConfig(reload_interval=0.1, run_workers=2, run_seconds=1.0), settings=project)
    ids = [client.post("/api/runs", json={"spec": {"type": "query", "params": {"sql_template": LONG_QUERY["duckdb"]}}})
           .json()["run_id"] for _ in range(3)]
    started = time.monotonic()
    answer = _select_one(client)
    assert answer["status"] == "success", answer
    assert time.monotonic() - started < 45  # the long queries alone would take minutes each
    for run_id in ids:
        view = _finished(client, run_id)
        assert view["status"] == "failed"
        assert view["error"]["kind"] == "RunTimeout"  # type: ignore[index]
        assert "longer than 1 s" in view["error"]["message"]  # type: ignore[index]


def test_shutdown_cancels_running_queries(project: ProjectSettings) -> None:
    session = Session.load(project)
    runs = RunManager(session, open_workspace(session, None), workers=2)
    try:
        ids = [runs.submit(parse_spec("query", {"sql_template": LONG_QUERY["duckdb"]})) for _ in range(3)]
        time.sleep(0.5)
        started = time.monotonic()
        runs.shutdown(timeout=30)
        assert time.monotonic() - started < 15
        assert {runs.view(run_id).status for run_id in ids} == {RunStatus.CANCELLED}
        with pytest.raises(Cancelled, match="stopping"):
            runs.submit(parse_spec("query", {"sql_template": "select 1"}))
    finally:
        session.close()


def test_shutdown_returns_even_when_a_run_cannot_be_stopped(project: ProjectSettings, tmp_path: Path) -> None:
    """A warehouse whose connect never returns (an unreachable host without a timeout) holds its worker."""
    release = threading.Event()

    def hanging_connect(settings: ProjectSettings) -> Warehouse:
        release.wait(120)
        raise Cancelled("The connect was abandoned.")

    session = Session.load(project, open_warehouse=hanging_connect)
    runs = RunManager(session, open_workspace(session, None), workers=1)
    try:
        runs.submit(parse_spec("query", {"sql_template": "select 1"}))
        time.sleep(0.3)
        started = time.monotonic()
        runs.shutdown(timeout=1)
        assert time.monotonic() - started < 5
        stuck = [t for t in threading.enumerate() if t.name.startswith("spyglass-run-") and t.is_alive()]
        assert stuck and all(t.daemon for t in stuck)  # left behind, but it cannot keep the process alive
    finally:
        release.set()
