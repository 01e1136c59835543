"""Pure: merge-request tracking, in one place. What a tracking row becomes after an event (GitLab told us
the MR's head, a validation, a summary note: the store applies these inside its transactions) and what a
row means next to GitLab's current head (the status of ``spyglass gitlab mrs`` and the dashboard)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.models import MergeRequest
from spyglass.store.models import TrackedMergeRequest, TrackingChange


class TrackingStatus(str, Enum):
    NOT_VALIDATED = "not validated"
    VALIDATED = "validated"
    STALE = "stale"
    SUMMARY_POSTED = "summary posted"


class MergeRequestView(BaseModel):
    """One row of ``spyglass gitlab mrs`` and of the server's merge-request dashboard."""

    model_config = ConfigDict(frozen=True)

    iid: int
    title: str
    author: str | None
    source_branch: str
    target_branch: str
    head_sha: str | None
    state: str
    updated_at: str
    web_url: str
    status: TrackingStatus
    validated_sha: str | None = None
    summary_note_id: int | None = None
    summary_url: str | None = None

    @property
    def status_text(self) -> str:
        """``not validated`` / ``validated at abc1234`` / ``stale (validated at ...)`` / ``summary posted
        (note 12)``."""
        short = (self.validated_sha or "")[:8]
        if self.status is TrackingStatus.VALIDATED:
            return f"validated at {short}"
        if self.status is TrackingStatus.STALE:
            return f"stale (validated at {short}, new commits since)"
        if self.status is TrackingStatus.SUMMARY_POSTED:
            return f"summary posted (note {self.summary_note_id}) at {short}"
        return str(self.status.value)


def is_stale(head_sha: str | None, validated_sha: str | None) -> bool:
    """True when the MR was validated and its head has since moved to another commit."""
    return validated_sha is not None and head_sha is not None and head_sha != validated_sha


def after_upsert(
    existing: TrackedMergeRequest | None, project: str, iid: int, *, title: str, state: str, head_sha: str | None,
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


def seen(project: str, iid: int, *, title: str, state: str, head_sha: str | None) -> TrackingChange:
    """GitLab told us the MR's title, state and head (:func:`after_upsert`), as a change for the store."""
    return lambda row, now: after_upsert(row, project, iid, title=title, state=state, head_sha=head_sha, now=now)


def posted(first: TrackingChange, project: str, iid: int, sha: str, note_id: int) -> TrackingChange:
    """``first``, then ``sha`` validated and its summary note ``note_id`` posted (what a post records)."""
    def change(row: TrackedMergeRequest | None, now: datetime) -> TrackedMergeRequest:
        checked = after_validation(first(row, now), project, iid, sha, now=now)
        return after_summary_note(checked, project, iid, note_id, sha, now=now)
    return change


def tracking_status(head_sha: str | None, tracked: TrackedMergeRequest | None) -> TrackingStatus:
    """Stale means validated at another sha than GitLab's current head."""
    if tracked is None or tracked.validated_sha is None:
        return TrackingStatus.NOT_VALIDATED
    head = head_sha or tracked.head_sha
    if head is not None and head != tracked.validated_sha:
        return TrackingStatus.STALE
    if tracked.summary_note_id is not None and tracked.summary_sha == tracked.validated_sha:
        return TrackingStatus.SUMMARY_POSTED
    return TrackingStatus.VALIDATED


def view(mr: MergeRequest, tracked: TrackedMergeRequest | None) -> MergeRequestView:
    """Combine GitLab's merge request with the store's tracking row."""
    note_id = tracked.summary_note_id if tracked else None
    return MergeRequestView(
        iid=mr.iid, title=mr.title, author=mr.author.username if mr.author else None,
        source_branch=mr.source_branch, target_branch=mr.target_branch, head_sha=mr.sha, state=mr.state,
        updated_at=mr.updated_at, web_url=mr.web_url, status=tracking_status(mr.sha, tracked),
        validated_sha=tracked.validated_sha if tracked else None, summary_note_id=note_id,
        summary_url=f"{mr.web_url}#note_{note_id}" if note_id and mr.web_url else None)
