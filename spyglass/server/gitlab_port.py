"""The server's thin adapter over :class:`spyglass.gitlab.service.GitLabService` and the store.

Everything GitLab does lives in :mod:`spyglass.gitlab` (shared with the CLI); this module only adds
what is specific to HTTP: the stored-connection view for the settings page and the webhook receiver
(constant-time ``X-Gitlab-Token`` check, ``Idempotency-Key``, tracking updates).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, ValidationError

from spyglass.exceptions import SpyglassError, UsageError
from spyglass.gitlab.diagnose import Diagnosis
from spyglass.gitlab.service import ConnectResult, GitLabService, MergeRequestList, PostResult, WebhookResult
from spyglass.state.models import State
from spyglass.store.db import Store


class WebhookUnauthorized(SpyglassError):
    """The webhook delivery did not carry the configured secret."""

    http_status = 401


class ConnectionView(BaseModel):
    """The stored connection as the settings page shows it: never the token, only its last four."""

    model_config = ConfigDict(frozen=True)

    connected: bool
    url: str | None = None
    project: str | None = None
    user: str | None = None
    scopes: list[str] = []
    token_last4: str | None = None
    webhook_configured: bool = False


class _Commit(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | None = None


class _Attributes(BaseModel):
    model_config = ConfigDict(extra="ignore")
    iid: int
    title: str = ""
    state: str = "opened"
    action: str | None = None
    last_commit: _Commit | None = None


class _Project(BaseModel):
    model_config = ConfigDict(extra="ignore")
    path_with_namespace: str


class WebhookPayload(BaseModel):
    """The parts of GitLab's Merge Request Hook body Spyglass uses."""

    model_config = ConfigDict(extra="ignore")
    object_kind: str
    project: _Project
    object_attributes: _Attributes | None = None


class WebhookOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: recorded / duplicate / ignored
    result: str
    project: str | None = None
    iid: int | None = None
    state: str | None = None
    stale: bool | None = None


def parse_webhook(body: bytes) -> WebhookPayload:
    """The hook's JSON body (UsageError → 400 when it is not a GitLab hook body)."""
    try:
        return WebhookPayload.model_validate(json.loads(body))
    except (ValueError, ValidationError):
        raise UsageError("The webhook body is not a GitLab hook event.",
                         remedy="Configure the hook for Merge request events only.") from None


class GitLabPort:
    """What the GitLab routes call; one per app."""

    def __init__(self, service: GitLabService, environ: Mapping[str, str]) -> None:
        self.service = service
        self._environ = environ

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> GitLabPort:
        return cls(GitLabService(environ), environ)

    def _store(self) -> Store:
        return Store.open(self._environ)

    def connection(self) -> ConnectionView:
        store = self._store()
        try:
            stored = store.connection()
            hooked = store.webhook_secret() is not None
        finally:
            store.close()
        if stored is None:
            return ConnectionView(connected=False, webhook_configured=hooked)
        return ConnectionView(connected=True, url=stored.url, project=stored.project, user=stored.user,
                              scopes=list(stored.scopes), token_last4=stored.token_last4,
                              webhook_configured=hooked)

    def connect(self, url: str, project: str, token: str) -> ConnectResult:
        if not token.strip():
            raise UsageError("The token is empty.", remedy="Paste a GitLab Personal Access Token.")
        return self.service.connect(url, project, token)

    def diagnose(self) -> Diagnosis:
        return self.service.status()

    def disconnect(self) -> bool:
        return self.service.disconnect()

    def merge_requests(self, state: str) -> MergeRequestList:
        return self.service.merge_requests(state=state)

    def post(self, state: State, iid: int, *, notes: bool, commit_status: bool) -> PostResult:
        return self.service.post(state, mr_iid=iid, notes=notes, commit_status=commit_status)

    def install_webhook(self, hook_url: str) -> WebhookResult:
        return self.service.install_webhook(hook_url)

    def receive_webhook(self, *, token: str | None, idempotency_key: str | None, event: str | None,
                        body: bytes) -> WebhookOutcome:
        """Check the secret in constant time, then record the event and update the MR's tracking."""
        store = self._store()
        try:
            secret = store.webhook_secret()
            if secret is None or token is None or not hmac.compare_digest(token.encode(), secret.encode()):
                raise WebhookUnauthorized(
                    "The webhook request does not carry Spyglass's secret token.",
                    remedy="Install the hook from Settings -> GitLab integration (or `spyglass gitlab "
                           "webhook install`), which sets the secret GitLab sends as X-Gitlab-Token.")
            payload = parse_webhook(body)
            attrs = payload.object_attributes
            if payload.object_kind != "merge_request" or attrs is None:
                return WebhookOutcome(result="ignored", project=payload.project.path_with_namespace)
            project = payload.project.path_with_namespace
            fresh = store.record_webhook_event(idempotency_key, event=event or "Merge Request Hook",
                                               project=project, iid=attrs.iid, action=attrs.action)
            if not fresh:
                return WebhookOutcome(result="duplicate", project=project, iid=attrs.iid)
            tracked = store.upsert_merge_request(
                project, attrs.iid, title=attrs.title, state=attrs.state,
                head_sha=attrs.last_commit.id if attrs.last_commit else None)
            return WebhookOutcome(result="recorded", project=project, iid=attrs.iid, state=tracked.state,
                                  stale=tracked.stale)
        finally:
            store.close()
