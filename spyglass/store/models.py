"""What the Spyglass store hands out: frozen records, never a secret in clear."""

from __future__ import annotations

from collections.abc import Callable
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
    """Spyglass's tracking of one merge request, as stored.

    ``stale`` is true when the head moved past the last validated sha (new commits since validation);
    :func:`spyglass.gitlab.tracking.tracking_status` says what the row means.
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


#: what a merge request's tracking row becomes, given the row (None if never seen) and the time: the store
#: applies it inside one transaction; the decisions themselves live in :mod:`spyglass.gitlab.tracking`
TrackingChange = Callable[[TrackedMergeRequest | None, datetime], TrackedMergeRequest]
