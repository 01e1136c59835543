"""``spyglass gitlab rotate``: swap the stored token for a new one from GitLab without ever losing both.

``POST /personal_access_tokens/self/rotate`` (GitLab 16.10+; the token needs the ``api`` or ``self_rotate``
scope) revokes the token it is sent with and answers a new one of the same name and scopes. GitLab's
*reuse detection* revokes every newer token of a rotated family when a revoked one is presented again, so:

1. Before the request, a ``pending`` marker is claimed in the store (one rotation at a time, across
   processes); while it is there, nothing sends the stored token (:func:`refuse_if_rotating`).
2. The answer's token is stored (encrypted) in the same transaction that removes the marker, before any
   other request: from then on every request uses it.
3. When GitLab surely did nothing (a 4xx: its rotation is one database transaction; no connection could be
   made; 429) the marker is removed and the old token stands.
4. Otherwise (connection dropped after sending, timeout, 5xx, an unreadable answer, the process stopped) the
   old token may already be revoked and its successor is lost in transit: the stored token is deleted, never
   sent again, and the user is told to create a new token and connect it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spyglass.exceptions import SpyglassError
from spyglass.gitlab.client import GitLabClient
from spyglass.gitlab.errors import (
    GitLabApiError,
    GitLabNotConfigured,
    GitLabResponseLost,
    GitLabRotationBusy,
    GitLabRotationLost,
    GitLabScopeError,
    GitLabUnavailable,
)
from spyglass.gitlab.models import TokenInfo
from spyglass.store.db import Store

#: the store's settings: the rotation marker, the stored token's expiry (ISO date), the opt-in to auto-rotate
ROTATION_KEY = "gitlab.token_rotation"
EXPIRES_KEY = "gitlab.token_expires_at"
AUTO_ROTATE_KEY = "gitlab.auto_rotate"
ROTATE_PATH = "/personal_access_tokens/self/rotate"
ROTATE_SCOPES = ("api", "self_rotate")
#: a pending rotation younger than this is taken to be under way; an older one was interrupted
UNDER_WAY = timedelta(minutes=5)
#: the longest lifetime asked for (GitLab's default maximum); an instance's lower maximum is then used
MAX_LIFETIME_DAYS = 365
MIN_LIFETIME_DAYS = 30
_REMEDY = ("In GitLab (avatar -> Edit profile -> Access tokens), revoke the newest token named like the old one "
           "if it is listed, create a new token with the `api` scope, and connect it: `spyglass gitlab connect "
           "--url {url} --project {project}` (or Settings -> GitLab integration).")


class RotationMarker(BaseModel):
    """What the store keeps about a rotation that has not ended well (never a token)."""

    model_config = ConfigDict(frozen=True)

    state: Literal["pending", "lost"]
    started_at: datetime
    token_last4: str
    url: str
    project: str


class RotatedToken(TokenInfo):
    """GitLab's ``PersonalAccessTokenWithToken``: the new token's description and value."""

    token: str = Field(repr=False)


class RotationResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    token_last4: str
    previous_last4: str
    expires_at: date | None
    scopes: list[str]


def marker(store: Store) -> RotationMarker | None:
    """The recorded rotation, or None (a marker that cannot be read counts as an interrupted rotation)."""
    text = store.get_setting(ROTATION_KEY)
    if text is None:
        return None
    try:
        return RotationMarker.model_validate_json(text)
    except ValidationError:
        return RotationMarker(state="pending", started_at=datetime.min.replace(tzinfo=None), token_last4="????",
                              url="", project="")


def refuse_if_rotating(store: Store, now: datetime) -> None:
    """Raise when a rotation is recorded: under way (:class:`GitLabRotationBusy`), or lost or interrupted
    (:class:`GitLabRotationLost`; an interrupted one's token is deleted on the way). Nothing is sent."""
    found = marker(store)
    if found is None:
        return
    if found.state == "pending" and found.started_at.tzinfo is not None and now - found.started_at < UNDER_WAY:
        raise GitLabRotationBusy(
            f"A token rotation started {int((now - found.started_at).total_seconds())} seconds ago is under way: "
            "the stored token is not sent until it ends.", remedy="Try again in a minute.")
    if found.state == "pending":
        text = store.get_setting(ROTATION_KEY) or ""
        store.drop_connection_if(ROTATION_KEY, text, found.model_copy(update={"state": "lost"}).model_dump_json())
        raise GitLabRotationLost(
            f"A token rotation started at {found.started_at:%Y-%m-%d %H:%M} UTC never finished (the process "
            f"stopped while waiting for GitLab's answer): the token ending in {found.token_last4} may have been "
            "revoked, so Spyglass deleted it and will never send it again.",
            remedy=_REMEDY.format(url=found.url or "URL", project=found.project or "GROUP/PROJECT"))
    raise _lost_error(found, "its answer was lost earlier")


def _lost_error(found: RotationMarker, cause: str) -> GitLabRotationLost:
    return GitLabRotationLost(
        f"The token rotation of {found.started_at:%Y-%m-%d %H:%M} UTC reached GitLab but {cause}: GitLab has "
        f"probably revoked the token ending in {found.token_last4} and made a new one Spyglass never received. "
        "Spyglass deleted the old token and will never send it again (GitLab revokes every token of a rotated "
        "family when a revoked one is reused).",
        remedy=_REMEDY.format(url=found.url, project=found.project))


def default_expiry(info: TokenInfo | None, created: date | None, today: date) -> date | None:
    """The new token's expiry: the old token's lifetime from today, at least 30 days (a shorter one would be
    due again within the 14-day warning) and at most a year; None (GitLab decides) when the old token never
    expires or its lifetime is unknown."""
    if info is None or info.expires_at is None or created is None:
        return None
    lifetime = (info.expires_at - created).days
    return today + timedelta(days=min(max(lifetime, MIN_LIFETIME_DAYS), MAX_LIFETIME_DAYS))


class _SelfInfo(TokenInfo):
    created_at: datetime | None = None


def _describe(client: GitLabClient) -> _SelfInfo | None:
    """The token's own description (GET, with the still valid old token), or None when GitLab has none."""
    try:
        return _SelfInfo.model_validate(client.get("/personal_access_tokens/self"))
    except GitLabApiError as exc:
        if exc.status in (400, 403, 404):
            return None
        raise


def _post_rotate(client: GitLabClient, expires_at: date | None, *, clamp: bool) -> object:
    """One rotation request; with ``clamp``, a 400 naming the instance's longest lifetime is asked again with
    that date (a 400 changed nothing: GitLab rotates in one transaction)."""
    body = {"expires_at": expires_at.isoformat()} if expires_at else {}
    try:
        return client.post(ROTATE_PATH, body)
    except GitLabApiError as exc:
        limit = _lifetime_limit(exc)
        if not clamp or limit is None or expires_at is None or limit >= expires_at:
            raise
        return client.post(ROTATE_PATH, {"expires_at": limit.isoformat()})


def _lifetime_limit(exc: GitLabApiError) -> date | None:
    """The date in GitLab's 400 "Expires at must be before YYYY-MM-DD", or None."""
    text = exc.gitlab_message
    if exc.status != 400 or "must be before" not in text:
        return None
    try:
        return date.fromisoformat(text.rsplit("before", 1)[1].strip().rstrip(".")[:10])
    except ValueError:
        return None


def _refused(exc: GitLabApiError) -> SpyglassError:
    """GitLab's refusal (nothing rotated), said for a rotation."""
    if isinstance(exc, GitLabScopeError):
        return GitLabScopeError("The token's scopes do not allow rotating it.", status=exc.status, error=exc.error,
                                remedy="Rotation needs the `api` or `self_rotate` scope: create a token with one "
                                       "of them and connect it. The stored token is unchanged.")
    if exc.status in (404, 405):
        return GitLabApiError("This GitLab cannot rotate this token (self-rotation needs GitLab 16.10+ and a "
                              "personal, project or group access token).", status=exc.status,
                              remedy="Create a new token in GitLab before the old one expires and connect it. "
                                     "The stored token is unchanged.")
    return exc


def rotate(store: Store, client_for: Callable[[str, str], GitLabClient], *, today: date,
           now: Callable[[], datetime], expires_at: date | None = None) -> RotationResult:
    """Rotate the stored token (see the module's description); the new one is stored before returning."""
    stored, old = store.connection(), store.token()
    if stored is None or old is None:
        refuse_if_rotating(store, now())
        raise GitLabNotConfigured("No GitLab token is stored: there is nothing to rotate.",
                                  remedy="Connect one first: `spyglass gitlab connect --url URL --project PATH`.")
    refuse_if_rotating(store, now())
    pending = RotationMarker(state="pending", started_at=now(), token_last4=old[-4:], url=stored.url,
                             project=stored.project)
    claim = pending.model_dump_json()
    if not store.claim_setting(ROTATION_KEY, claim):  # another rotation began a moment ago
        raise GitLabRotationBusy("Another token rotation has just begun.", remedy="Try again in a minute.")
    with client_for(stored.url, old) as client:
        try:
            info = _describe(client)
            if info is not None and not set(info.scopes) & set(ROTATE_SCOPES):
                raise GitLabScopeError("", status=403)
            when = expires_at or default_expiry(info, info.created_at.date() if info and info.created_at else None,
                                                today)
            answer = _post_rotate(client, when, clamp=expires_at is None)
        except (GitLabResponseLost, GitLabApiError, GitLabUnavailable) as exc:
            if isinstance(exc, GitLabResponseLost):
                raise _lose(store, claim, pending, "its answer was lost") from None
            store.delete_setting(ROTATION_KEY)  # GitLab surely did nothing: the old token stands
            raise _refused(exc) if isinstance(exc, GitLabApiError) else exc from None
        except BaseException:
            _lose(store, claim, pending, "Spyglass stopped before reading the answer")
            raise
    return _store_new(store, claim, pending, answer)


def _store_new(store: Store, claim: str, pending: RotationMarker, answer: object) -> RotationResult:
    """Store the answer's token with the end of the rotation, in one transaction."""
    try:
        new = RotatedToken.model_validate(answer)
    except ValidationError:
        raise _lose(store, claim, pending, "its answer held no token") from None
    stored = store.connection()
    try:
        store.save_connection(pending.url, pending.project, new.token, user=stored.user if stored else None,
                              scopes=list(new.scopes), settings={
                                  ROTATION_KEY: None,
                                  EXPIRES_KEY: new.expires_at.isoformat() if new.expires_at else None})
    except SpyglassError as exc:
        raise _lose(store, claim, pending, f"the new token could not be stored ({exc.message})") from None
    return RotationResult(token_last4=new.token[-4:], previous_last4=pending.token_last4,
                          expires_at=new.expires_at, scopes=list(new.scopes))


def _lose(store: Store, claim: str, pending: RotationMarker, cause: str) -> GitLabRotationLost:
    """Delete the possibly revoked token and record the loss (best effort: the store may be what failed)."""
    lost = pending.model_copy(update={"state": "lost"})
    # if the store fails too, the pending marker stays: nothing sends the token, and the next command says so
    with contextlib.suppress(SpyglassError):
        store.drop_connection_if(ROTATION_KEY, claim, lost.model_dump_json())
    return _lost_error(lost, cause)
