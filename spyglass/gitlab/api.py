"""Typed GitLab endpoints: paths and payloads only; every request goes through :class:`GitLabClient`."""

from __future__ import annotations

from collections.abc import Iterator

from spyglass.gitlab.client import GitLabClient, project_ref
from spyglass.gitlab.hooks import hook_body
from spyglass.gitlab.models import (
    CommitStatus,
    Discussion,
    Hook,
    Member,
    MergeRequest,
    Note,
    Project,
    TokenInfo,
    User,
)


class GitLabApi:
    """The ~15 endpoints Spyglass uses, returning typed models."""

    def __init__(self, client: GitLabClient, project: str | int) -> None:
        self.client = client
        self._project = f"/projects/{project_ref(project)}"

    # -- identity ---------------------------------------------------------------------------------
    def token_self(self) -> TokenInfo:
        return TokenInfo.model_validate(self.client.get("/personal_access_tokens/self"))

    def current_user(self) -> User:
        return User.model_validate(self.client.get("/user"))

    def project(self) -> Project:
        return Project.model_validate(self.client.get(self._project))

    def member(self, user_id: int) -> Member:
        return Member.model_validate(self.client.get(f"{self._project}/members/all/{user_id}"))

    # -- merge requests ---------------------------------------------------------------------------
    def merge_requests(self, state: str = "opened") -> Iterator[MergeRequest]:
        params = {"state": state, "order_by": "updated_at", "sort": "desc"}
        for item in self.client.paginate(f"{self._project}/merge_requests", params):
            yield MergeRequest.model_validate(item)

    def merge_request(self, iid: int) -> MergeRequest:
        return MergeRequest.model_validate(self.client.get(f"{self._project}/merge_requests/{iid}"))

    # -- notes and discussions ----------------------------------------------------------------------
    def notes(self, iid: int) -> Iterator[Note]:
        path = f"{self._project}/merge_requests/{iid}/notes"
        for item in self.client.paginate(path, {"sort": "asc", "order_by": "created_at"}):
            yield Note.model_validate(item)

    def create_note(self, iid: int, body: str) -> Note:
        path = f"{self._project}/merge_requests/{iid}/notes"
        return Note.model_validate(self.client.post(path, {"body": body}))

    def update_note(self, iid: int, note_id: int, body: str) -> Note:
        path = f"{self._project}/merge_requests/{iid}/notes/{note_id}"
        return Note.model_validate(self.client.put(path, {"body": body}))

    def discussions(self, iid: int) -> Iterator[Discussion]:
        for item in self.client.paginate(f"{self._project}/merge_requests/{iid}/discussions"):
            yield Discussion.model_validate(item)

    def create_discussion(self, iid: int, body: str) -> Discussion:
        path = f"{self._project}/merge_requests/{iid}/discussions"
        return Discussion.model_validate(self.client.post(path, {"body": body}))

    def update_discussion_note(self, iid: int, discussion_id: str, note_id: int, body: str) -> Note:
        path = f"{self._project}/merge_requests/{iid}/discussions/{discussion_id}/notes/{note_id}"
        return Note.model_validate(self.client.put(path, {"body": body}))

    def add_discussion_note(self, iid: int, discussion_id: str, body: str) -> Note:
        """A reply in a thread (a reply to a single comment makes it a thread)."""
        path = f"{self._project}/merge_requests/{iid}/discussions/{discussion_id}/notes"
        return Note.model_validate(self.client.post(path, {"body": body}))

    def resolve_discussion(self, iid: int, discussion_id: str, resolved: bool) -> Discussion:
        path = f"{self._project}/merge_requests/{iid}/discussions/{discussion_id}"
        return Discussion.model_validate(self.client.put(path, {"resolved": resolved}))

    # -- commit status and hooks -------------------------------------------------------------------
    def set_commit_status(self, sha: str, *, state: str, name: str, description: str,
                          ref: str | None = None, target_url: str | None = None) -> CommitStatus:
        body: dict[str, object] = {"state": state, "name": name, "description": description[:255]}
        if ref:
            body["ref"] = ref
        if target_url:
            body["target_url"] = target_url
        # Posting the same state again only replaces the status: safe to retry.
        return CommitStatus.model_validate(
            self.client.post(f"{self._project}/statuses/{sha}", body, idempotent=True))

    def hooks(self) -> Iterator[Hook]:
        for item in self.client.paginate(f"{self._project}/hooks"):
            yield Hook.model_validate(item)

    def create_hook(self, url: str, secret: str) -> Hook:
        return Hook.model_validate(self.client.post(f"{self._project}/hooks", hook_body(url, secret)))

    def update_hook(self, hook_id: int, url: str, secret: str) -> Hook:
        # the same full body again only sets the same values: safe to retry
        return Hook.model_validate(self.client.put(f"{self._project}/hooks/{hook_id}", hook_body(url, secret)))
