"""The fake GitLab's webhook deliveries: what GitLab POSTs to a project's hooks, sent on request.

A test makes something happen in GitLab (a comment, a resolved thread), then calls :func:`deliver_note`
or :func:`deliver_merge_request` to send the matching event, as GitLab would, to every hook of the project
subscribed to it: ``X-Gitlab-Event``, ``X-Gitlab-Token`` (the hook's secret), a fresh ``Idempotency-Key``
(pass one to replay a delivery) and the body GitLab builds (lib/gitlab/data_builder/note.rb and
merge_request.rb; the fields Spyglass reads, and the usual others). Deliveries are explicit, not
automatic, so a test decides when a server sees an event (GitLab sends them asynchronously too).
"""

from __future__ import annotations

import uuid

import httpx

from spyglass.testing.gitlab_world import JSON, FakeMergeRequest, FakeNote, FakeProject, FakeUser, now_iso


def _project_json(project: FakeProject, base: str) -> JSON:
    return {"id": project.id, "name": project.path.rsplit("/", 1)[-1], "web_url": f"{base}/{project.path}",
            "path_with_namespace": project.path, "default_branch": project.default_branch,
            "namespace": project.path.rsplit("/", 1)[0], "visibility_level": 0}


def _mr_json(mr: FakeMergeRequest, base: str, project: FakeProject) -> JSON:
    return {"id": mr.id, "iid": mr.iid, "title": mr.title, "state": mr.state, "source_branch": mr.source_branch,
            "target_branch": mr.target_branch, "author_id": mr.author.id, "updated_at": mr.updated_at,
            "url": f"{base}/{project.path}/-/merge_requests/{mr.iid}",
            "last_commit": {"id": mr.sha, "message": "change", "timestamp": mr.updated_at}}


def note_event(base: str, project: FakeProject, mr: FakeMergeRequest, note: FakeNote) -> JSON:
    """GitLab's Note Hook body for ``note`` on ``mr``."""
    return {"object_kind": "note", "event_type": "note", "user": note.author.basic(base),
            "project_id": project.id, "project": _project_json(project, base),
            "object_attributes": {"id": note.id, "note": note.body, "noteable_type": "MergeRequest",
                                  "author_id": note.author.id, "created_at": note.created_at,
                                  "updated_at": now_iso(), "project_id": project.id, "system": note.system,
                                  "discussion_id": note.discussion_id, "type": note.type, "action": "create",
                                  "url": f"{base}/{project.path}/-/merge_requests/{mr.iid}#note_{note.id}"},
            "merge_request": _mr_json(mr, base, project)}


def merge_request_event(base: str, project: FakeProject, mr: FakeMergeRequest, user: FakeUser, *,
                        action: str = "update") -> JSON:
    """GitLab's Merge Request Hook body (GitLab sends one with ``update`` when threads get resolved)."""
    return {"object_kind": "merge_request", "event_type": "merge_request", "user": user.basic(base),
            "project": _project_json(project, base),
            "object_attributes": {**_mr_json(mr, base, project), "action": action}}


def deliver(project: FakeProject, event: str, subscription: str, body: JSON, *,
            idempotency_key: str | None = None) -> list[httpx.Response]:
    """POST ``body`` to every hook of ``project`` with ``subscription`` (``note_events`` ...) on."""
    key = idempotency_key or str(uuid.uuid4())
    responses = []
    for hook in project.hooks:
        if not hook.get(subscription):
            continue
        headers = {"X-Gitlab-Event": event, "Idempotency-Key": key, "X-Gitlab-Webhook-UUID": str(uuid.uuid4()),
                   "Content-Type": "application/json", "User-Agent": "GitLab/18.0.0"}
        if hook.get("token"):
            headers["X-Gitlab-Token"] = str(hook["token"])
        responses.append(httpx.post(str(hook["url"]), json=body, headers=headers, timeout=60))
    return responses


def deliver_note(base: str, project: FakeProject, mr: FakeMergeRequest, note: FakeNote, *,
                 idempotency_key: str | None = None) -> list[httpx.Response]:
    """Send the Note Hook for ``note`` to the project's hooks subscribed to comments."""
    return deliver(project, "Note Hook", "note_events", note_event(base, project, mr, note),
                   idempotency_key=idempotency_key)


def deliver_merge_request(base: str, project: FakeProject, mr: FakeMergeRequest, user: FakeUser, *,
                          action: str = "update") -> list[httpx.Response]:
    """Send a Merge Request Hook for ``mr`` to the project's hooks subscribed to merge request events."""
    return deliver(project, "Merge Request Hook", "merge_requests_events",
                   merge_request_event(base, project, mr, user, action=action))
