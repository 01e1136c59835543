"""Two-way threads with a running server: a real Spyglass server and the fake GitLab, both over real HTTP.

GitLab's webhook deliveries (Merge Request Hook, Note Hook) go to the server's installed hook; approvals
made through the server's API resolve or re-open the check's thread."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from spyglass.gitlab.api import GitLabApi
from spyglass.gitlab.client import GitLabClient
from spyglass.gitlab.comment import parse_marker
from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.store import save_state
from spyglass.testing.gitlab import FakeGitLab
from spyglass.testing.gitlab_hooks import deliver_merge_request, deliver_note
from spyglass.testing.gitlab_world import FakeMergeRequest, FakeNote, FakeProject
from tests.fixtures.live_server import serve_in_thread
from tests.gitlab.conftest import make_state

PROJECT = "data/analytics/shop"


@dataclass
class Live:
    url: str
    http: httpx.Client
    fake: FakeGitLab
    project: FakeProject
    mr: FakeMergeRequest
    rita: GitLabApi
    rob: GitLabApi

    def thread(self) -> list[FakeNote]:
        """The notes of our thread for check-orders."""
        firsts = [n for n in self.mr.notes if (p := parse_marker(n.body.split("\n", 1)[0])) and p[0] == "check-orders"]
        return [n for n in self.mr.notes if n.discussion_id == firsts[0].discussion_id]

    def resolved(self) -> bool:
        return all(n.resolved for n in self.thread() if n.resolvable)

    def approved(self) -> bool:
        return bool(self.http.get("/api/checks/check-orders").json()["approved"])

    def comment(self, api: GitLabApi, body: str) -> list[httpx.Response]:
        note = api.create_note(self.mr.iid, body)
        fake_note = next(n for n in self.mr.notes if n.id == note.id)
        return deliver_note(self.fake.url, self.project, self.mr, fake_note)


def _eventually(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def live(fake_gitlab: FakeGitLab, shop_project: ProjectSettings, tmp_path: Path) -> Iterator[Live]:
    world = fake_gitlab.world
    world.local_hooks_allowed = True  # as an administrator allows for a Spyglass server on the local network
    project = world.add_project(PROJECT)
    owner, bot, rita, rob = (world.add_user(n) for n in ("olivia", "bot", "rita", "rob"))
    for user, level in ((owner, 50), (bot, 40), (rita, 30), (rob, 20)):
        world.add_member("data", user, level)
    mr = world.add_merge_request(project, owner, sha="a" * 40)
    state_path = tmp_path / "state.json"
    save_state(state_path, make_state({"orders"}))
    session = Session.load(shop_project)
    config = ServerConfig(reload_interval=0.2)
    app = build_app(session, state_path, config=config, environ=dict(os.environ))
    with serve_in_thread(app, config) as url, httpx.Client(base_url=url, timeout=60,
                                                           headers={"X-Spyglass-Request": "1"}) as http:
        connected = http.post("/api/gitlab/connect", json={"url": fake_gitlab.url, "project": PROJECT,
                                                           "token": world.add_token(bot)})
        assert connected.status_code == 200 and connected.json()["stored"], connected.text
        hook = http.post("/api/gitlab/webhook/install", json={"hook_url": url + "/api/gitlab/webhook"})
        assert hook.status_code == 200, hook.text
        yield Live(url, http, fake_gitlab, project, mr,
                   GitLabApi(GitLabClient(fake_gitlab.url, world.add_token(rita)), PROJECT),
                   GitLabApi(GitLabClient(fake_gitlab.url, world.add_token(rob)), PROJECT))
    session.close()


def test_threads_and_approvals_round_trip_through_the_server(live: Live) -> None:
    posted = live.http.post("/api/gitlab/merge-requests/1/post", json={"notes": True})
    assert posted.status_code == 200 and posted.json()["discussions_created"] == 1, posted.text
    assert not live.resolved() and not live.approved()

    live.rita.resolve_discussion(1, live.thread()[0].discussion_id, True)  # in GitLab
    [delivered] = deliver_merge_request(live.fake.url, live.project, live.mr,
                                        next(u for u in live.fake.world.users.values() if u.username == "rita"))
    assert delivered.status_code == 200 and delivered.json()["synced"] is True, delivered.text
    assert live.approved()

    assert live.http.patch("/api/checks/check-orders", json={"approved": False}).status_code == 200
    assert _eventually(lambda: not live.resolved())  # the thread re-opens after the answer
    assert live.http.patch("/api/checks/check-orders", json={"approved": True}).status_code == 200
    assert _eventually(live.resolved)
    assert "Approved by Spyglass" in live.thread()[0].body

    live.rita.resolve_discussion(1, live.thread()[0].discussion_id, False)  # re-opened in GitLab
    live.comment(live.rita, "Re-opening: the email column needs a look.")
    assert not live.approved()
    assert len([n for n in live.mr.notes if parse_marker(n.body.split("\n", 1)[0])]) == 1


def test_note_commands_reach_the_server_once_and_need_the_developer_role(live: Live) -> None:
    live.http.post("/api/gitlab/merge-requests/1/post", json={"notes": True})
    [ignored] = live.comment(live.rob, "/spyglass approve Schema of orders")
    assert ignored.json()["synced"] is True and not live.approved() and not live.resolved()

    note = live.rita.add_discussion_note(1, live.thread()[0].discussion_id, "/spyglass approve")
    fake_note = next(n for n in live.mr.notes if n.id == note.id)
    [applied] = deliver_note(live.fake.url, live.project, live.mr, fake_note, idempotency_key="delivery-1")
    assert applied.json()["synced"] is True and live.approved() and live.resolved()
    [again] = deliver_note(live.fake.url, live.project, live.mr, fake_note, idempotency_key="delivery-1")
    assert again.json()["result"] == "duplicate"
    [rerun] = live.comment(live.rita, "/spyglass rerun Schema of orders")
    assert rerun.json()["synced"] is True
    replies = [n.body for n in live.mr.notes if "<!-- spyglass:reply:" in n.body]
    assert len(replies) == 3
    assert any("not applied" in r for r in replies) and any("approved in Spyglass" in r for r in replies)
    assert any("queued on the Spyglass server" in r for r in replies)
    assert _eventually(lambda: live.http.get("/api/checks/check-orders").json()["last_run"]["run_id"]
                       != "run-orders")  # the re-run became the check's latest run


def test_events_for_another_merge_request_leave_the_checklist_alone(live: Live) -> None:
    live.http.post("/api/gitlab/merge-requests/1/post", json={"notes": True})
    owner = next(u for u in live.fake.world.users.values() if u.username == "olivia")
    other = live.fake.world.add_merge_request(live.project, owner, title="Another change", sha="b" * 40)
    live.rita.resolve_discussion(1, live.thread()[0].discussion_id, True)
    writes = len(live.fake.writes())
    [delivered] = deliver_merge_request(live.fake.url, live.project, other, owner)
    assert delivered.status_code == 200 and delivered.json()["result"] == "recorded"
    assert delivered.json()["synced"] is False and not live.approved()
    assert len(live.fake.writes()) == writes  # nothing written to GitLab for another MR
