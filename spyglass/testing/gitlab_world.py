"""The fake GitLab's in-memory world: users, tokens, groups, projects, memberships, MRs, notes.

Pure data and GitLab's rules (who may see, post, edit, resolve); the HTTP side is in
:mod:`spyglass.testing.gitlab`.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

JSON = dict[str, object]


@dataclass
class FakeUser:
    id: int
    username: str
    name: str
    bot: bool = False
    blocked: bool = False

    def basic(self, base: str) -> JSON:
        return {"id": self.id, "username": self.username, "name": self.name, "state": "active",
                "locked": False, "avatar_url": None, "web_url": f"{base}/{self.username}"}


@dataclass
class FakeToken:
    value: str = field(repr=False)
    id: int
    user: FakeUser
    scopes: tuple[str, ...]
    expires_at: date | None = None
    revoked: bool = False
    #: a CI job token (``CI_JOB_TOKEN``): the project whose running job holds it; it authenticates only on
    #: :attr:`World.job_token_routes`
    job_project_id: int | None = None
    #: the token's name, and the token it was rotated from (GitLab's ``previous_personal_access_token_id``)
    name: str = "spyglass"
    previous_id: int | None = None
    #: the day it was made (None: now)
    created_on: date | None = None


@dataclass
class FakeNote:
    id: int
    body: str
    author: FakeUser
    created_at: str
    discussion_id: str
    type: str | None = None
    system: bool = False
    resolvable: bool = False
    resolved: bool = False
    resolved_by: FakeUser | None = None


@dataclass
class FakeMergeRequest:
    id: int
    iid: int
    project_id: int
    title: str
    source_branch: str
    target_branch: str
    sha: str
    author: FakeUser
    state: str = "opened"
    updated_at: str = ""
    notes: list[FakeNote] = field(default_factory=list)
    #: only project members (any role) may comment, resolve or edit
    discussion_locked: bool = False


@dataclass
class FakeJob:
    """A CI job; ``archive`` is its artifacts zip (None: it kept none, or they expired and were erased)."""

    id: int
    name: str
    status: str = "success"
    archive: bytes | None = field(default=None, repr=False)
    #: ``artifacts_expire_at`` as GitLab writes it (ISO 8601), or None (kept forever)
    expire_at: str | None = None
    #: object storage the download redirects to (GitLab.com's CDN, a bucket): ``Location: <this>/<name>``
    redirect_to: str | None = None


@dataclass
class FakePipeline:
    id: int
    ref: str
    status: str = "success"
    jobs: list[FakeJob] = field(default_factory=list)


@dataclass
class FakeProject:
    id: int
    path: str
    visibility: str = "private"
    default_branch: str = "main"
    merge_requests: dict[int, FakeMergeRequest] = field(default_factory=dict)
    statuses: list[JSON] = field(default_factory=list)
    hooks: list[JSON] = field(default_factory=list)
    pipelines: list[FakePipeline] = field(default_factory=list)
    #: read-only for everyone: notes, threads and commit statuses are refused (403)
    archived: bool = False
    #: ``enabled`` / ``private`` (members of Reporter and up) / ``disabled``
    merge_requests_access_level: str = "enabled"
    #: the merge checks (GitLab's defaults: off)
    only_allow_merge_if_all_discussions_are_resolved: bool = False
    only_allow_merge_if_pipeline_succeeds: bool = False

    @property
    def namespaces(self) -> list[str]:
        """``a/b/c`` → ``["a", "a/b"]``: the groups whose members inherit access."""
        parts = self.path.split("/")
        return ["/".join(parts[:i]) for i in range(1, len(parts))]


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class World:
    """Everything the fake GitLab knows. Not thread-safe by itself: the server serialises requests."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.users: dict[int, FakeUser] = {}
        self.tokens: dict[str, FakeToken] = {}
        self.projects: dict[int, FakeProject] = {}
        #: group or project path → user id → access level
        self.members: dict[str, dict[int, int]] = {}
        #: the routes a CI job token authenticates on; elsewhere GitLab ignores it (anonymous). Recent GitLab
        #: also lets it list pipelines and jobs: drop those two for an older one
        self.job_token_routes = {"job_artifacts_by_ref", "pipelines", "pipeline_jobs"}
        #: GitLab's "Allow requests to the local network from webhooks" (off by default, as in GitLab)
        self.local_hooks_allowed = False
        #: every presentation of a revoked token (route name), to prove a client never reuses one; GitLab's reuse
        #: detection revokes the newer tokens of its family on the rotate endpoints, or on every route when
        #: ``reuse_detection_everywhere`` (GitLab 16.2's first version, and the strictest model)
        self.revoked_token_uses: list[str] = []
        self.reuse_detection_everywhere = False
        #: the instance's longest token lifetime in days (GitLab's default: 365)
        self.max_token_lifetime_days = 365

    def next_id(self) -> int:
        return next(self._ids)

    # -- set-up ---------------------------------------------------------------------------------
    def add_user(self, username: str, *, bot: bool = False) -> FakeUser:
        user = FakeUser(self.next_id(), username, username.replace("_", " ").title(), bot)
        self.users[user.id] = user
        return user

    def add_token(self, user: FakeUser, scopes: tuple[str, ...] = ("api",), *,
                  expires_at: date | None = None, revoked: bool = False) -> str:
        value = "glpat-" + secrets.token_urlsafe(15)
        self.tokens[value] = FakeToken(value, self.next_id(), user, tuple(scopes), expires_at, revoked)
        return value

    def add_project(self, path: str, *, visibility: str = "private") -> FakeProject:
        project = FakeProject(self.next_id(), path.strip("/"), visibility)
        self.projects[project.id] = project
        return project

    def add_member(self, path: str, user: FakeUser, access_level: int) -> None:
        """Membership of a group (inherited by its projects and subgroups) or of a project."""
        self.members.setdefault(path.strip("/"), {})[user.id] = access_level

    def add_merge_request(self, project: FakeProject, author: FakeUser, *, title: str = "Change a model",
                          source_branch: str = "feature", target_branch: str = "main",
                          sha: str | None = None, state: str = "opened") -> FakeMergeRequest:
        iid = len(project.merge_requests) + 1
        mr = FakeMergeRequest(self.next_id(), iid, project.id, title, source_branch, target_branch,
                              sha or hashlib.sha1(f"{project.id}-{iid}".encode()).hexdigest(), author,
                              state, now_iso())
        project.merge_requests[iid] = mr
        return mr

    def add_note(self, mr: FakeMergeRequest, author: FakeUser, body: str, *,
                 resolvable: bool = False) -> FakeNote:
        note = FakeNote(self.next_id(), body, author, now_iso(), secrets.token_hex(20),
                        "DiscussionNote" if resolvable else None, resolvable=resolvable)
        mr.notes.append(note)
        return note

    def add_pipeline(self, project: FakeProject, ref: str = "main", *, status: str = "success",
                     jobs: dict[str, bytes | None] | None = None, expire_at: str | None = None) -> FakePipeline:
        """A pipeline on ``ref`` whose jobs (name → artifacts zip or None) succeeded; newest last."""
        pipeline = FakePipeline(self.next_id(), ref, status)
        for name, archive in (jobs or {}).items():
            pipeline.jobs.append(FakeJob(self.next_id(), name, archive=archive, expire_at=expire_at))
        project.pipelines.append(pipeline)
        return pipeline

    def add_job_token(self, project: FakeProject, user: FakeUser) -> str:
        """The ``CI_JOB_TOKEN`` of a job running in ``project``, triggered by ``user``."""
        value = "glcbt-" + secrets.token_urlsafe(15)
        self.tokens[value] = FakeToken(value, self.next_id(), user, (), job_project_id=project.id)
        return value

    # -- rules ----------------------------------------------------------------------------------
    def access_level(self, project: FakeProject, user: FakeUser) -> int:
        """Effective level: the highest of the project's and its ancestor groups' memberships."""
        levels = [self.members.get(path, {}).get(user.id, 0) for path in [*project.namespaces, project.path]]
        return max(levels)

    def can_read(self, project: FakeProject, user: FakeUser) -> bool:
        return project.visibility != "private" or self.access_level(project, user) >= 10

    def can_read_merge_requests(self, project: FakeProject, user: FakeUser) -> bool:
        """The merge requests feature: off for all, or ``private`` (Reporter and up), or on."""
        level = project.merge_requests_access_level
        return level == "enabled" or (level == "private" and self.access_level(project, user) >= 20)

    def find_project(self, ref: str) -> FakeProject | None:
        if ref.isdigit():
            return self.projects.get(int(ref))
        return next((p for p in self.projects.values() if p.path.lower() == ref.lower()), None)


def token_status(token: FakeToken, today: date) -> tuple[int, JSON] | None:
    """GitLab's 401 answers for a known token (None when it is usable), in GitLab's check order."""
    if token.expires_at is not None and token.expires_at < today:
        return 401, {"error": "invalid_token", "error_description":
                     "Token is expired. You can either do re-authorization or token refresh."}
    if token.revoked:
        return 401, {"error": "invalid_token",
                     "error_description": "Token was revoked. You have to re-authorize from the user."}
    return None


def scope_allows(scopes: tuple[str, ...], method: str, route: str) -> bool:
    """``api`` allows all; ``read_api`` only GET/HEAD; ``read_user`` only ``/user``; any: token self."""
    if route == "token_self" or "api" in scopes or (route == "rotate_self" and "self_rotate" in scopes):
        return True
    if method in ("GET", "HEAD") and "read_api" in scopes:
        return True
    return route == "user" and method == "GET" and "read_user" in scopes


#: GitLab's answer to a request without a token, or with one it does not know
UNAUTHORIZED: JSON = {"message": "401 Unauthorized"}

INSUFFICIENT_SCOPE: JSON = {
    "error": "insufficient_scope",
    "error_description": "The request requires higher privileges than provided by the access token.",
    "scope": "api read_api",
}
