"""The GitLab routes against the fake GitLab over real HTTP: connect, diagnosis, MRs, post, webhook."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.fakes.gitlab import FakeGitLab
from tests.server.conftest import MakeClient

PROJECT = "data/analytics/shop"


@pytest.fixture
def world(fake_gitlab: FakeGitLab) -> FakeGitLab:
    project = fake_gitlab.world.add_project(PROJECT)
    alice = fake_gitlab.world.add_user("alice")
    fake_gitlab.world.add_member("data", alice, 40)
    fake_gitlab.world.add_merge_request(project, alice, title="Change revenue", sha="a" * 40)
    fake_gitlab.world.add_merge_request(project, alice, title="Add a model", sha="b" * 40)
    return fake_gitlab


def _token(world: FakeGitLab, scopes: tuple[str, ...] = ("api",), **kwargs: object) -> str:
    user = next(u for u in world.world.users.values() if u.username == "alice")
    return world.world.add_token(user, scopes, **kwargs)  # type: ignore[arg-type]


def _connect(client: TestClient, world: FakeGitLab, token: str) -> dict[str, object]:
    response = client.post("/api/gitlab/connect", json={"url": world.url, "project": PROJECT, "token": token})
    assert response.status_code == 200, response.text
    assert token not in response.text
    return response.json()  # type: ignore[no-any-return]


def test_connect_with_api_token_stores_it_and_shows_only_last_four(client: TestClient, world: FakeGitLab) -> None:
    assert client.get("/api/gitlab/connection").json()["connected"] is False
    token = _token(world)
    result = _connect(client, world, token)
    assert result["stored"] is True and result["token_last4"] == token[-4:]
    diagnosis = result["diagnosis"]
    assert isinstance(diagnosis, dict)
    assert diagnosis["user"] == "alice" and diagnosis["role"] == "Maintainer" and diagnosis["can_post"] is True
    assert diagnosis["scopes"] == ["api"] and diagnosis["problems"] == []
    connection = client.get("/api/gitlab/connection")
    assert connection.json() == {"connected": True, "url": world.url, "project": PROJECT, "user": "alice",
                                 "scopes": ["api"], "token_last4": token[-4:], "webhook_configured": False}
    assert token not in connection.text
    again = client.get("/api/gitlab/diagnosis")
    assert again.status_code == 200 and again.json()["can_post"] is True and token not in again.text


def test_expired_token_is_not_stored_and_says_what_to_do(client: TestClient, world: FakeGitLab) -> None:
    token = _token(world, expires_at=date.today() - timedelta(days=3))
    result = _connect(client, world, token)
    assert result["stored"] is False
    problems = result["diagnosis"]["problems"]  # type: ignore[index]
    assert [p["code"] for p in problems] == ["token_expired"]
    assert problems[0]["remedy"]
    assert client.get("/api/gitlab/connection").json()["connected"] is False


def test_merge_requests_and_post_summary(client: TestClient, world: FakeGitLab) -> None:
    _connect(client, world, _token(world))
    listing = client.get("/api/gitlab/merge-requests").json()
    assert listing["project"] == PROJECT and listing["can_post"] is True and listing["post_disabled_reason"] is None
    rows = {r["mr"]["iid"]: r for r in listing["merge_requests"]}
    assert set(rows) == {1, 2}
    assert rows[1]["mr"]["status"] == "not validated" and rows[1]["status_text"] == "not validated"

    posted = client.post("/api/gitlab/merge-requests/1/post", json={})
    assert posted.status_code == 200, posted.text
    assert posted.json()["created"] is True
    mr = world.world.find_project(PROJECT).merge_requests[1]  # type: ignore[union-attr]
    assert len(mr.notes) == 1 and "Spyglass" in mr.notes[0].body
    again = client.post("/api/gitlab/merge-requests/1/post", json={}).json()
    assert again["created"] is False and again["note_id"] == posted.json()["note_id"]
    assert len(mr.notes) == 1
    row = next(r for r in client.get("/api/gitlab/merge-requests").json()["merge_requests"] if r["mr"]["iid"] == 1)
    assert row["mr"]["status"] == "summary posted" and row["mr"]["summary_url"].endswith(f"#note_{again['note_id']}")


def test_read_api_token_can_list_but_not_post(client: TestClient, world: FakeGitLab) -> None:
    result = _connect(client, world, _token(world, ("read_api",)))
    assert result["stored"] is True
    assert [p["code"] for p in result["diagnosis"]["problems"]] == ["scope_read_only"]  # type: ignore[index]
    listing = client.get("/api/gitlab/merge-requests").json()
    assert listing["can_post"] is False and "read_api" in listing["post_disabled_reason"]
    before = len(world.requests)
    refused = client.post("/api/gitlab/merge-requests/1/post", json={})
    assert refused.status_code == 403 and "api" in refused.json()["remedy"]
    assert all(method == "GET" for method, _ in world.requests[before:])


def test_disconnect_forgets_the_token(client: TestClient, world: FakeGitLab) -> None:
    _connect(client, world, _token(world))
    assert client.post("/api/gitlab/disconnect").json() == {"disconnected": True}
    assert client.get("/api/gitlab/connection").json()["connected"] is False
    missing = client.get("/api/gitlab/merge-requests")
    assert missing.status_code == 400 and "connect" in missing.json()["remedy"]


def test_token_never_lands_in_the_state_or_home(client: TestClient, world: FakeGitLab, tmp_path: Path) -> None:
    token = _token(world)
    _connect(client, world, token)
    client.post("/api/gitlab/merge-requests/1/post", json={})
    client.post("/api/state/save")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def _hook(iid: int, sha: str, *, state: str = "opened", action: str = "update") -> bytes:
    return json.dumps({
        "object_kind": "merge_request", "event_type": "merge_request",
        "project": {"id": 1, "path_with_namespace": PROJECT},
        "object_attributes": {"iid": iid, "title": "Change revenue", "state": state, "action": action,
                              "last_commit": {"id": sha}},
    }).encode()


def test_webhook_install_then_deliveries_update_tracking(client: TestClient, world: FakeGitLab) -> None:
    _connect(client, world, _token(world))
    installed = client.post("/api/gitlab/webhook/install", json={"hook_url": "https://spyglass.example/api/gitlab/webhook"})
    assert installed.status_code == 200, installed.text
    hook = world.world.find_project(PROJECT).hooks[0]  # type: ignore[union-attr]
    secret = hook["token"]
    assert secret and secret not in installed.text
    assert client.get("/api/gitlab/connection").json()["webhook_configured"] is True

    client.post("/api/gitlab/merge-requests/1/post", json={})  # validated at sha a...
    headers = {"X-Gitlab-Token": secret, "X-Gitlab-Event": "Merge Request Hook", "Idempotency-Key": "delivery-1"}
    first = client.post("/api/gitlab/webhook", content=_hook(1, "c" * 40), headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["result"] == "recorded" and first.json()["stale"] is True
    duplicate = client.post("/api/gitlab/webhook", content=_hook(1, "d" * 40, state="merged"), headers=headers)
    assert duplicate.json()["result"] == "duplicate"
    merged = client.post("/api/gitlab/webhook", content=_hook(1, "c" * 40, state="merged", action="merge"),
                         headers={**headers, "Idempotency-Key": "delivery-2"})
    assert merged.json()["state"] == "merged"
    closed = client.post("/api/gitlab/webhook", content=_hook(2, "b" * 40, state="closed", action="close"),
                         headers={**headers, "Idempotency-Key": "delivery-3"})
    assert closed.json()["state"] == "closed" and closed.json()["stale"] is False


def test_webhook_without_the_secret_is_401(make_client: MakeClient, client: TestClient, world: FakeGitLab) -> None:
    assert client.post("/api/gitlab/webhook", content=_hook(1, "c" * 40)).status_code == 401
    _connect(client, world, _token(world))
    client.post("/api/gitlab/webhook/install", json={"hook_url": "https://spyglass.example/hook"})
    wrong = client.post("/api/gitlab/webhook", content=_hook(1, "c" * 40), headers={"X-Gitlab-Token": "guess"})
    assert wrong.status_code == 401 and wrong.json()["remedy"]
    secret = world.world.find_project(PROJECT).hooks[0]["token"]  # type: ignore[union-attr]
    bad = client.post("/api/gitlab/webhook", content=b"not json", headers={"X-Gitlab-Token": secret})
    assert bad.status_code == 400
    other = client.post("/api/gitlab/webhook", headers={"X-Gitlab-Token": secret},
                        content=json.dumps({"object_kind": "push", "project": {"path_with_namespace": PROJECT}}))
    assert other.json()["result"] == "ignored"


def test_webhook_is_open_when_the_api_needs_a_token(make_client: MakeClient) -> None:
    from spyglass.server.config import ServerConfig

    client = make_client(config=ServerConfig(auth_token="an-access-token"))
    assert client.post("/api/gitlab/webhook", content=_hook(1, "c" * 40)).status_code == 401
    refused = client.post("/api/gitlab/webhook", content=_hook(1, "c" * 40))
    assert "secret token" in refused.json()["error"]  # the webhook's own check, not the API token's
    assert client.get("/api/gitlab/connection").status_code == 401


def test_post_with_commit_status(client: TestClient, world: FakeGitLab) -> None:
    _connect(client, world, _token(world))
    posted = client.post("/api/gitlab/merge-requests/2/post", json={"commit_status": True})
    assert posted.status_code == 200, posted.text
    assert posted.json()["commit_status"] in ("success", "failed")
    statuses = world.world.find_project(PROJECT).statuses  # type: ignore[union-attr]
    assert len(statuses) == 1 and statuses[0]["sha"] == "b" * 40
