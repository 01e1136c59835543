"""What the Spyglass store hands out: frozen records, never a secret in clear."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class StoredConnection(BaseModel):
    """The one stored GitLab connection. The token itself is never part of it (only its last four)."""

    model_config = ConfigDict(frozen=True)

    url: str
    project: str
    token_last4: str
    user: str | None
    scopes: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


class TrackedMergeRequest(BaseModel):
    """Spyglass's tracking of one merge request.

    ``stale`` is true when the head moved past the last validated sha (new commits since validation).
    """

    model_config = ConfigDict(frozen=True)

    project: str
    iid: int
    title: str
    state: str
    head_sha: str | None
    validated_sha: str | None
    validated_at: datetime | None
    summary_note_id: int | None
    summary_sha: str | None
    stale: bool
    updated_at: datetime

    @property
    def status(self) -> str:
        """``not validated`` / ``stale`` / ``summary posted`` / ``validated`` (for lists and badges)."""
        if self.validated_sha is None:
            return "not validated"
        if self.stale:
            return "stale"
        if self.summary_note_id is not None:
            return "summary posted"
        return "validated"


class Validation(BaseModel):
    """One recorded validation (a ``spyglass run`` whose summary was posted or recorded) of an MR."""

    model_config = ConfigDict(frozen=True)

    project: str
    iid: int
    sha: str
    checks: int
    mismatches: int
    errors: int
    validated_at: datetime


class WebhookEvent(BaseModel):
    """One webhook delivery as received (the payload itself is not kept)."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str | None
    event: str
    project: str
    iid: int | None
    action: str | None
    received_at: datetime


def is_stale(head_sha: str | None, validated_sha: str | None) -> bool:
    """True when the MR was validated and its head has since moved to another commit."""
    return validated_sha is not None and head_sha is not None and head_sha != validated_sha
