"""The server writes its state file off the request path: bursts of changes are one write, shutdown and
``POST /api/state/save`` put every acknowledged change on disk, failed writes answer 409 and lose nothing,
and the state routes never block the event loop.

Real HTTP: the in-process client (ASGI, lifespan included) and, for the event loop, a real uvicorn.
"""

from __future__ import annotations

import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spyglass.server.app import create_app
from spyglass.server.config import ServerConfig
from spyglass.server.security import REQUEST_HEADER
from spyglass.server.workspace import Workspace
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.store import dump_state, load_state, new_state
from tests.fixtures.live_server import serve_in_thread
from tests.records import check_record
from tests.server.conftest import in_process_client, in_process_config
from tests.server.server_process import server_command, started

LINEAGE = {"type": "lineage_diff", "params": {}}


class Served:
    """An app over the shop project whose workspace writes ``path`` every ``save_interval`` at most."""

    def __init__(self, project: ProjectSettings, path: Path, save_interval: float) -> None:
        self.session = Session.load(project)
        self.workspace = Workspace(new_state(), path=path, save_interval=save_interval)
        self.workspace.save()  # as the server starts: the file is checked and written once
        self.app: FastAPI = create_app(self.session, self.workspace, config=in_process_config(ServerConfig()))

    def client(self) -> TestClient:
        return in_process_client(self.app)


@pytest.fixture
def serve(shop_project: ProjectSettings, tmp_path: Path) -> Iterator[Any]:
    made: list[Served] = []

    def make(path: Path | None = None, save_interval: float = 0.5) -> Served:
        served = Served(shop_project, path or tmp_path / "state.json", save_interval)
        made.append(served)
        return served

    yield make
    for served in made:
        served.session.close()


def _new_check(client: TestClient, name: str = "Lineage") -> str:
    created = client.post("/api/checks", json={"spec": LINEAGE, "name": name})
    assert created.status_code == 201, created.text
    return str(created.json()["check_id"])


def test_a_burst_of_approvals_is_written_a_few_times_and_ends_on_disk_whole(serve: Any, tmp_path: Path) -> None:
    served = serve(save_interval=2.0)
    with served.client() as client:
        check_id = _new_check(client)
        before = served.workspace.writes
        for i in range(40):
            response = client.patch(f"/api/checks/{check_id}", json={"approved": i % 2 == 0, "description": f"#{i}"})
            assert response.status_code == 200, response.text
        assert served.workspace.writes - before <= 10  # one write per 2 s at most: 40 changes, a few writes
        assert client.post("/api/state/save").json() == {"path": str(tmp_path / "state.json")}
        saved = load_state(tmp_path / "state.json").checks[0]
        assert (saved.description, saved.approved) == ("#39", False)


def test_shutdown_writes_every_acknowledged_change(serve: Any, tmp_path: Path) -> None:
    served = serve(save_interval=600.0)  # nothing is written in the background during this test
    with served.client() as client:
        check_id = _new_check(client, "Kept at shutdown")
        assert client.patch(f"/api/checks/{check_id}", json={"approved": True}).status_code == 200
        assert load_state(tmp_path / "state.json").checks == []  # acknowledged, not written yet
    saved = load_state(tmp_path / "state.json").checks
    assert [(c.name, c.approved) for c in saved] == [("Kept at shutdown", True)]


@pytest.mark.slow
def test_a_server_stopped_by_a_signal_right_after_a_change_has_written_it(shop_project: ProjectSettings,
                                                                          tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with started(server_command(shop_project, str(path)), tmp_path / "stderr.log") as server:
        created = httpx.post(f"{server.url}/api/checks", json={"spec": LINEAGE, "name": "Reviewed"}, timeout=30)
        check_id = created.json()["check_id"]
        approved = httpx.patch(f"{server.url}/api/checks/{check_id}", json={"approved": True}, timeout=30)
        assert approved.status_code == 200, approved.text
        server.stop(signal.SIGTERM, within=30)  # at once: before the background write is due
    assert "ERROR" not in server.stderr and "Traceback" not in server.stderr, server.stderr
    assert [(c.name, c.approved) for c in load_state(path).checks] == [("Reviewed", True)]


def test_a_failed_write_answers_409_and_the_change_is_kept_until_a_write_succeeds(serve: Any,
                                                                                   tmp_path: Path) -> None:
    directory = tmp_path / "states"
    path = directory / "state.json"
    served = serve(path=path)
    with served.client() as client:
        check_id = _new_check(client)
        assert client.post("/api/state/save").status_code == 200  # nothing left to write in the background
        moved = directory.rename(tmp_path / "elsewhere")
        directory.write_text("a file where the state directory was")  # the directory cannot be written now

        assert client.patch(f"/api/checks/{check_id}", json={"approved": True}).status_code == 200
        failed = client.post("/api/state/save")
        assert failed.status_code == 409, failed.text
        assert "Cannot write the state file" in failed.json()["error"] and failed.json()["remedy"]
        again = client.patch(f"/api/checks/{check_id}", json={"description": "still here"})
        assert again.status_code == 409  # as before: each change while the file cannot be written says so
        kept = client.get(f"/api/checks/{check_id}").json()
        assert (kept["approved"], kept["description"]) == (True, "still here")  # nothing lost in memory

        directory.unlink()
        shutil.move(moved, directory)
        assert client.post("/api/state/save").status_code == 200
        saved = load_state(path).checks[0]
        assert (saved.approved, saved.description) == (True, "still here")


def test_a_state_file_replaced_by_something_else_is_never_overwritten(serve: Any, tmp_path: Path) -> None:
    served = serve()
    path = tmp_path / "state.json"
    with served.client() as client:
        _new_check(client)
        assert client.post("/api/state/save").status_code == 200
        path.write_text("{ someone else's notes")
        refused = client.post("/api/state/save")
        assert refused.status_code == 409 and "not valid JSON" in refused.json()["error"]
        assert path.read_text() == "{ someone else's notes"
        assert len(client.get("/api/checks").json()) == 1
        path.unlink()
    assert len(load_state(path).checks) == 1  # written again at shutdown


def test_an_import_does_its_work_off_the_event_loop(serve: Any) -> None:
    served = serve()
    exported = dump_state(new_state().model_copy(update={"checks": [check_record(f"c{i}") for i in range(50)]}))
    headers = {REQUEST_HEADER: "1", "Content-Type": "application/json"}
    answers: list[httpx.Response] = []
    with serve_in_thread(served.app, ServerConfig()) as url:
        # the workspace is busy (held here, as a long parse or bound of a large state would hold it): the
        # import has to wait for it, and must do so on a worker thread, not on the event loop
        lock = served.workspace._lock
        with lock:
            importer = threading.Thread(target=lambda: answers.append(httpx.post(
                f"{url}/api/state/import", content=exported, headers=headers, timeout=60)))
            importer.start()
            importer.join(1.0)  # the import reaches the busy workspace meanwhile
            health = httpx.get(f"{url}/api/health", timeout=5)  # an event loop blocked by the import: timeout
            assert health.json() == {"status": "ok"} and not answers
        importer.join(60)
    assert answers[0].status_code == 200 and answers[0].json() == {"checks": 50, "runs": 0}
