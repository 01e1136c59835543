"""The fake GitLab's routes: each handler takes the server, the parsed call and the path match."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlencode, urlsplit

from spyglass.testing.gitlab_world import JSON, FakeMergeRequest, FakeNote, FakeToken, FakeUser, now_iso

if TYPE_CHECKING:
    from spyglass.testing.gitlab import FakeGitLab

P = r"/projects/(?P<p>[^/]+)"
MR = P + r"/merge_requests/(?P<iid>\d+)"
FORBIDDEN: JSON = {"message": "403 Forbidden"}


class HttpError(Exception):
    def __init__(self, status: int, body: JSON) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


@dataclass
class Call:
    """One parsed request, as route handlers see it."""

    method: str
    path: str
    query: dict[str, str]
    body: JSON
    user: FakeUser
    base: str
    token: FakeToken


Handler = Callable[["FakeGitLab", Call, re.Match[str]], tuple[int, object]]


@dataclass(frozen=True)
class Route:
    """One endpoint: method, path pattern (after ``/api/v4``), handler; ``name`` is what the token
    scope rules (:func:`~spyglass.testing.gitlab_world.scope_allows`) and switches look at."""

    method: str
    pattern: re.Pattern[str]
    name: str
    handler: Handler


def _route(method: str, pattern: str, handler: Handler, name: str = "") -> Route:
    return Route(method, re.compile(f"^{pattern}$"), name or handler.__name__, handler)


def paginate(call: Call, items: list[object]) -> tuple[int, object]:
    """One page of ``items`` with GitLab's pagination headers (payload is ``(items, headers)``)."""
    per_page = min(max(int(call.query.get("per_page", "20") or 20), 1), 100)
    page = max(int(call.query.get("page", "1") or 1), 1)
    total = len(items)
    pages = max((total + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page: page * per_page]

    def link(number: int) -> str:
        query = {**call.query, "page": str(number), "per_page": str(per_page)}
        return f"{call.base}/api/v4{call.path}?{urlencode(query)}"

    rels = [(page - 1, "prev")] if page > 1 else []
    rels += [(page + 1, "next")] if page < pages else []
    rels += [(1, "first"), (pages, "last")]
    headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(total),
               "X-Total-Pages": str(pages), "X-Next-Page": str(page + 1) if page < pages else "",
               "X-Prev-Page": str(page - 1) if page > 1 else "",
               "Link": ", ".join(f'<{link(n)}>; rel="{rel}"' for n, rel in rels)}
    return 200, (chunk, headers)



def token_self(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    t = call.token
    created = f"{t.created_on.isoformat()}T09:00:00.000Z" if t.created_on else now_iso()
    return 200, {"id": t.id, "name": t.name, "revoked": t.revoked, "created_at": created,
                 "description": None, "scopes": list(t.scopes), "user_id": t.user.id, "last_used_at": None,
                 "active": not t.revoked, "expires_at": t.expires_at.isoformat() if t.expires_at else None}


def user(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    return 200, {**call.user.basic(call.base), "bot": call.user.bot, "created_at": now_iso()}


def project(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p = fake.project(call, m["p"])
    level = fake.world.members.get(p.path, {}).get(call.user.id)
    return 200, {"id": p.id, "name": p.path.rsplit("/", 1)[-1], "path_with_namespace": p.path,
                 "web_url": f"{call.base}/{p.path}", "default_branch": p.default_branch,
                 "visibility": p.visibility, "archived": p.archived,
                 "merge_requests_access_level": p.merge_requests_access_level,
                 "merge_requests_enabled": fake.world.can_read_merge_requests(p, call.user),
                 "only_allow_merge_if_all_discussions_are_resolved":
                     p.only_allow_merge_if_all_discussions_are_resolved,
                 "only_allow_merge_if_pipeline_succeeds": p.only_allow_merge_if_pipeline_succeeds,
                 "permissions": {"project_access": {"access_level": level, "notification_level": 3}
                                 if level else None, "group_access": None}}


def member(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p = fake.project(call, m["p"])
    who = fake.world.users.get(int(m["uid"]))
    level = fake.world.access_level(p, who) if who else 0
    if who is None or level == 0:
        return 404, {"message": "404 Not found"}
    return 200, {**who.basic(call.base), "access_level": level, "expires_at": None}


def merge_requests(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p = fake.project(call, m["p"])
    state = call.query.get("state", "all")
    mrs = [mr for mr in p.merge_requests.values() if state == "all" or mr.state == state]
    mrs.sort(key=lambda mr: mr.iid, reverse=call.query.get("sort", "desc") == "desc")
    return paginate(call, [fake.mr_json(p, mr, call.base) for mr in mrs])


def merge_request(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p, mr = fake.mr(call, m["p"], m["iid"])
    return 200, {**fake.mr_json(p, mr, call.base),
                 "diff_refs": {"base_sha": "0" * 40, "head_sha": mr.sha, "start_sha": "0" * 40}}


def notes(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    _, mr = fake.mr(call, m["p"], m["iid"])
    ordered = sorted(mr.notes, key=lambda n: n.id, reverse=call.query.get("sort", "desc") == "desc")
    return paginate(call, [fake.note_json(mr, n, call.base) for n in ordered])


def _body(call: Call) -> str:
    body = call.body.get("body")
    if body is None:
        raise HttpError(400, {"error": "body is missing"})
    if not isinstance(body, str) or not body.strip() or len(body) > 1_000_000:
        raise HttpError(400, {"message": "400 Bad request - Note {:note=>[\"is too long (maximum is "
                                         "1000000 characters)\"]}"})
    return body


def create_note(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    _, mr = fake.mr(call, m["p"], m["iid"])
    note = fake.world.add_note(mr, call.user, _body(call))
    return 201, fake.note_json(mr, note, call.base)


def _own_note(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[FakeMergeRequest, FakeNote]:
    _, mr = fake.mr(call, m["p"], m["iid"])
    note = next((n for n in mr.notes if n.id == int(m["nid"])), None)
    if note is None or ("did" in m.groupdict() and note.discussion_id != m["did"]):
        raise HttpError(404, {"message": "404 Not found"})
    return mr, note


def update_note(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    mr, note = _own_note(fake, call, m)
    if note.author.id != call.user.id:
        return 403, FORBIDDEN
    note.body = _body(call)
    return 200, fake.note_json(mr, note, call.base)


def discussions(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    _, mr = fake.mr(call, m["p"], m["iid"])
    ids = list(dict.fromkeys(n.discussion_id for n in sorted(mr.notes, key=lambda n: n.id)))
    return paginate(call, [fake.discussion_json(mr, d, call.base) for d in ids])


def create_discussion(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    _, mr = fake.mr(call, m["p"], m["iid"])
    note = fake.world.add_note(mr, call.user, _body(call), resolvable=True)
    return 201, fake.discussion_json(mr, note.discussion_id, call.base)


def _resolve(fake: FakeGitLab, call: Call, notes: list[FakeNote], author: FakeUser, resolved: bool) -> None:
    p = fake.world.find_project(unquote(call.path.split("/")[2]))
    allowed = author.id == call.user.id or (p is not None and fake.world.access_level(p, call.user) >= 30)
    mr = p.merge_requests.get(int(call.path.split("/")[4])) if p is not None else None
    allowed = allowed or (mr is not None and mr.author.id == call.user.id)  # an MR's author, any role
    if not allowed:
        raise HttpError(403, FORBIDDEN)
    for note in notes:
        if note.resolvable:
            note.resolved = resolved
            note.resolved_by = call.user if resolved else None


def resolve_discussion(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    _, mr = fake.mr(call, m["p"], m["iid"])
    thread = [n for n in mr.notes if n.discussion_id == m["did"]]
    if not thread:
        return 404, {"message": "404 Not found"}
    if "resolved" not in call.body:
        return 400, {"error": "resolved is missing"}
    _resolve(fake, call, thread, thread[0].author, call.body["resolved"] in (True, "true"))
    return 200, fake.discussion_json(mr, m["did"], call.base)


def update_discussion_note(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    mr, note = _own_note(fake, call, m)
    if "resolved" in call.body:
        _resolve(fake, call, [note], note.author, call.body["resolved"] in (True, "true"))
    elif note.author.id != call.user.id:
        return 403, FORBIDDEN
    else:
        note.body = _body(call)
    return 200, fake.note_json(mr, note, call.base)


def commit_status(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p = fake.project(call, m["p"])
    if fake.world.access_level(p, call.user) < 30:
        return 403, FORBIDDEN
    if not any(mr.sha == m["sha"] for mr in p.merge_requests.values()):
        return 404, {"message": "404 Commit Not Found"}
    state = call.body.get("state")
    if state not in ("pending", "running", "success", "failed", "canceled", "skipped"):
        return 400, {"error": "state does not have a valid value"}
    status: JSON = {"id": fake.world.next_id(), "sha": m["sha"], "ref": call.body.get("ref"),
                    "status": state, "name": call.body.get("name") or call.body.get("context") or "default",
                    "description": call.body.get("description"), "target_url": call.body.get("target_url"),
                    "created_at": now_iso(), "author": call.user.basic(call.base)}
    p.statuses.append(status)
    return 201, status


def create_hook(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p = fake.project(call, m["p"])
    if fake.world.access_level(p, call.user) < 40:
        return 403, FORBIDDEN
    if not call.body.get("url"):
        return 400, {"error": "url is missing"}
    if refused_hook_url(fake, str(call.body["url"])):
        return 422, {"message": {"url": [refused_hook_url(fake, str(call.body["url"]))]}}
    hook: JSON = {"id": fake.world.next_id(), "url": call.body["url"], "project_id": p.id,
                  "merge_requests_events": bool(call.body.get("merge_requests_events")),
                  "push_events": bool(call.body.get("push_events", True)),
                  "note_events": bool(call.body.get("note_events")), "created_at": now_iso(),
                  "enable_ssl_verification": bool(call.body.get("enable_ssl_verification", True))}
    p.hooks.append({**hook, "token": call.body.get("token")})  # kept for tests; never returned
    return 201, hook


def refused_hook_url(fake: FakeGitLab, url: str) -> str | None:
    """GitLab's refusal of a hook to the local network (its default), unless ``world.local_hooks_allowed``."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if fake.world.local_hooks_allowed:
        return None
    if host == "localhost" or (address is not None and (address.is_loopback or address.is_unspecified)):
        return "is blocked: Requests to localhost are not allowed"
    if address is not None and (address.is_private or address.is_link_local):
        return "is blocked: Requests to the local network are not allowed"
    return None


def _hook_json(hook: JSON) -> JSON:
    return {k: v for k, v in hook.items() if k != "token"}  # GitLab never returns the secret


def list_hooks(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p = fake.project(call, m["p"])
    if fake.world.access_level(p, call.user) < 40:
        return 403, FORBIDDEN
    return paginate(call, [_hook_json(h) for h in p.hooks])


def update_hook(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    p = fake.project(call, m["p"])
    if fake.world.access_level(p, call.user) < 40:
        return 403, FORBIDDEN
    hook = next((h for h in p.hooks if h["id"] == int(m["hid"])), None)
    if hook is None:
        return 404, {"message": "404 Not found"}
    if call.body.get("url") and refused_hook_url(fake, str(call.body["url"])):
        return 422, {"message": {"url": [refused_hook_url(fake, str(call.body["url"]))]}}
    fields = ("url", "token", "merge_requests_events", "note_events", "push_events", "enable_ssl_verification")
    hook.update({k: call.body[k] for k in fields if k in call.body})
    return 200, _hook_json(hook)


#: every endpoint the fake serves, matched in order
ROUTES: tuple[Route, ...] = (
    _route("GET", "/personal_access_tokens/self", token_self, "token_self"),
    _route("GET", "/user", user, "user"),
    _route("GET", P, project),
    _route("GET", P + r"/members/all/(?P<uid>\d+)", member),
    _route("GET", P + "/merge_requests", merge_requests),
    _route("GET", MR, merge_request),
    _route("GET", MR + "/notes", notes),
    _route("POST", MR + "/notes", create_note),
    _route("PUT", MR + r"/notes/(?P<nid>\d+)", update_note),
    _route("GET", MR + "/discussions", discussions),
    _route("POST", MR + "/discussions", create_discussion),
    _route("PUT", MR + r"/discussions/(?P<did>[0-9a-f]+)", resolve_discussion),
    _route("PUT", MR + r"/discussions/(?P<did>[0-9a-f]+)/notes/(?P<nid>\d+)", update_discussion_note),
    _route("POST", P + r"/statuses/(?P<sha>[0-9a-f]{7,40})", commit_status),
    _route("POST", P + "/hooks", create_hook),
    _route("GET", P + "/hooks", list_hooks),
    _route("PUT", P + r"/hooks/(?P<hid>\d+)", update_hook),
)
