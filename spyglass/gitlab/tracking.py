"""Pure: Spyglass's tracking status of a merge request, from GitLab's head sha and the store's row."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.models import MergeRequest
from spyglass.store.models import TrackedMergeRequest


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
