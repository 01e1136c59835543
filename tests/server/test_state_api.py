"""The state over the API: bounded runs and results, exports that import, approvals as the CLI decides.

Real warehouses (``crafted``: DuckDB, and PostgreSQL for the approval rule), real HTTP through the
in-process client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spyglass.checks.query import QueryResultModel
from spyglass.project.models import Env
from spyglass.server.app import create_app
from spyglass.server.config import ServerConfig
from spyglass.server.launch import sandboxed_session
from spyglass.server.workspace import Workspace
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.bounds import StateLimits
from spyglass.state.cut import result_size
from spyglass.state.store import dump_state, load_state, new_state, save_state
from tests.fixtures.warehouses import Crafted
from tests.server.conftest import MakeClient, in_process_client, in_process_config
from tests.state.test_bounds import _check, _run, _table

#: 2,000 rows of 900 characters: about 2 MB as stored, uncut
WIDE_QUERY = "select i, repeat('x', 900) as s from generate_series(1, 2000) as t(i)"


class Servers:
    """Servers over one crafted project (its models as when the first starts), each with its own
    workspace and state file."""

    def __init__(self, crafted: Crafted, tmp_path: Path) -> None:
        self._crafted = crafted
        self._session: Session | None = None
        self._tmp = tmp_path
        self._clients: list[TestClient] = []

    def start(self, name: str, *, limits: StateLimits | None = None, config: ServerConfig | None = None,
              ) -> TestClient:
        path = self._tmp / f"{name}.json"
        workspace = Workspace(load_state(path) if path.exists() else new_state(), path=path, limits=limits)
        if self._session is None:
            self._session = sandboxed_session(self._crafted.session())
        app = create_app(self._session, workspace, config=in_process_config(config or ServerConfig()))
        client = in_process_client(app)
        client.__enter__()
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.__exit__(None, None, None)
        if self._session is not None:
            self._session.close()


@pytest.fixture
def servers(crafted: Crafted, tmp_path: Path) -> Iterator[Servers]:
    started = Servers(crafted, tmp_path)
    yield started
    started.close()


def _wait(client: TestClient, run_id: str) -> dict[str, Any]:
    view = client.get(f"/api/runs/{run_id}/wait", params={"timeout": 60}).json()
    assert view["status"] != "running", view
    return view  # type: ignore[no-any-return]


def _rerun(client: TestClient, check_id: str) -> dict[str, Any]:
    started = client.post(f"/api/checks/{check_id}/run")
    assert started.status_code == 202, started.text
    view = _wait(client, started.json()["run_id"])
    assert view["status"] == "success", view["error"]
    return client.get(f"/api/checks/{check_id}").json()  # type: ignore[no-any-return]


# -- an exported state always imports ------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_a_full_workspace_exports_and_imports_into_a_fresh_server(servers: Servers) -> None:
    client = servers.start("full", config=ServerConfig(max_body_bytes=1024 * 1024))
    check_ids = []
    for i in range(31):  # 7 checks and 24 ad-hoc runs, each result ~2 MB as computed (~62 MB in all)
        view = client.post("/api/query", json={"sql_template": WIDE_QUERY, "env": "current"}).json()
        assert view["status"] == "success", view["error"]
        if i % 5 == 0:
            check = client.post("/api/checks", json={"run_id": view["run_id"], "name": f"wide {i}"}).json()
            client.patch(f"/api/checks/{check['check_id']}", json={"approved": i % 2 == 0})
            check_ids.append(check["check_id"])
    last = client.get(f"/api/runs/{view['run_id']}").json()
    table = last["result"]["table"]
    assert table["truncated"] and table["total_row_count"] == 2_000 and 0 < len(table["rows"]) < 2_000
    assert "Only the first" in last["details_markdown"] and "cut to fit the state file" in last["details_markdown"]

    exported = client.get("/api/state/export")
    limits = StateLimits()
    assert len(exported.content) <= limits.state_bytes
    state = json.loads(exported.content)
    stored = {r["run_id"]: r for r in state["runs"]}
    assert all(c["last_run_id"] in stored for c in state["checks"])  # every check keeps its latest run
    # (a run kept as a check was an ad-hoc run when it was recorded, and counted as one then)
    assert limits.recent_runs - 1 <= sum(r["check_id"] is None for r in stored.values()) <= limits.recent_runs
    fresh = servers.start("fresh", config=ServerConfig(max_body_bytes=1024 * 1024))
    imported = fresh.post("/api/state/import", content=exported.content,
                          headers={"Content-Type": "application/json"})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"checks": 7, "runs": len(stored)}
    def checklist(server: TestClient) -> list[tuple[str, str, bool, str]]:
        return [(c["check_id"], c["name"], c["approved"], c["last_run"]["run_id"])
                for c in server.get("/api/checks").json()]

    assert checklist(fresh) == checklist(client) and [c[0] for c in checklist(fresh)] == check_ids


def test_the_import_accepts_what_a_state_may_hold_whatever_the_generic_body_limit(
        shop_project: ProjectSettings, tmp_path: Path) -> None:
    limits = StateLimits(result_bytes=4_096, results_bytes=8_192, state_bytes=64 * 1024)
    session = Session.load(shop_project)
    workspace = Workspace(new_state(), path=tmp_path / "state.json", limits=limits)
    app = create_app(session, workspace, config=in_process_config(ServerConfig(max_body_bytes=1024)))
    checks = [_check(f"c{i}", None).model_copy(update={"description": "d" * 2_000}) for i in range(20)]
    exported = dump_state(new_state().model_copy(update={"checks": checks}))
    assert 1024 < len(exported) <= limits.state_bytes
    with in_process_client(app) as client:
        imported = client.post("/api/state/import", content=exported, headers={"Content-Type": "application/json"})
        assert imported.status_code == 200, imported.text
        assert [c["check_id"] for c in client.get("/api/checks").json()] == [f"c{i}" for i in range(20)]
        too_large = client.post("/api/state/import", content=b" " * (limits.state_bytes + 1),
                                headers={"Content-Type": "application/json"})
        assert too_large.status_code == 413 and "larger than" in too_large.json()["error"]
        too_many = client.post("/api/checks", json={"spec": {"type": "lineage_diff"}, "description": "d" * 2_000})
        assert too_many.status_code == 413
    session.close()


def test_ad_hoc_runs_are_kept_in_a_bounded_recent_list(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client()
    check = client.post("/api/checks", json={"spec": {"type": "lineage_diff", "params": {}}, "name": "Lineage"}).json()
    rerun = client.post(f"/api/checks/{check['check_id']}/run").json()
    _wait(client, rerun["run_id"])
    ids = []
    for _ in range(StateLimits().recent_runs + 5):
        started = client.post("/api/runs", json={"spec": {"type": "lineage_diff", "params": {}}}).json()
        ids.append(_wait(client, started["run_id"])["run_id"])
    listed = [r["run_id"] for r in client.get("/api/runs").json()]
    assert listed[:StateLimits().recent_runs] == ids[::-1][:StateLimits().recent_runs]
    assert len(listed) == StateLimits().recent_runs + 1  # and the check's latest run
    assert client.get(f"/api/runs/{ids[0]}").status_code == 404
    assert client.post("/api/state/save").status_code == 200  # on disk now (else within half a second)
    saved = load_state(tmp_path / "state.json")
    assert len(saved.runs) == StateLimits().recent_runs + 1


def test_oversized_params_and_checklists_are_refused_with_a_clear_error(make_client: MakeClient) -> None:
    client = make_client()
    huge = client.post("/api/runs", json={"spec": {"type": "query", "params": {"sql_template": "select 1 " * 40_000}}})
    assert huge.status_code == 422 and "params take" in huge.json()["error"]


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_a_checklist_past_the_state_bound_is_refused_and_nothing_changes(servers: Servers) -> None:
    client = servers.start("tight", limits=StateLimits(result_bytes=4_096, results_bytes=8_192, state_bytes=60_000))
    for i in range(60):
        response = client.post("/api/checks", json={"spec": {"type": "lineage_diff", "params": {}}, "name": f"c{i}",
                                                     "description": "d" * 2_000})
        if response.status_code != 201:
            break
    assert response.status_code == 413, response.text
    assert "more than the" in response.json()["error"] and response.json()["remedy"]
    kept = client.get("/api/checks").json()
    assert 0 < len(kept) == i and len(client.get("/api/state/export").content) <= 60_000


def test_a_state_file_from_before_the_bounds_shrinks_when_served(make_client: MakeClient, tmp_path: Path) -> None:
    runs = [_run(f"a{i}", QueryResultModel(table=_table(2_000, 600)), minute=i) for i in range(30)]
    checks = [_check("c1", "a0", approved=True)]
    path = tmp_path / "old.json"
    save_state(path, new_state().model_copy(update={"checks": checks, "runs": runs}))
    assert path.stat().st_size > StateLimits().state_bytes  # more than an import accepts
    client = make_client(state_path=path)
    assert path.stat().st_size <= StateLimits().state_bytes
    assert [c["check_id"] for c in client.get("/api/checks").json()] == ["c1"]
    stored = load_state(path)
    assert len(stored.runs) == 1 + StateLimits().recent_runs
    assert all(result_size(r.result) <= StateLimits().result_bytes for r in stored.runs if r.result)


# -- approval follows the CLI's rule -------------------------------------------------------------------------
def test_a_rerun_keeps_an_approval_only_for_the_same_result(crafted: Crafted, servers: Servers) -> None:
    rows = "select i as id, 'v' || cast(i as varchar) as note from generate_series(1, 300) as t(i)"
    changed = ("select i as id, case when i <= 250 then 'v' else 'w' end || cast(i as varchar) as note "
               "from generate_series(1, 300) as t(i)")
    crafted.create_model("orders", rows, changed, unique_key="id")
    # results this small are cut to a few rows: the approval must still see changes in the others
    client = servers.start("approve", limits=StateLimits(result_bytes=4_096, results_bytes=8_192,
                                                          state_bytes=1024 * 1024))
    check = client.post("/api/checks", json={"spec": {"type": "value_diff_detail",
                                                      "params": {"model": "orders", "primary_key": "id"}}}).json()
    first = _rerun(client, check["check_id"])
    assert first["approved"] is False and first["last_run"]["mismatch"] is True
    stored = first["last_run"]["result"]["diff"]
    assert stored["truncated"] and stored["changed"] == 50 and len(stored["rows"]) < 50
    assert client.patch(f"/api/checks/{check['check_id']}", json={"approved": True}).json()["approved"]

    same = _rerun(client, check["check_id"])
    assert same["approved"] is True and same["last_run"]["run_id"] != first["last_run"]["run_id"]

    current = crafted.relation("orders", Env.CURRENT)
    crafted.execute(f"update {current} set note = 'changed late' where id = 300")  # a row not stored
    moved = _rerun(client, check["check_id"])
    assert moved["last_run"]["result"]["diff"]["rows"] == same["last_run"]["result"]["diff"]["rows"]
    assert moved["approved"] is False  # the result differs, though not in the rows kept

    crafted.execute(f"update {current} set note = 'v' || cast(id as varchar)")  # no difference left
    settled = _rerun(client, check["check_id"])
    assert settled["last_run"]["mismatch"] is False and settled["approved"] is True  # as `spyglass run` does
    assert load_state(saved_path(client)).checks[0].approved is True


def saved_path(client: TestClient) -> Path:
    """Where the server keeps its state, once it wrote it (it writes in the background otherwise)."""
    return Path(client.post("/api/state/save").json()["path"])
