"""Thin I/O: GitLab's Merge Request Hook and Note Hook deliveries, received against the store.

The secret is checked in constant time (before the body is read: see :meth:`WebhookReceiver.authorize`),
the body is read by :mod:`spyglass.gitlab.webhook`, deliveries for another project than the connected one
are refused, and the delivery's ``Idempotency-Key`` is recorded with the tracking change
(:mod:`spyglass.gitlab.tracking`) in one store transaction. The HTTP route only reads the request.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from spyglass.gitlab.errors import WebhookUnauthorized, WebhookWrongProject
from spyglass.gitlab.settings import resolve
from spyglass.gitlab.tracking import seen
from spyglass.gitlab.webhook import WebhookPayload, check_headers, is_connected_project, parse_webhook
from spyglass.store.db import Store

#: GitLab's merge request hook bodies are a few kB (up to a few MB with a huge description)
MAX_WEBHOOK_BYTES = 16 * 2**20


class WebhookOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: recorded / duplicate / ignored
    result: str
    project: str | None = None
    iid: int | None = None
    state: str | None = None
    stale: bool | None = None
    #: ``merge_request`` or ``note`` (what GitLab sent)
    object_kind: str | None = None
    #: the MR's threads synced with the server's checklist (two-way threads), when this MR is its MR
    synced: bool = False
    #: why the sync failed (GitLab unreachable ...): the next event or post syncs again
    sync_error: str | None = None


class WebhookReceiver:
    """Receives deliveries for the connection stored in ``store`` (or configured in ``environ``)."""

    def __init__(self, store: Store, environ: Mapping[str, str]) -> None:
        self._store = store
        self._environ = environ

    def authorize(self, token: str | None) -> None:
        """:class:`WebhookUnauthorized` (401) unless ``token`` is the stored webhook secret (constant time).

        Called before the body is read, so an unauthenticated sender cannot make the server read a body.
        """
        secret = self._store.webhook_secret()
        if secret is None or token is None or not hmac.compare_digest(token.encode(), secret.encode()):
            raise WebhookUnauthorized(
                "The webhook request does not carry Spyglass's secret token.",
                remedy="Install the hook from Settings -> GitLab integration (or `spyglass gitlab "
                       "webhook install`), which sets the secret GitLab sends as X-Gitlab-Token.")

    def receive(self, *, token: str | None, idempotency_key: str | None, event: str | None,
                body: bytes) -> WebhookOutcome:
        """Check the secret, refuse a body for another project, then record the delivery and update the MR's
        tracking in one transaction (a failure keeps neither, so GitLab's retry is processed)."""
        self.authorize(token)
        check_headers(idempotency_key, event)
        payload = parse_webhook(body)
        project = payload.project.path_with_namespace
        self._check_project(payload)
        attrs = payload.object_attributes
        if payload.note is not None:
            return self._note(idempotency_key, event, project, payload.note.merge_request_iid)
        if payload.object_kind != "merge_request" or attrs is None:
            return WebhookOutcome(result="ignored", project=project, object_kind=payload.object_kind)
        tracked = self._store.receive_merge_request_event(
            idempotency_key, event=event or "Merge Request Hook", project=project, iid=attrs.iid,
            action=attrs.action, change=seen(project, attrs.iid, title=attrs.title, state=attrs.state,
                                             head_sha=payload.head_sha))
        if tracked is None:
            return WebhookOutcome(result="duplicate", project=project, iid=attrs.iid, object_kind="merge_request")
        return WebhookOutcome(result="recorded", project=project, iid=attrs.iid, state=tracked.state,
                              stale=tracked.stale, object_kind="merge_request")

    def _note(self, idempotency_key: str | None, event: str | None, project: str,
              iid: int | None) -> WebhookOutcome:
        """A comment: on a merge request it is recorded (once per Idempotency-Key) so the caller syncs the
        MR's threads, which reads the note back from GitLab; any other comment is ignored."""
        if iid is None:
            return WebhookOutcome(result="ignored", project=project, object_kind="note")
        fresh = self._store.record_webhook_event(idempotency_key, event=event or "Note Hook", project=project,
                                                 iid=iid, action="note")
        return WebhookOutcome(result="recorded" if fresh else "duplicate", project=project, iid=iid,
                              object_kind="note")

    def _check_project(self, payload: WebhookPayload) -> None:
        """:class:`WebhookWrongProject` unless the body is for the connected project (nothing is stored)."""
        connected = resolve(self._environ, self._store.connection()).project
        if connected is None:
            raise WebhookWrongProject(
                "Spyglass is not connected to a GitLab project, so it cannot tell whether this delivery is "
                "for it.", remedy="Connect the project in Settings -> GitLab integration (or `spyglass gitlab "
                                  "connect`).")
        if not is_connected_project(connected, payload):
            raise WebhookWrongProject(
                f"The webhook delivery is for project {payload.project.path_with_namespace!r} (id "
                f"{payload.project.id}), not for the connected project {connected!r}; nothing was recorded.",
                remedy="Install the hook on the connected project only (Settings -> Webhooks of the other "
                       "project: remove Spyglass's hook), or connect Spyglass to that project.")
