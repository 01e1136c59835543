"""Typed views of the GitLab REST API v4 payloads Spyglass reads (unknown fields are ignored)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class TokenInfo(_Payload):
    """``GET /personal_access_tokens/self``."""

    id: int
    name: str = ""
    scopes: tuple[str, ...] = ()
    active: bool = True
    revoked: bool = False
    expires_at: date | None = None
    user_id: int | None = None


class User(_Payload):
    """``GET /user`` (UserPublic) or an embedded UserBasic."""

    id: int
    username: str
    name: str = ""
    state: str = "active"
    bot: bool = False
    web_url: str = ""


class Project(_Payload):
    """``GET /projects/:id``."""

    id: int
    path_with_namespace: str
    name: str = ""
    web_url: str = ""
    default_branch: str | None = None
    #: the project's state and features as GitLab returns them (None: this GitLab did not say)
    archived: bool = False
    #: whether merge requests are available *to this user* (deprecated by GitLab, still returned)
    merge_requests_enabled: bool | None = None
    #: ``disabled`` / ``private`` (members of Reporter and up) / ``enabled``
    merge_requests_access_level: str | None = None
    #: the merge checks "All threads must be resolved" and "Pipelines must succeed" (every tier)
    only_allow_merge_if_all_discussions_are_resolved: bool | None = None
    only_allow_merge_if_pipeline_succeeds: bool | None = None


class Member(_Payload):
    """``GET /projects/:id/members/all/:user_id``: the effective (inherited included) membership."""

    id: int
    username: str
    access_level: int


class MergeRequest(_Payload):
    """A merge request (list entries have no ``diff_refs``)."""

    id: int
    iid: int
    project_id: int
    title: str
    state: str
    source_branch: str
    target_branch: str
    sha: str | None = None
    web_url: str = ""
    updated_at: str = ""
    author: User | None = None
    #: only project members may comment on a merge request whose discussion is locked
    discussion_locked: bool | None = None


class Note(_Payload):
    """A note on a merge request (or inside a discussion)."""

    id: int
    body: str
    author: User
    system: bool = False
    resolvable: bool = False
    resolved: bool | None = None
    #: who resolved it (resolvable notes only)
    resolved_by: User | None = None


class Discussion(_Payload):
    """A merge request discussion (thread)."""

    id: str
    individual_note: bool = False
    notes: tuple[Note, ...] = Field(default_factory=tuple)

    @property
    def first(self) -> Note | None:
        return self.notes[0] if self.notes else None

    @property
    def resolved_by(self) -> User | None:
        """Who resolved the thread (its first resolvable note's resolver), when it is resolved."""
        return next((n.resolved_by for n in self.notes if n.resolvable and n.resolved), None)

    @property
    def resolved(self) -> bool:
        return any(n.resolvable for n in self.notes) and all(
            bool(n.resolved) for n in self.notes if n.resolvable)


class CommitStatus(_Payload):
    """``POST /projects/:id/statuses/:sha``."""

    id: int
    sha: str
    status: str
    name: str = ""
    description: str | None = None


class Hook(_Payload):
    """``GET``/``POST``/``PUT /projects/:id/hooks`` (GitLab never returns the secret token)."""

    id: int
    url: str
    merge_requests_events: bool = False
    note_events: bool = False


ROLE_NAMES: dict[int, str] = {
    0: "No access", 5: "Minimal access", 10: "Guest", 15: "Planner", 20: "Reporter",
    30: "Developer", 40: "Maintainer", 50: "Owner",
}

MAINTAINER = 40


def role_name(access_level: int | None) -> str | None:
    """GitLab's name for an access level (None when unknown)."""
    if access_level is None:
        return None
    return ROLE_NAMES.get(access_level, f"level {access_level}")
