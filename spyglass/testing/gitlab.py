"""A fake GitLab (REST API v4) over real HTTP on 127.0.0.1, for tests of a GitLab client, CLI or server.

Usage::

    with FakeGitLab(prefix="/gitlab") as gl:          # or the ``fake_gitlab`` fixture
        alice = gl.world.add_user("alice")
        token = gl.world.add_token(alice, ("api",))   # scopes; expires_at=date, revoked=True
        project = gl.world.add_project("data/analytics/dbt")   # subgroups; visibility="public"
        gl.world.add_member("data", alice, 40)        # group membership, inherited by its projects
        mr = gl.world.add_merge_request(project, alice, title="...", sha="abc...")
        gl.url                                        # http://127.0.0.1:PORT/gitlab (pass as GitLab URL)
        mr.notes                                      # FakeNote list: id, body, author, resolved ...
        project.statuses, project.hooks               # dicts as GitLab returns them
        gl.world.local_hooks_allowed = True           # else hooks to 127.0.0.1 / private hosts get GitLab's 422
        gl.fail_next("POST", r"/notes$", kind="drop") # or kind="429" (retry_after=1) / "500"; count=N
        gl.requests                                   # [(method, path)] seen, e.g. to assert no write
        gl.token_self_supported = False               # an old GitLab without /personal_access_tokens/self
        gl.world.reuse_detection_everywhere = True    # a revoked token revokes its family anywhere (GitLab:
        gl.world.revoked_token_uses                   #   on rotate only); the routes revoked tokens were sent to
        alice.blocked = True                          # every request: 403 "Your account has been blocked."
        project.archived = True                       # read-only: note/thread/status writes get 403
        project.merge_requests_access_level = "private"   # or "disabled": MR routes 403 (below Reporter)
        project.only_allow_merge_if_all_discussions_are_resolved = True   # merge checks (default off)
        mr.discussion_locked = True                   # non-members' notes get 403
        gl.world.add_user("project_7_bot_1a2b3c", bot=True)   # a project access token's bot user

Answers like GitLab's REST API v4 (https://docs.gitlab.com/api/rest/): its status codes and bodies
(401 unknown / expired / revoked token, 403 insufficient_scope, 404 Project Not Found, ...), ``Link`` /
``X-Page`` / ``X-Next-Page`` / ``X-Total`` pagination (per_page default 20, max 100), only a note's
author may edit it. The routes it serves are :data:`spyglass.testing.gitlab_routes.ROUTES`; the data
and GitLab's access rules are in :mod:`spyglass.testing.gitlab_world`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from spyglass.testing.gitlab_routes import ROUTES, Call, HttpError
from spyglass.testing.gitlab_routes_jobs import JOB_ROUTES
from spyglass.testing.gitlab_routes_threads import THREAD_ROUTES
from spyglass.testing.gitlab_routes_tokens import TOKEN_ROUTES, presented_rejected
from spyglass.testing.gitlab_world import (
    INSUFFICIENT_SCOPE,
    JSON,
    UNAUTHORIZED,
    FakeMergeRequest,
    FakeNote,
    FakeProject,
    World,
    scope_allows,
    token_status,
)


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    kind: str
    remaining: int
    retry_after: int


class FakeGitLab:
    """The server. Start with ``with`` (or :meth:`start`); everything is in :attr:`world`."""

    def __init__(self, *, prefix: str = "", today: date | None = None) -> None:
        self.world = World()
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.today = today or date.today()
        self.token_self_supported = True
        self.requests: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeGitLab:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGitLab:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("Start the fake GitLab first (`with FakeGitLab() as gl:` or `.start()`).")
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def fail_next(self, method: str, path_regex: str, *, kind: str = "500", count: int = 1,
                  retry_after: int = 1) -> None:
        """The next ``count`` requests matching get ``kind``: "429", "500", or "drop" (processed, then
        the connection is closed without a response)."""
        self.faults.append(Fault(method, re.compile(path_regex), kind, count, retry_after))

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.requests if m not in ("GET", "HEAD")]

    # -- dispatch -------------------------------------------------------------------------------
    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.remaining > 0 and fault.method == method and fault.pattern.search(path):
                fault.remaining -= 1
                return fault
        return None

    def dispatch(self, method: str, path: str, query: dict[str, str], body: JSON, token: str | None,
                 base: str) -> tuple[int, object]:
        for route in (*ROUTES, *JOB_ROUTES, *THREAD_ROUTES, *TOKEN_ROUTES):
            match = route.pattern.match(path)
            if route.method != method or match is None:
                continue
            if route.name == "token_self" and not self.token_self_supported:
                break
            found = self.world.tokens.get(token or "")
            if found is None or (found.job_project_id is not None and route.name not in self.world.job_token_routes):
                return 401, UNAUTHORIZED  # a job token elsewhere than its routes: GitLab ignores it (anonymous)
            rejected = token_status(found, self.today)
            if rejected is not None:
                presented_rejected(self.world, found, route.name, self.today)  # reuse detection
                return rejected
            if found.user.blocked:
                return 403, {"message": "403 Forbidden - Your account has been blocked."}
            if found.job_project_id is None and not scope_allows(found.scopes, method, route.name):
                return 403, INSUFFICIENT_SCOPE
            try:
                return route.handler(self, Call(method, path, query, body, found.user, base, found), match)
            except HttpError as exc:
                return exc.status, exc.body
        return 404, {"error": "404 Not Found"}

    # -- helpers for routes ----------------------------------------------------------------------
    def project(self, call: Call, ref: str) -> FakeProject:
        project = self.world.find_project(unquote(ref))
        if project is None or not self.world.can_read(project, call.user):
            raise HttpError(404, {"message": "404 Project Not Found"})
        if "/merge_requests" in call.path and not self.world.can_read_merge_requests(project, call.user):
            raise HttpError(403, {"message": "403 Forbidden"})
        if call.method != "GET" and project.archived and "/hooks" not in call.path:
            raise HttpError(403, {"message": "403 Forbidden"})  # archived: read-only for everyone
        return project

    def mr(self, call: Call, ref: str, iid: str) -> tuple[FakeProject, FakeMergeRequest]:
        project = self.project(call, ref)
        mr = project.merge_requests.get(int(iid))
        if mr is None:
            raise HttpError(404, {"message": "404 Not found"})
        if call.method != "GET" and mr.discussion_locked and self.world.access_level(project, call.user) == 0:
            raise HttpError(403, {"message": "403 Forbidden"})  # locked: members only
        return project, mr

    def mr_json(self, project: FakeProject, mr: FakeMergeRequest, base: str) -> JSON:
        return {"id": mr.id, "iid": mr.iid, "project_id": project.id, "title": mr.title, "description": "",
                "state": mr.state, "created_at": mr.updated_at, "updated_at": mr.updated_at,
                "source_branch": mr.source_branch, "target_branch": mr.target_branch, "sha": mr.sha,
                "author": mr.author.basic(base), "draft": False, "user_notes_count": len(mr.notes),
                "discussion_locked": mr.discussion_locked,
                "web_url": f"{base}/{project.path}/-/merge_requests/{mr.iid}",
                "references": {"short": f"!{mr.iid}", "full": f"{project.path}!{mr.iid}"}}

    def note_json(self, mr: FakeMergeRequest, note: FakeNote, base: str) -> JSON:
        data: JSON = {"id": note.id, "type": note.type, "body": note.body, "author": note.author.basic(base),
                      "created_at": note.created_at, "updated_at": note.created_at, "system": note.system,
                      "noteable_id": mr.id, "noteable_type": "MergeRequest", "noteable_iid": mr.iid,
                      "project_id": mr.project_id, "resolvable": note.resolvable, "confidential": False,
                      "internal": False}
        if note.resolvable:
            data.update(resolved=note.resolved, resolved_by=note.resolved_by.basic(base)
                        if note.resolved_by else None, resolved_at=None)
        return data

    def discussion_json(self, mr: FakeMergeRequest, discussion_id: str, base: str) -> JSON:
        notes = [n for n in mr.notes if n.discussion_id == discussion_id]
        if not notes:
            raise HttpError(404, {"message": "404 Not found"})
        return {"id": discussion_id, "individual_note": notes[0].type is None,
                "notes": [self.note_json(mr, n, base) for n in notes]}


class _Handler(BaseHTTPRequestHandler):
    """Serves one request for :attr:`fake` (set per server by :func:`_handler_for`)."""

    protocol_version = "HTTP/1.1"
    fake: FakeGitLab

    def log_message(self, format: str, *args: object) -> None:
        """Silent: tests read ``FakeGitLab.requests`` instead."""

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0") or 0)
        raw = self.rfile.read(length) if length else b""
        api = self.fake.prefix + "/api/v4"
        if not parts.path.startswith(api + "/"):
            self._send(404, {"error": "404 Not Found"}, {})
            return
        path = parts.path[len(api):]
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = _parse_body(raw, self.headers.get("Content-Type", ""))
        token = self.headers.get("PRIVATE-TOKEN") or \
            self.headers.get("Authorization", "").removeprefix("Bearer ").strip() or \
            self.headers.get("JOB-TOKEN") or None
        host = f"http://{self.headers.get('Host', '127.0.0.1')}{self.fake.prefix}"
        with self.fake.lock:
            self.fake.requests.append((method, path))
            fault = self.fake.take_fault(method, path)
            if fault is not None and fault.kind in ("429", "500"):
                self._fault(fault)
                return
            status, payload = self.fake.dispatch(method, path, query, body, token, host)
        headers: dict[str, str] = {}
        if isinstance(payload, tuple):
            status, payload, headers = (status, payload[0], payload[1])
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        self._send(status, payload, headers)

    def _fault(self, fault: Fault) -> None:
        if fault.kind == "429":
            data = b"Retry later\n"
            self.send_response(429)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Retry-After", str(fault.retry_after))
            self.send_header("RateLimit-Name", "throttle_authenticated_api")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self._send(500, {"message": "500 Internal Server Error"}, {})

    def _send(self, status: int, payload: object, headers: dict[str, str]) -> None:
        raw = isinstance(payload, bytes)  # a file (an artifacts zip), sent as is
        data = payload if isinstance(payload, bytes) else b"" if status == 204 else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")


def _handler_for(fake: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    return type("FakeGitLabHandler", (_Handler,), {"fake": fake})


def _parse_body(raw: bytes, content_type: str) -> JSON:
    if not raw:
        return {}
    if "json" in content_type:
        data = json.loads(raw)
        return data if isinstance(data, dict) else {}
    return {k: v[-1] for k, v in parse_qs(raw.decode()).items()}

