"""``POST /api/checks/run`` re-runs the checklist, and the server approves exactly as ``spyglass run`` does.

One crafted ``orders`` model in a real DuckDB, its data changed step by step. At each step the server's
state is exported, ``spyglass run --state-file`` re-runs it (the CLI, in process), the server re-runs
all its checks, and both must leave the same checks approved.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spyglass.project.models import Env
from spyglass.settings import ProjectSettings
from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted
from tests.server.conftest import MakeClient

pytestmark = pytest.mark.parametrize("engine", ["duckdb"], indirect=True)

ROWS = "select i as id, 'v' || cast(i as varchar) as note from generate_series(1, 300) as t(i)"
CHANGED = ("select i as id, case when i <= 250 then 'v' else 'w' end || cast(i as varchar) as note "
           "from generate_series(1, 300) as t(i)")
SPECS = {
    "rows": {"type": "value_diff_detail", "params": {"model": "orders", "primary_key": "id"}},
    "values": {"type": "value_diff", "params": {"model": "orders", "primary_key": "id"}},
    "counts": {"type": "row_count_diff", "params": {"node_names": ["orders"]}},
    "schema": {"type": "schema_diff", "params": {"select": "orders"}},
}


@pytest.fixture
def project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch) -> ProjectSettings:
    directory = orders_project(crafted, monkeypatch, ROWS, CHANGED)
    return ProjectSettings(project_dir=directory, profiles_dir=directory)


def _rerun_all(client: TestClient) -> dict[str, bool]:
    started = client.post("/api/checks/run")
    assert started.status_code == 202, started.text
    for run in started.json():
        finished = client.get(f"/api/runs/{run['run_id']}/wait", params={"timeout": 120}).json()
        assert finished["status"] == "success", finished["error"]
    return {c["name"]: c["approved"] for c in client.get("/api/checks").json()}


def _cli_run(client: TestClient, capsys: pytest.CaptureFixture[str], project: ProjectSettings,
             tmp_path: Path) -> dict[str, bool]:
    exported = tmp_path / "exported.json"
    exported.write_bytes(client.get("/api/state/export").content)
    output = tmp_path / "cli.json"
    code, out, err = spyglass(capsys, "run", "--project-dir", project.project_dir, "--profiles-dir",
                              project.profiles_dir, "--state-file", exported, "-o", output)
    assert code == 0, out + err
    return {c["name"]: c["approved"] for c in json.loads(output.read_text())["checks"]}


def test_the_server_and_spyglass_run_approve_the_same_checks_at_every_step(
        crafted: Crafted, project: ProjectSettings, make_client: MakeClient, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    client = make_client(settings=project)
    for name, spec in SPECS.items():
        assert client.post("/api/checks", json={"spec": spec, "name": name}).status_code == 201

    def step() -> dict[str, bool]:
        cli = _cli_run(client, capsys, project, tmp_path)
        server = _rerun_all(client)
        assert server == cli
        return server

    # 50 rows differ: nothing that shows them is approved; the schema diff cannot tell without catalogs
    assert step() == {"rows": False, "values": False, "counts": True, "schema": False}

    for check in client.get("/api/checks").json():  # a reviewer accepts the differences
        client.patch(f"/api/checks/{check['check_id']}", json={"approved": True})
    assert step() == {"rows": True, "values": True, "counts": True, "schema": True}  # the same results

    current = crafted.relation("orders", Env.CURRENT)
    crafted.execute(f"update {current} set note = 'changed late' where id = 10")
    assert step() == {"rows": False, "values": False, "counts": True, "schema": True}  # not what was approved

    crafted.execute(f"update {current} set note = 'v' || cast(id as varchar)")
    assert step() == {"rows": True, "values": True, "counts": True, "schema": True}  # nothing left to differ
