"""Pure decisions about merge-request tracking: what a row becomes after an event."""

from __future__ import annotations

from datetime import datetime

from spyglass.store.models import TrackedMergeRequest, is_stale


def after_upsert(
    existing: TrackedMergeRequest | None,
    project: str,
    iid: int,
    *,
    title: str,
    state: str,
    head_sha: str | None,
    now: datetime,
) -> TrackedMergeRequest:
    """The row once GitLab told us the MR's title, state and head (validation facts are kept).

    A ``head_sha`` of None (GitLab did not say) keeps the head we knew.
    """
    head = head_sha if head_sha is not None else (existing.head_sha if existing else None)
    if existing is None:
        return TrackedMergeRequest(
            project=project, iid=iid, title=title, state=state, head_sha=head, validated_sha=None,
            validated_at=None, summary_note_id=None, summary_sha=None, stale=False, updated_at=now,
        )
    return existing.model_copy(update={
        "title": title, "state": state, "head_sha": head,
        "stale": is_stale(head, existing.validated_sha), "updated_at": now,
    })


def after_validation(
    existing: TrackedMergeRequest | None, project: str, iid: int, sha: str, *, now: datetime
) -> TrackedMergeRequest:
    """The row once ``sha`` was validated. An MR we never saw is tracked with that sha as its head."""
    base = existing or after_upsert(None, project, iid, title="", state="opened", head_sha=sha, now=now)
    return base.model_copy(update={
        "validated_sha": sha, "validated_at": now,
        "stale": is_stale(base.head_sha, sha), "updated_at": now,
    })


def after_summary_note(
    existing: TrackedMergeRequest | None, project: str, iid: int, note_id: int, sha: str, *, now: datetime
) -> TrackedMergeRequest:
    """The row once the summary note ``note_id`` was posted (or updated) for ``sha``."""
    base = existing or after_upsert(None, project, iid, title="", state="opened", head_sha=sha, now=now)
    return base.model_copy(update={"summary_note_id": note_id, "summary_sha": sha, "updated_at": now})
