"""What a web page the user opens can do to the server, over real HTTP against uvicorn on loopback.

DNS rebinding (a hostile ``Host``), cross-site requests (a hostile ``Origin``/``Referer``, or a simple
request a form or ``no-cors`` fetch can send), unauthenticated bodies, and the security headers of
every response.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from spyglass.server.config import ServerConfig
from spyglass.server.launch import build_app
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.testing.gitlab import FakeGitLab
from tests.fixtures.live_server import serve_in_thread

Live = Callable[..., str]
HOSTILE_HOSTS = ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}", "localhost.evil:{port}",
                 "127.0.0.2:{port}", "[::2]:{port}", "", "a b", "local_host:{port}"]
PATHS = [("GET", "/"), ("GET", "/static/index.html"), ("GET", "/static/js/api.js"), ("GET", "/api/info"),
         ("GET", "/api/lineage"), ("GET", "/api/checks"), ("GET", "/api/state/export"), ("GET", "/api/health"),
         ("GET", "/api/gitlab/connection"), ("POST", "/api/checks"), ("POST", "/api/gitlab/disconnect"),
         ("POST", "/api/gitlab/webhook"), ("POST", "/api/query")]
X_SPYGLASS = {"X-Spyglass-Request": "1"}


@pytest.fixture
def live(shop_project: ProjectSettings, tmp_path: Path) -> Iterator[Live]:
    """``live(**config)`` → the base URL of a real server over the shop project (stopped after the test)."""
    stack: list[tuple[Session, object]] = []

    def start(**options: object) -> str:
        session = Session.load(shop_project)
        config = ServerConfig(reload_interval=0.2, **options)  # type: ignore[arg-type]
        app = build_app(session, tmp_path / "state.json", config=config, environ=dict(os.environ))
        serving = serve_in_thread(app, config)
        url = serving.__enter__()
        stack.append((session, serving))
        return url

    yield start
    for session, serving in reversed(stack):
        serving.__exit__(None, None, None)  # type: ignore[attr-defined]
        session.close()


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_a_rebound_host_name_gets_400_on_every_path(live: Live) -> None:
    url = live()
    port = _port(url)
    for host in HOSTILE_HOSTS:
        for method, path in PATHS:
            response = httpx.request(method, url + path, headers={"Host": host.format(port=port), **X_SPYGLASS},
                                     json={})
            assert response.status_code == 400, (host, path, response.text)
            body = response.json()
            assert set(body) == {"error", "remedy"} and "--allowed-host" in body["remedy"]
            assert "nodes" not in response.text and "spyglass_version" not in response.text


def test_the_loopback_names_and_the_bind_host_are_served(live: Live) -> None:
    url = live()
    port = _port(url)
    for host in ("127.0.0.1", f"127.0.0.1:{port}", "localhost", f"localhost:{port}", f"LocalHost.:{port}",
                 f"[::1]:{port}", "[::1]", f"[0:0::1]:{port}"):
        response = httpx.get(f"{url}/api/info", headers={"Host": host})
        assert response.status_code == 200, (host, response.text)


def test_allowed_hosts_are_served_and_the_webhook_by_its_public_name(live: Live) -> None:
    url = live(allowed_hosts=("spyglass.example.com",))
    public = {"Host": "spyglass.example.com"}
    assert httpx.get(f"{url}/api/lineage", headers=public).json()["nodes"]
    # GitLab calls the webhook by the public name: it reaches the route (refused there for lack of a secret)
    hook = httpx.post(f"{url}/api/gitlab/webhook", headers=public, content=b"{}")
    assert hook.status_code == 401, hook.text
    assert httpx.get(f"{url}/api/lineage", headers={"Host": "other.example.com"}).status_code == 400


def test_a_request_without_host_header_gets_400(live: Live) -> None:
    port = _port(live())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /api/info HTTP/1.0\r\n\r\n")
        answer = _read_all(conn)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]


def _read_all(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


# -- cross-site requests ---------------------------------------------------------------------------------
def _attacker_state(url: str) -> bytes:
    """An exported state holding one approved check, as an attacker would craft it."""
    created = httpx.post(f"{url}/api/checks", json={"spec": {"type": "lineage_diff"}, "name": "attacker check"})
    assert created.status_code == 201, created.text
    check_id = created.json()["check_id"]
    state = json.loads(httpx.get(f"{url}/api/state/export").content)
    state["checks"][0]["approved"] = True
    assert httpx.delete(f"{url}/api/checks/{check_id}", headers=X_SPYGLASS).status_code == 204
    assert httpx.get(f"{url}/api/checks").json() == []
    return json.dumps(state).encode()


def test_cross_site_requests_change_nothing(live: Live) -> None:
    url = live()
    port = _port(url)
    attack = _attacker_state(url)
    plain = {"Content-Type": "text/plain;charset=UTF-8"}
    hostile = [
        {"Origin": "http://evil.example", **plain},                               # fetch(no-cors) / text form
        {"Origin": "http://evil.example", "Content-Type": "application/json"},    # would need a preflight
        {"Origin": "http://evil.example", **X_SPYGLASS},
        {"Origin": "null", **X_SPYGLASS},                                          # sandboxed frame, data: URL
        {"Origin": f"http://127.0.0.1:{port + 1}", **X_SPYGLASS},                  # another local port
        {"Origin": f"https://127.0.0.1:{port}", **X_SPYGLASS},                     # another scheme
        {"Origin": f"http://localhost:{port}", **X_SPYGLASS, "Host": f"127.0.0.1:{port}"},  # another name
        {"Referer": "http://evil.example/page.html", **X_SPYGLASS},               # no Origin: the Referer
        plain,                                                                     # neither, and a simple request
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
    ]
    for headers in hostile:
        imported = httpx.post(f"{url}/api/state/import", content=attack, headers=headers)
        assert imported.status_code == 403, (headers, imported.text)
        assert set(imported.json()) == {"error", "remedy"}
        assert httpx.post(f"{url}/api/state/save", headers=headers).status_code == 403
        assert httpx.post(f"{url}/api/gitlab/disconnect", headers=headers).status_code == 403
    assert httpx.get(f"{url}/api/checks").json() == []
    assert httpx.delete(f"{url}/api/checks/anything").status_code == 403  # no body: needs the header


def test_same_origin_requests_work(live: Live) -> None:
    url = live()
    attack = _attacker_state(url)
    own = {"Origin": url}
    imported = httpx.post(f"{url}/api/state/import", content=attack, headers={**own, **X_SPYGLASS,
                                                                            "Content-Type": "text/plain"})
    assert imported.status_code == 200, imported.text
    assert [c["approved"] for c in httpx.get(f"{url}/api/checks").json()] == [True]
    assert httpx.post(f"{url}/api/state/import", content=attack,
                      headers={**own, "Content-Type": "application/json"}).status_code == 200
    assert httpx.post(f"{url}/api/state/save", headers={"Referer": f"{url}/#/checks", **X_SPYGLASS}).status_code == 200
    assert httpx.post(f"{url}/api/checks", json={"spec": {"type": "lineage_diff"}}, headers=own).status_code == 201


def test_a_cross_site_page_cannot_disconnect_gitlab(live: Live, fake_gitlab: FakeGitLab) -> None:
    url = live()
    project = fake_gitlab.world.add_project("data/shop")
    alice = fake_gitlab.world.add_user("alice")
    fake_gitlab.world.add_member("data", alice, 40)
    token = fake_gitlab.world.add_token(alice, ("api",))
    connected = httpx.post(f"{url}/api/gitlab/connect", timeout=30,
                           json={"url": fake_gitlab.url, "project": project.path, "token": token})
    assert connected.status_code == 200, connected.text
    for headers in ({"Origin": "http://evil.example"}, {"Content-Type": "text/plain"}, {}):
        assert httpx.post(f"{url}/api/gitlab/disconnect", headers=headers).status_code == 403
    assert httpx.get(f"{url}/api/gitlab/connection").json()["connected"] is True
    assert httpx.post(f"{url}/api/gitlab/disconnect", headers={"Origin": url, **X_SPYGLASS}).json() == \
        {"disconnected": True}


def test_a_cross_site_page_cannot_rotate_bind_or_opt_in(live: Live, fake_gitlab: FakeGitLab) -> None:
    """The routes round 2 added that change the GitLab side: rotation, its opt-in, binding a checklist."""
    url = live()
    project = fake_gitlab.world.add_project("data/shop")
    alice = fake_gitlab.world.add_user("alice")
    fake_gitlab.world.add_member("data", alice, 40)
    fake_gitlab.world.add_merge_request(project, alice, title="t", sha="c" * 40)
    token = fake_gitlab.world.add_token(alice, ("api",))
    assert httpx.post(f"{url}/api/gitlab/connect", timeout=30, headers=X_SPYGLASS,
                      json={"url": fake_gitlab.url, "project": project.path, "token": token}).status_code == 200
    writes_before = len(fake_gitlab.writes())
    for headers in ({"Origin": "http://evil.example", **X_SPYGLASS}, {"Content-Type": "text/plain"}, {}):
        assert httpx.post(f"{url}/api/gitlab/rotate", headers=headers).status_code == 403
        assert httpx.put(f"{url}/api/gitlab/rotation", content=b'{"auto_rotate": true}',
                         headers=headers).status_code == 403
        assert httpx.post(f"{url}/api/gitlab/merge-requests/1/bind", headers=headers).status_code == 403
    assert httpx.get(f"{url}/api/gitlab/connection").json()["token_last4"] == token[-4:]
    assert httpx.get(f"{url}/api/gitlab/rotation").json()["auto_rotate"] is False
    assert len(fake_gitlab.writes()) == writes_before  # nothing reached GitLab


def test_the_webhook_needs_no_custom_header_but_no_foreign_origin_either(live: Live) -> None:
    url = live()
    # GitLab: server-to-server, no Origin, its own X-Gitlab-Token header (checked by the route: 401 here)
    assert httpx.post(f"{url}/api/gitlab/webhook", content=b"{}", headers={"X-Gitlab-Token": "x"}).status_code == 401
    assert httpx.post(f"{url}/api/gitlab/webhook", content=b"{}",
                      headers={"Origin": "http://evil.example"}).status_code == 403


# -- the order of the checks: nothing reads a body before the request is accepted -----------------------
def _send_headers_only(port: int, request: str) -> bytes:
    """Send the request line and headers, never the body they announce; the first bytes answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request.replace("\n", "\r\n").encode())
        return conn.recv(4096)


def test_refused_requests_are_answered_before_their_body_arrives(live: Live) -> None:
    url = live(auth_token="an-access-token")
    port = _port(url)
    big = 30 * 1024 * 1024  # under the 32 MB limit: only the authentication can refuse it at once
    unauthenticated = (f"POST /api/state/import HTTP/1.1\nHost: 127.0.0.1:{port}\nContent-Type: text/plain\n"
                       f"X-Spyglass-Request: 1\nContent-Length: {big}\n\n")
    assert _send_headers_only(port, unauthenticated).startswith(b"HTTP/1.1 401")
    chunked = (f"POST /api/checks HTTP/1.1\nHost: 127.0.0.1:{port}\nContent-Type: application/json\n"
               "Transfer-Encoding: chunked\n\n")
    assert _send_headers_only(port, chunked).startswith(b"HTTP/1.1 401")
    rebound = (f"POST /api/state/import HTTP/1.1\nHost: evil.example:{port}\nAuthorization: Bearer an-access-token\n"
               f"Content-Length: {big}\n\n")
    assert _send_headers_only(port, rebound).startswith(b"HTTP/1.1 400")
    cross_site = (f"POST /api/state/import HTTP/1.1\nHost: 127.0.0.1:{port}\nAuthorization: Bearer an-access-token\n"
                  f"Origin: http://evil.example\nContent-Type: text/plain\nContent-Length: {big}\n\n")
    assert _send_headers_only(port, cross_site).startswith(b"HTTP/1.1 403")
    too_large = (f"POST /api/state/import HTTP/1.1\nHost: 127.0.0.1:{port}\nAuthorization: Bearer an-access-token\n"
                 f"X-Spyglass-Request: 1\nContent-Length: {64 * 1024 * 1024}\n\n")
    assert _send_headers_only(port, too_large).startswith(b"HTTP/1.1 413")


def test_an_accepted_body_is_still_limited_as_it_streams(live: Live) -> None:
    url = live(max_body_bytes=1024)

    def chunks() -> Iterator[bytes]:
        yield b"x" * 800
        yield b"y" * 800

    # (not the state import: it has its own limit, what a state may hold; see tests/server/test_state_api.py)
    response = httpx.post(f"{url}/api/checks", content=chunks(), headers=X_SPYGLASS)
    assert response.status_code == 413 and "larger than" in response.json()["error"]
    assert response.json()["remedy"]


# -- headers ----------------------------------------------------------------------------------------------
def test_every_page_and_static_file_carries_the_security_headers(live: Live) -> None:
    url = live()
    for path in ("/", "/static/index.html", "/static/js/api.js", "/static/js/main.js", "/api/info",
                 "/static/missing.js"):
        response = httpx.get(url + path)
        csp = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert response.headers.get("referrer-policy") == "no-referrer", path
        assert response.headers.get("x-content-type-options") == "nosniff", path
    refused = httpx.get(f"{url}/", headers={"Host": "evil.example"})
    assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]
