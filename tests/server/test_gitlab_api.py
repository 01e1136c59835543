"""The GitLab routes against the fake GitLab over real HTTP: connect, diagnosis, MRs, post, webhook."""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spyglass.store import Store, TrackedMergeRequest, WebhookEvent
from spyglass.store.postgres import MAX_CONNECTIONS as POSTGRES_MAX_CONNECTIONS
from spyglass.store.sqlite import MAX_CONNECTIONS as SQLITE_MAX_CONNECTIONS
from spyglass.testing.gitlab import FakeGitLab
from tests.fixtures.stores import StoreBackend, counting_store_opens
from tests.server.conftest import MakeClient
from tests.store.faults import failing_tracking, postgres_store_url

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


@pytest.mark.parametrize("iid", ["0", "-1", str(2**31), str(2**64), "1.5"])
def test_posting_on_an_impossible_iid_is_refused_before_gitlab_is_asked(
        client: TestClient, world: FakeGitLab, iid: str) -> None:
    _connect(client, world, _token(world))
    before = len(world.requests)

    refused = client.post(f"/api/gitlab/merge-requests/{iid}/post", json={})

    assert refused.status_code == 422 and "iid" in refused.json()["error"] and refused.json()["remedy"]
    assert world.requests[before:] == []


def test_post_with_commit_status(client: TestClient, world: FakeGitLab) -> None:
    _connect(client, world, _token(world))
    posted = client.post("/api/gitlab/merge-requests/2/post", json={"commit_status": True})
    assert posted.status_code == 200, posted.text
    assert posted.json()["commit_status"] in ("success", "failed")
    statuses = world.world.find_project(PROJECT).statuses  # type: ignore[union-attr]
    assert len(statuses) == 1 and statuses[0]["sha"] == "b" * 40


# -- webhook deliveries: atomic, for the connected project only, hostile bodies are a 4xx ----------------

WEBHOOK = "/api/gitlab/webhook"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def store_environ(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a server whose store is SQLite (the default) or the suite's PostgreSQL server."""
    if request.param == "postgres":
        monkeypatch.setenv("SPYGLASS_DATABASE_URL", postgres_store_url(request.getfixturevalue("postgres_server")))
    return dict(os.environ)


def _install_hook(client: TestClient, world: FakeGitLab) -> dict[str, str]:
    """Connect and install the webhook; the headers GitLab then sends with each delivery."""
    _connect(client, world, _token(world))
    installed = client.post("/api/gitlab/webhook/install", json={"hook_url": "https://spyglass.example/hook"})
    assert installed.status_code == 200, installed.text
    secret = world.world.find_project(PROJECT).hooks[0]["token"]  # type: ignore[union-attr]
    return {"X-Gitlab-Token": secret, "X-Gitlab-Event": "Merge Request Hook", "Idempotency-Key": "delivery-1"}


def _stored_deliveries(environ: Mapping[str, str]) -> tuple[list[WebhookEvent], dict[int, TrackedMergeRequest]]:
    with Store.open(environ) as store:
        return store.webhook_events(PROJECT) + store.webhook_events("other/project"), store.tracked(PROJECT)


def test_a_delivery_that_failed_is_processed_when_gitlab_retries_it(
        make_client: MakeClient, world: FakeGitLab, store_environ: dict[str, str]) -> None:
    client = make_client()
    headers = _install_hook(client, world)

    with failing_tracking(store_environ):  # the database refuses the tracking write, after the key's insert
        failed = client.post(WEBHOOK, content=_hook(1, "c" * 40), headers=headers)
    assert failed.status_code == 503 and failed.json()["remedy"]
    assert _stored_deliveries(store_environ) == ([], {})

    retried = client.post(WEBHOOK, content=_hook(1, "c" * 40), headers=headers)  # GitLab's retry: same key

    assert retried.status_code == 200, retried.text
    assert retried.json()["result"] == "recorded"
    events, tracked = _stored_deliveries(store_environ)
    assert [e.idempotency_key for e in events] == ["delivery-1"] and tracked[1].head_sha == "c" * 40
    assert client.post(WEBHOOK, content=_hook(1, "c" * 40), headers=headers).json()["result"] == "duplicate"


@pytest.mark.parametrize("project", [
    {"id": 99, "path_with_namespace": "other/project"},
    {"id": 1, "path_with_namespace": "data/analytics/shop-fork"},
    {"path_with_namespace": "data/analytics"},
])
@pytest.mark.parametrize("kind", ["merge_request", "push"])
def test_a_delivery_for_another_project_is_refused_and_nothing_is_stored(
        client: TestClient, world: FakeGitLab, project: dict[str, object], kind: str) -> None:
    headers = _install_hook(client, world)
    body = json.loads(_hook(1, "c" * 40))
    body.update(project=project, object_kind=kind)

    refused = client.post(WEBHOOK, content=json.dumps(body), headers=headers)

    assert refused.status_code == 403, refused.text
    assert str(project["path_with_namespace"]) in refused.json()["error"] and PROJECT in refused.json()["error"]
    assert "connect" in refused.json()["remedy"]
    assert _stored_deliveries(dict(os.environ)) == ([], {})


def test_a_delivery_once_the_connection_is_gone_is_refused(client: TestClient, world: FakeGitLab) -> None:
    headers = _install_hook(client, world)
    accepted = client.post(WEBHOOK, content=_hook(1, "c" * 40), headers=headers)
    assert accepted.status_code == 200 and accepted.json()["result"] == "recorded"

    client.post("/api/gitlab/disconnect")  # the webhook secret stays, the project is gone
    orphan = client.post(WEBHOOK, content=_hook(2, "d" * 40), headers={**headers, "Idempotency-Key": "delivery-2"})

    assert orphan.status_code == 403 and "not connected" in orphan.json()["error"]
    assert "connect" in orphan.json()["remedy"]
    assert list(_stored_deliveries(dict(os.environ))[1]) == [1]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


class RawJson(str):
    """JSON text put into a body as is (numbers JSON cannot express as Python values, deep nesting)."""


def _with(path: str, value: object) -> bytes:
    """A valid merge request hook with one field replaced by ``value`` (JSON-encoded unless :class:`RawJson`)."""
    body = json.loads(_hook(1, "c" * 40))
    *parents, leaf = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    target[leaf] = "__VALUE__"
    raw = value if isinstance(value, RawJson) else json.dumps(value)
    return json.dumps(body).replace('"__VALUE__"', raw).encode()


HOSTILE_BODIES = {
    "100k nested arrays": _nested(100_000).encode(),
    "100k nested arrays inside the hook": _with("object_attributes.labels", RawJson(_nested(100_000))),
    "iid negative": _with("object_attributes.iid", -1),
    "iid zero": _with("object_attributes.iid", 0),
    "iid above 2^31-1": _with("object_attributes.iid", 2**31),
    "iid above 2^63": _with("object_attributes.iid", 2**64),
    "iid of 400 digits": _with("object_attributes.iid", RawJson("9" * 400)),
    "iid float": _with("object_attributes.iid", 1.5),
    "iid integral float": _with("object_attributes.iid", RawJson("1.0")),
    "iid huge exponent": _with("object_attributes.iid", RawJson("1e400")),
    "iid string": _with("object_attributes.iid", "1"),
    "iid boolean": _with("object_attributes.iid", True),
    "iid null": _with("object_attributes.iid", None),
    "title with NUL": _with("object_attributes.title", "a\u0000b"),
    "title of 1 MB": _with("object_attributes.title", "x" * 1_000_000),
    "state not a word": _with("object_attributes.state", "opened'; drop table x; --"),
    "sha not hex": _with("object_attributes.last_commit.id", "not-a-sha"),
    "project id string": _with("project.id", "1"),
    "project id negative": _with("project.id", -1),
    "project path with a line break": _with("project.path_with_namespace", "data/analytics/shop\nx"),
    "project path too long": _with("project.path_with_namespace", "a/" * 400 + "b"),
    "a JSON array": b"[1, 2]",
    "not UTF-8": b"\xff\xfe{",
    "empty": b"",
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_a_hostile_or_broken_body_is_a_400_with_a_remedy_and_stores_nothing(
        client: TestClient, world: FakeGitLab, body: bytes, caplog: pytest.LogCaptureFixture) -> None:
    headers = _install_hook(client, world)
    caplog.set_level(logging.DEBUG)

    refused = client.post(WEBHOOK, content=body, headers=headers)

    assert refused.status_code == 400, refused.text
    assert refused.json()["error"].startswith("The webhook body is not a GitLab hook event")
    assert refused.json()["remedy"]
    assert _stored_deliveries(dict(os.environ)) == ([], {})
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("header", [{"Idempotency-Key": "k" * 256}, {"X-Gitlab-Event": "e" * 101}])
def test_overlong_delivery_headers_are_a_400(client: TestClient, world: FakeGitLab, header: dict[str, str]) -> None:
    headers = _install_hook(client, world)

    refused = client.post(WEBHOOK, content=_hook(1, "c" * 40), headers={**headers, **header})

    assert refused.status_code == 400 and refused.json()["remedy"]
    assert _stored_deliveries(dict(os.environ)) == ([], {})


def test_the_secret_is_checked_before_a_large_body_is_accepted(client: TestClient, world: FakeGitLab) -> None:
    headers = _install_hook(client, world)
    large = b'{"object_kind": "merge_request", "pad": "' + b"x" * (17 * 2**20) + b'"}'

    assert client.post(WEBHOOK, content=large, headers={"X-Gitlab-Token": "guess"}).status_code == 401
    assert client.post(WEBHOOK, content=large, headers=headers).status_code == 413


# -- a token that cannot travel in an HTTP header --------------------------------------------------------

UNSENDABLE = {"CRLF": "\r\nX-Injected: 1", "LF": "\n", "CR": "\r", "NUL": "\x00", "tab": "\t", "space": " x",
              "non-ASCII": "é", "line separator": "\u2028"}


@pytest.mark.parametrize("bad", UNSENDABLE.values(), ids=UNSENDABLE.keys())
def test_connect_refuses_a_token_no_header_can_carry_without_echoing_or_logging_it(
        client: TestClient, world: FakeGitLab, caplog: pytest.LogCaptureFixture, bad: str) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    token = _token(world)
    hostile = token[:12] + bad + token[12:]

    refused = client.post("/api/gitlab/connect", json={"url": world.url, "project": PROJECT, "token": hostile})

    assert refused.status_code == 400, refused.text
    assert "HTTP header" in refused.json()["error"] and "Copy the token again" in refused.json()["remedy"]
    for secret_part in (token[:12], token[12:], token[-4:]):
        assert secret_part not in refused.text
        assert not [r for r in caplog.records if secret_part in r.getMessage()]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert world.requests == []  # nothing was sent to GitLab
    assert client.get("/api/gitlab/connection").json()["connected"] is False


@pytest.mark.parametrize("url", ["http://[::1", "https://gitlab.example.com\r\nX-Injected: 1", "http://host:99999",
                                 "http://h" + "a" * 300 + ".com", "https://me:hunter2@gitlab.example.com"])
def test_connect_with_an_unusable_url_is_a_400_not_a_500(
        client: TestClient, world: FakeGitLab, caplog: pytest.LogCaptureFixture, url: str) -> None:
    caplog.set_level(logging.DEBUG)

    refused = client.post("/api/gitlab/connect", json={"url": url, "project": PROJECT, "token": _token(world)})

    assert refused.status_code == 400, refused.text
    assert "GitLab URL" in refused.json()["error"] and refused.json()["remedy"] and "hunter2" not in refused.text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR or "hunter2" in r.getMessage()]


# -- the store: opened once for the server's life, closed when it shuts down ---------------------------------


def _open_store_files(home: Path) -> list[str]:
    """The files of the SQLite store this process holds open right now (read from /proc/self/fd)."""
    targets = []
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):  # an fd closed while listing
            targets.append(os.readlink(fd))
    return [target for target in targets if target.startswith(str(home / "spyglass.db"))]


def test_the_server_opens_the_store_once_for_its_life_and_closes_it_at_shutdown(
        store_backend: StoreBackend, make_client: MakeClient, world: FakeGitLab) -> None:
    database = store_backend.postgres
    sessions_before = database.settled_sessions() if database else 0
    with counting_store_opens(store_backend.home) as opens:
        client = make_client()
        headers = _install_hook(client, world)
        calls = ([partial(client.get, "/api/gitlab/connection")] * 10
                 + [partial(client.post, WEBHOOK, content=_hook(1, "c" * 40))] * 10  # unauthenticated
                 + [partial(client.post, WEBHOOK, content=_hook(1, f"{n:040x}"),
                            headers={**headers, "Idempotency-Key": f"delivery-{n}"}) for n in range(10)])
        with ThreadPoolExecutor(8) as pool:
            statuses = [response.status_code for response in pool.map(lambda call: call(), calls)]
        live = database.backends() if database else 0
        client.__exit__(None, None, None)  # the server shuts down

    assert sorted(statuses) == [200] * 20 + [401] * 10
    assert opens.key_reads == 1  # one open (the key is read once) for start-up, 30 requests and shutdown
    if database is None:
        assert 1 <= opens.sqlite_connections <= SQLITE_MAX_CONNECTIONS
        assert _open_store_files(store_backend.home) == []  # closed at shutdown
    else:
        assert 1 <= live <= POSTGRES_MAX_CONNECTIONS  # pooled connections, kept between requests
        # every connection the server ever made, and all closed at shutdown (settled waits for that)
        assert database.settled_sessions() - sessions_before <= POSTGRES_MAX_CONNECTIONS
