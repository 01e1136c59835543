"""The server's thin adapter over :class:`spyglass.gitlab.service.GitLabService` and the store.

Everything GitLab does lives in :mod:`spyglass.gitlab` (shared with the CLI); this module only adds
what is specific to HTTP: the stored-connection view for the settings page and the webhook receiver
(constant-time ``X-Gitlab-Token`` check, deliveries for the connected project only, the body read by
:mod:`spyglass.gitlab.webhook`, ``Idempotency-Key`` and tracking update in one store transaction).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from spyglass.exceptions import SpyglassError, UsageError
from spyglass.gitlab.diagnose import Diagnosis
from spyglass.gitlab.service import ConnectResult, GitLabService, MergeRequestList, PostResult, WebhookResult
from spyglass.gitlab.settings import resolve
from spyglass.gitlab.webhook import WebhookPayload, check_headers, is_connected_project, parse_webhook
from spyglass.state.models import State
from spyglass.store.db import Store


class WebhookUnauthorized(SpyglassError):
    """The webhook delivery did not carry the configured secret."""

    http_status = 401


class WebhookTooLarge(UsageError):
    """A webhook body above the size limit (refused while reading it, never held whole)."""

    http_status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"The webhook body is larger than {limit // 2**20} MiB.",
                         remedy="Send merge request events only: GitLab's merge request hook bodies are far "
                                "smaller.")


class WebhookWrongProject(UsageError):
    """The webhook delivery is for another project than the connected one (or none is connected)."""

    http_status = 403


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


class WebhookOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: recorded / duplicate / ignored
    result: str
    project: str | None = None
    iid: int | None = None
    state: str | None = None
    stale: bool | None = None


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

    def authorize_webhook(self, token: str | None) -> None:
        """:class:`WebhookUnauthorized` (401) unless ``token`` is the stored webhook secret (constant time).

        Called before the body is read, so an unauthenticated sender cannot make the server read a body.
        """
        with self._store() as store:
            _check_secret(store, token)

    def receive_webhook(self, *, token: str | None, idempotency_key: str | None, event: str | None,
                        body: bytes) -> WebhookOutcome:
        """Check the secret in constant time, refuse a body for another project, then record the delivery
        and update the MR's tracking in one transaction (a failure keeps neither, so a retry is processed)."""
        with self._store() as store:
            _check_secret(store, token)
            check_headers(idempotency_key, event)
            payload = parse_webhook(body)
            project = payload.project.path_with_namespace
            _check_project(store, self._environ, payload)
            attrs = payload.object_attributes
            if payload.object_kind != "merge_request" or attrs is None:
                return WebhookOutcome(result="ignored", project=project)
            tracked = store.receive_merge_request_event(
                idempotency_key, event=event or "Merge Request Hook", project=project, iid=attrs.iid,
                action=attrs.action, title=attrs.title, state=attrs.state, head_sha=payload.head_sha)
        if tracked is None:
            return WebhookOutcome(result="duplicate", project=project, iid=attrs.iid)
        return WebhookOutcome(result="recorded", project=project, iid=attrs.iid, state=tracked.state,
                              stale=tracked.stale)


def _check_secret(store: Store, token: str | None) -> None:
    secret = store.webhook_secret()
    if secret is None or token is None or not hmac.compare_digest(token.encode(), secret.encode()):
        raise WebhookUnauthorized(
            "The webhook request does not carry Spyglass's secret token.",
            remedy="Install the hook from Settings -> GitLab integration (or `spyglass gitlab "
                   "webhook install`), which sets the secret GitLab sends as X-Gitlab-Token.")


def _check_project(store: Store, environ: Mapping[str, str], payload: WebhookPayload) -> None:
    """:class:`WebhookWrongProject` unless the body is for the connected project (nothing is stored)."""
    connected = resolve(environ, store.connection()).project
    if connected is None:
        raise WebhookWrongProject(
            "Spyglass is not connected to a GitLab project, so it cannot tell whether this delivery is for it.",
            remedy="Connect the project in Settings -> GitLab integration (or `spyglass gitlab connect`).")
    if not is_connected_project(connected, payload):
        raise WebhookWrongProject(
            f"The webhook delivery is for project {payload.project.path_with_namespace!r} (id "
            f"{payload.project.id}), not for the connected project {connected!r}; nothing was recorded.",
            remedy="Install the hook on the connected project only (Settings -> Webhooks of the other project: "
                   "remove Spyglass's hook), or connect Spyglass to that project.")
